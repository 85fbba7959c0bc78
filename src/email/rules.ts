/**
 * The rules engine of spec §8.3: rule definitions (validated with zod when created, read leniently from the
 * database), condition matching with a reason in words, and the first match by priority.
 */
import { z } from 'zod';
import { type EmailMessage, IMPORTANCE_LEVELS, type Importance } from './types.js';

const stringList = z.array(z.string().trim().min(1)).min(1);

export const RuleConditionsSchema = z
  .object({
    sender_contains: stringList.optional(),
    sender_domain: stringList.optional(),
    subject_contains: stringList.optional(),
    subject_regex: z.string().min(1).optional(),
    body_contains: stringList.optional(),
    has_attachments: z.boolean().optional(),
  })
  .strict();
export type RuleConditions = z.infer<typeof RuleConditionsSchema>;

/** The LLM check of a rule: a question the message must answer "yes" to (new; ignored by the original). */
export const RuleLlmSchema = z.object({ instruction: z.string().trim().min(3).max(1000) }).strict();

export const RuleDefinitionSchema = z
  .object({
    conditions: RuleConditionsSchema.default({}),
    match_mode: z.enum(['any', 'all']).default('any'),
    llm: RuleLlmSchema.optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (Object.keys(rule.conditions).length === 0 && !rule.llm) {
      ctx.addIssue({
        code: 'custom',
        message:
          'a rule needs at least one condition (sender_contains, sender_domain, subject_contains, …) or an llm instruction',
      });
    }
    if (rule.conditions.subject_regex !== undefined && !compileRegex(rule.conditions.subject_regex)) {
      ctx.addIssue({
        code: 'custom',
        path: ['conditions', 'subject_regex'],
        message: 'is not a valid regular expression',
      });
    }
  });
export type RuleDefinition = z.infer<typeof RuleDefinitionSchema>;

/** A rule ready to evaluate (from `email_rules`). */
export interface EmailRule {
  id: string;
  userId: string;
  /** null = every account of the user. */
  accountId: string | null;
  name: string;
  enabled: boolean;
  priority: number;
  definition: RuleDefinition;
  importance: Importance;
  customAlertMessage: string | null;
  /** true/false force a ping; null inherits the account's setting. */
  overridePing: boolean | null;
  presetName: string | null;
}

export interface RuleMatch {
  rule: EmailRule;
  /** Condition names that matched (`sender_domain`, …). */
  matched: string[];
  /** Why, in words: "sender domain is greenhouse.io; subject contains “interview”". */
  reason: string;
}

/**
 * Python's `re` syntax as the presets use it → a JS RegExp: leading inline flags `(?i)`, `(?s)`, `(?m)` become
 * RegExp flags and `(?P<name>` becomes `(?<name>`. Invalid → undefined (the rule then does not match).
 */
export function compileRegex(pattern: string): RegExp | undefined {
  let source = pattern;
  let flags = '';
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const flag of inline[1] ?? '') if ('ims'.includes(flag) && !flags.includes(flag)) flags += flag;
  }
  source = source
    .replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>');
  try {
    return new RegExp(source, flags);
  } catch {
    return undefined;
  }
}

/** Reads a stored `rule_definition` leniently (single strings for lists); undefined when unusable. */
export function parseStoredDefinition(json: string): RuleDefinition | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const record = raw as Record<string, unknown>;
  const conditions = { ...((record.conditions as Record<string, unknown> | undefined) ?? {}) };
  for (const key of ['sender_contains', 'sender_domain', 'subject_contains', 'body_contains']) {
    if (typeof conditions[key] === 'string') conditions[key] = [conditions[key]];
  }
  const parsed = RuleDefinitionSchema.safeParse({ ...record, conditions });
  return parsed.success ? parsed.data : undefined;
}

/** The domain after the last `@` of an address, lower-cased. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0
    ? ''
    : address
        .slice(at + 1)
        .trim()
        .toLowerCase()
        .replace(/>$/, '');
}

const containsAny = (text: string, needles: readonly string[]): string | undefined => {
  const haystack = text.toLowerCase();
  return needles.find((needle) => haystack.includes(needle.toLowerCase()));
};

/** Evaluates the conditions of one rule; undefined when it does not match (no conditions → no match). */
export function matchConditions(
  definition: RuleDefinition,
  message: EmailMessage,
): { matched: string[]; reasons: string[] } | undefined {
  const c = definition.conditions;
  const results: Array<{ name: string; hit: string | undefined }> = [];
  if (c.sender_contains) {
    const hit = containsAny(message.from, c.sender_contains);
    results.push({ name: 'sender_contains', hit: hit && `sender contains “${hit}”` });
  }
  if (c.sender_domain) {
    const domain = domainOf(message.fromAddress || message.from);
    const hit = c.sender_domain.find((d) => {
      const wanted = d.toLowerCase().replace(/^@/, '');
      return domain === wanted || domain.endsWith(`.${wanted}`);
    });
    results.push({ name: 'sender_domain', hit: hit && `sender domain is ${domain}` });
  }
  if (c.subject_contains) {
    const hit = containsAny(message.subject, c.subject_contains);
    results.push({ name: 'subject_contains', hit: hit && `subject contains “${hit}”` });
  }
  if (c.subject_regex !== undefined) {
    const found = compileRegex(c.subject_regex)?.exec(message.subject);
    results.push({ name: 'subject_regex', hit: found ? `subject matches “${found[0]}”` : undefined });
  }
  if (c.body_contains) {
    const hit = containsAny(message.snippet, c.body_contains);
    results.push({ name: 'body_contains', hit: hit && `text contains “${hit}”` });
  }
  if (c.has_attachments !== undefined) {
    const hit = message.hasAttachments === c.has_attachments;
    results.push({
      name: 'has_attachments',
      hit: hit ? (c.has_attachments ? 'has attachments' : 'has no attachments') : undefined,
    });
  }
  if (results.length === 0) return undefined;
  const hits = results.filter((r) => r.hit !== undefined);
  const ok = definition.match_mode === 'all' ? hits.length === results.length : hits.length > 0;
  if (!ok) return undefined;
  return { matched: hits.map((h) => h.name), reasons: hits.map((h) => h.hit as string) };
}

/** Highest priority first; among equals, the more important rule first, then by name (stable). */
export function sortRules(rules: readonly EmailRule[]): EmailRule[] {
  const weight = (i: Importance) => IMPORTANCE_LEVELS.indexOf(i);
  return [...rules].sort(
    (a, b) =>
      b.priority - a.priority || weight(b.importance) - weight(a.importance) || a.name.localeCompare(b.name),
  );
}

/**
 * The first matching rule by priority among the enabled rules that apply to the account (spec §8.3), ignoring
 * LLM checks (see `classify.ts`). Rules that consist only of an LLM instruction are returned with `matched: []` as
 * candidates the caller must confirm.
 */
export function* candidateMatches(
  rules: readonly EmailRule[],
  message: EmailMessage,
  accountId: string,
): Generator<RuleMatch> {
  for (const rule of sortRules(rules)) {
    if (!rule.enabled) continue;
    if (rule.accountId !== null && rule.accountId !== accountId) continue;
    const hasConditions = Object.keys(rule.definition.conditions).length > 0;
    if (!hasConditions) {
      if (rule.definition.llm) yield { rule, matched: [], reason: '' };
      continue;
    }
    const result = matchConditions(rule.definition, message);
    if (result) yield { rule, matched: result.matched, reason: result.reasons.join('; ') };
  }
}

/** First match without LLM checks (rules with an instruction count as matched by their conditions alone). */
export function firstMatch(
  rules: readonly EmailRule[],
  message: EmailMessage,
  accountId: string,
): RuleMatch | undefined {
  for (const match of candidateMatches(rules, message, accountId)) if (match.matched.length > 0) return match;
  return undefined;
}

/** Quiet hours in UTC hours 0-23 (spec §8.2): start < end → [start, end); otherwise wraps midnight. */
export function inQuietHours(start: number | null, end: number | null, now: Date): boolean {
  if (start === null || end === null) return false;
  const hour = now.getUTCHours();
  if (start === end) return false;
  return start < end ? hour >= start && hour < end : hour >= start || hour < end;
}
