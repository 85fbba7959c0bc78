/** Rules engine and presets (spec §8.3): conditions, match modes, priority, validation, quiet hours, LLM verdicts. */
import { describe, expect, it } from 'vitest';
import {
  compileRegex,
  type EmailMessage,
  type EmailRule,
  findPreset,
  firstMatch,
  inQuietHours,
  matchConditions,
  parseStoredDefinition,
  parseVerdict,
  RULE_PRESETS,
  type RuleDefinition,
  RuleDefinitionSchema,
} from '../../src/email/index.js';

function message(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    uid: 1,
    from: 'Anna Recruiter <anna@mail.greenhouse.io>',
    fromAddress: 'anna@mail.greenhouse.io',
    subject: 'Hello',
    snippet: 'Just saying hi',
    bodyText: 'Just saying hi',
    receivedAt: new Date('2026-01-01T10:00:00Z'),
    hasAttachments: false,
    to: ['me@example.com'],
    isRead: false,
    size: 100,
    ...overrides,
  };
}

function rule(name: string, definition: Partial<RuleDefinition>, extra: Partial<EmailRule> = {}): EmailRule {
  return {
    id: name,
    userId: 'u',
    accountId: null,
    name,
    enabled: true,
    priority: 0,
    definition: { conditions: {}, match_mode: 'any', ...definition },
    importance: 'normal',
    customAlertMessage: null,
    overridePing: null,
    presetName: null,
    ...extra,
  };
}

describe('conditions', () => {
  it('matches sender, domain (with sub-domains), subject, body and attachments case-insensitively', () => {
    const m = message({
      subject: 'Your INTERVIEW on Monday',
      snippet: 'Please bring the Contract',
      hasAttachments: true,
    });
    expect(
      matchConditions({ conditions: { sender_contains: ['RECRUITER'] }, match_mode: 'any' }, m)?.matched,
    ).toEqual(['sender_contains']);
    expect(
      matchConditions({ conditions: { sender_domain: ['greenhouse.io'] }, match_mode: 'any' }, m)?.reasons,
    ).toEqual(['sender domain is mail.greenhouse.io']);
    expect(
      matchConditions({ conditions: { sender_domain: ['house.io'] }, match_mode: 'any' }, m),
    ).toBeUndefined();
    expect(
      matchConditions({ conditions: { subject_contains: ['interview'] }, match_mode: 'any' }, m)?.reasons,
    ).toEqual(['subject contains “interview”']);
    expect(
      matchConditions({ conditions: { body_contains: ['contract'] }, match_mode: 'any' }, m),
    ).toBeDefined();
    expect(matchConditions({ conditions: { has_attachments: true }, match_mode: 'any' }, m)).toBeDefined();
    expect(matchConditions({ conditions: { has_attachments: false }, match_mode: 'any' }, m)).toBeUndefined();
  });

  it('any needs one condition, all needs every present condition, none never matches', () => {
    const m = message({ subject: 'Interview' });
    const conditions = { subject_contains: ['interview'], sender_domain: ['lever.co'] };
    expect(matchConditions({ conditions, match_mode: 'any' }, m)?.matched).toEqual(['subject_contains']);
    expect(matchConditions({ conditions, match_mode: 'all' }, m)).toBeUndefined();
    expect(
      matchConditions(
        { conditions: { ...conditions, sender_domain: ['greenhouse.io'] }, match_mode: 'all' },
        m,
      )?.matched,
    ).toEqual(['sender_domain', 'subject_contains']);
    expect(matchConditions({ conditions: {}, match_mode: 'any' }, m)).toBeUndefined();
  });

  it('reads Python-style regexes with inline flags; an invalid regex never matches', () => {
    expect(compileRegex('(?i)\\b(urgent)\\b')?.test('This is URGENT now')).toBe(true);
    expect(compileRegex('(?P<w>abc)(?P=w)')?.test('abcabc')).toBe(true);
    expect(compileRegex('([unclosed')).toBeUndefined();
    expect(
      matchConditions({ conditions: { subject_regex: '([bad' }, match_mode: 'any' }, message()),
    ).toBeUndefined();
  });
});

describe('first match by priority', () => {
  it('takes the highest priority matching rule, skipping disabled rules and other accounts', () => {
    const m = message({ subject: 'Urgent: interview' });
    const rules = [
      rule('low', { conditions: { subject_contains: ['interview'] } }, { priority: 1 }),
      rule('high', { conditions: { subject_contains: ['urgent'] } }, { priority: 5 }),
      rule('off', { conditions: { subject_contains: ['urgent'] } }, { priority: 9, enabled: false }),
      rule(
        'other-account',
        { conditions: { subject_contains: ['urgent'] } },
        { priority: 8, accountId: 'acc-2' },
      ),
    ];
    expect(firstMatch(rules, m, 'acc-1')?.rule.name).toBe('high');
    expect(firstMatch(rules, m, 'acc-2')?.rule.name).toBe('other-account');
    expect(firstMatch(rules, message({ subject: 'nothing' }), 'acc-1')).toBeUndefined();
  });
});

describe('validation and stored definitions', () => {
  it('accepts the spec format and rejects unknown keys, empty rules, bad regexes and bad modes', () => {
    expect(RuleDefinitionSchema.safeParse({ conditions: { subject_contains: ['a'] } }).success).toBe(true);
    expect(RuleDefinitionSchema.safeParse({ conditions: { subject_has: ['a'] } }).success).toBe(false);
    expect(RuleDefinitionSchema.safeParse({ conditions: {} }).success).toBe(false);
    expect(RuleDefinitionSchema.safeParse({ conditions: { subject_regex: '(' } }).success).toBe(false);
    expect(
      RuleDefinitionSchema.safeParse({ conditions: { subject_contains: ['a'] }, match_mode: 'most' }).success,
    ).toBe(false);
    expect(RuleDefinitionSchema.safeParse({ conditions: { subject_contains: 'a' } }).success).toBe(false);
    expect(RuleDefinitionSchema.safeParse({ llm: { instruction: 'Is this about my flight?' } }).success).toBe(
      true,
    );
  });

  it('reads stored JSON leniently and skips unusable rows', () => {
    expect(
      parseStoredDefinition('{"conditions": {"subject_contains": "invoice"}}')?.conditions.subject_contains,
    ).toEqual(['invoice']);
    expect(
      parseStoredDefinition('{"conditions": {"subject_contains": ["a"]}, "match_mode": "all"}')?.match_mode,
    ).toBe('all');
    expect(parseStoredDefinition('not json')).toBeUndefined();
    expect(parseStoredDefinition('{"conditions": {}}')).toBeUndefined();
  });
});

describe('presets', () => {
  it('has the five presets of the spec, each valid', () => {
    expect(RULE_PRESETS.map((p) => [p.key, p.name, p.importance])).toEqual([
      ['job_hunting', 'Job Hunting', 'high'],
      ['urgent', 'Urgent Messages', 'urgent'],
      ['security', 'Security Alerts', 'high'],
      ['financial', 'Financial Alerts', 'high'],
      ['shipping', 'Shipping & Delivery', 'normal'],
    ]);
    for (const preset of RULE_PRESETS)
      expect(RuleDefinitionSchema.safeParse(preset.definition).success).toBe(true);
    expect(findPreset('Job Hunting')?.key).toBe('job_hunting');
    expect(findPreset('job-hunting')?.key).toBe('job_hunting');
    expect(findPreset('nope')).toBeUndefined();
  });

  it('matches typical messages', () => {
    const preset = (key: string) => rule(key, findPreset(key)?.definition ?? {});
    const cases: Array<[string, Partial<EmailMessage>, boolean]> = [
      ['job_hunting', { from: 'x@jobs.lever.co', fromAddress: 'x@jobs.lever.co', subject: 'Hi' }, true],
      [
        'job_hunting',
        { from: 'Bob <bob@friend.org>', fromAddress: 'bob@friend.org', subject: 'Phone screen tomorrow' },
        true,
      ],
      ['urgent', { subject: 'This is critical' }, true],
      ['urgent', { subject: 'Criticality report' }, false],
      ['security', { subject: 'Your verification code is 123' }, true],
      [
        'financial',
        { from: 'service@paypal.com', fromAddress: 'service@paypal.com', subject: 'Receipt' },
        true,
      ],
      ['shipping', { from: 'a@b.org', fromAddress: 'a@b.org', subject: 'Out for delivery today' }, true],
      ['shipping', { from: 'a@b.org', fromAddress: 'a@b.org', subject: 'Lunch?' }, false],
    ];
    for (const [key, overrides, expected] of cases) {
      const m = message({ from: 'Friend <f@friend.org>', fromAddress: 'f@friend.org', ...overrides });
      expect([key, overrides.subject, Boolean(firstMatch([preset(key)], m, 'a'))]).toEqual([
        key,
        overrides.subject,
        expected,
      ]);
    }
  });
});

describe('quiet hours (UTC)', () => {
  const at = (hour: number) => new Date(Date.UTC(2026, 0, 1, hour, 30));
  it('handles plain and midnight-wrapping ranges; null never quiet', () => {
    expect(inQuietHours(9, 17, at(9))).toBe(true);
    expect(inQuietHours(9, 17, at(17))).toBe(false);
    expect(inQuietHours(22, 7, at(23))).toBe(true);
    expect(inQuietHours(22, 7, at(3))).toBe(true);
    expect(inQuietHours(22, 7, at(12))).toBe(false);
    expect(inQuietHours(null, 7, at(3))).toBe(false);
  });
});

describe('LLM verdicts', () => {
  it('accepts JSON with fences or prose around it, and rejects malformed answers', () => {
    expect(
      parseVerdict('```json\n{"match": true, "reason": "interview", "summary": "An invite."}\n```'),
    ).toEqual({
      match: true,
      reason: 'interview',
      summary: 'An invite.',
    });
    expect(parseVerdict('Sure! {"match": false}')?.match).toBe(false);
    expect(parseVerdict('{"match": "yes"}')).toBeUndefined();
    expect(parseVerdict('no json here')).toBeUndefined();
    expect(parseVerdict('{"match": true, "importance": "extreme"}')).toBeUndefined();
  });
});
