/** The named rule presets of spec §8.3 (applied with priority 10, match mode "any"). */
import type { RuleDefinition } from './rules.js';
import type { Importance } from './types.js';

export interface RulePreset {
  key: string;
  name: string;
  description: string;
  importance: Importance;
  definition: RuleDefinition;
}

export const PRESET_PRIORITY = 10;

export const RULE_PRESETS: readonly RulePreset[] = [
  {
    key: 'job_hunting',
    name: 'Job Hunting',
    description: 'Recruiters, applicant-tracking systems and interview scheduling.',
    importance: 'high',
    definition: {
      match_mode: 'any',
      conditions: {
        sender_domain: [
          'greenhouse.io',
          'lever.co',
          'workday.com',
          'icims.com',
          'smartrecruiters.com',
          'jobvite.com',
          'taleo.net',
          'successfactors.com',
          'myworkdayjobs.com',
          'linkedin.com',
          'indeed.com',
          'glassdoor.com',
          'ziprecruiter.com',
          'monster.com',
          'hired.com',
          'wellfound.com',
          'ycombinator.com',
        ],
        sender_contains: ['recruiter', 'recruiting', 'talent', 'hiring', 'hr@', 'careers@', 'jobs@'],
        subject_contains: [
          'interview',
          'application',
          'offer',
          'next steps',
          'phone screen',
          'schedule',
          'assessment',
          'coding challenge',
          'technical interview',
          'onsite',
          'following up',
          'your candidacy',
          'move forward',
        ],
      },
    },
  },
  {
    key: 'urgent',
    name: 'Urgent Messages',
    description: 'Subjects that say urgent, ASAP, deadline, action required…',
    importance: 'urgent',
    definition: {
      match_mode: 'any',
      conditions: {
        subject_contains: [
          'urgent',
          'asap',
          'immediately',
          'time sensitive',
          'action required',
          'deadline',
          'expiring',
          'expires today',
          'final notice',
          'response needed',
        ],
        subject_regex: '(?i)\\b(urgent|emergency|critical|important)\\b',
      },
    },
  },
  {
    key: 'security',
    name: 'Security Alerts',
    description: 'Password resets, sign-in alerts, verification codes.',
    importance: 'high',
    definition: {
      match_mode: 'any',
      conditions: {
        subject_contains: [
          'password reset',
          'reset your password',
          'security alert',
          'sign-in attempt',
          'new sign-in',
          'verification code',
          '2fa',
          'two-factor',
          'suspicious activity',
          'unusual activity',
          'account security',
          'confirm your email',
          'verify your account',
        ],
      },
    },
  },
  {
    key: 'financial',
    name: 'Financial Alerts',
    description: 'Banks and payment services: payments, fraud, balances, statements.',
    importance: 'high',
    definition: {
      match_mode: 'any',
      conditions: {
        sender_domain: [
          'paypal.com',
          'venmo.com',
          'chase.com',
          'bankofamerica.com',
          'wellsfargo.com',
          'capitalone.com',
          'discover.com',
          'americanexpress.com',
          'stripe.com',
          'square.com',
        ],
        subject_contains: [
          'payment received',
          'payment sent',
          'transaction alert',
          'fraud alert',
          'suspicious transaction',
          'low balance',
          'statement ready',
          'direct deposit',
        ],
      },
    },
  },
  {
    key: 'shipping',
    name: 'Shipping & Delivery',
    description: 'Carriers and order updates.',
    importance: 'normal',
    definition: {
      match_mode: 'any',
      conditions: {
        sender_domain: ['ups.com', 'fedex.com', 'usps.com', 'dhl.com', 'amazon.com'],
        subject_contains: [
          'shipped',
          'out for delivery',
          'delivered',
          'delivery attempt',
          'tracking',
          'your order',
          'package',
        ],
      },
    },
  },
];

export function findPreset(key: string): RulePreset | undefined {
  const wanted = key
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return RULE_PRESETS.find((p) => p.key === wanted || p.name.toLowerCase() === key.trim().toLowerCase());
}

export const presetKeys = (): string => RULE_PRESETS.map((p) => p.key).join(', ');
