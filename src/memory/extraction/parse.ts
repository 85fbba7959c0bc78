/**
 * Robust reading of the extraction model's answer: code fences, prose around the JSON, trailing commas, a bare
 * array, lower-case events and string numbers are all accepted; the result is validated with zod. Graph relations
 * in the same answer are read leniently (`parse-relations.ts`): a bad relation never fails the facts.
 */
import { z } from 'zod';
import type { MemoryEvent } from '../types.js';
import { parseRelations, type RelationParse } from './parse-relations.js';

export interface ExtractionDecision {
  event: MemoryEvent;
  text: string;
  /** Omitted on UPDATE = keep the replaced memory's key status. */
  isKey?: boolean;
  /** 1-based number of the existing memory an UPDATE / DELETE / NONE refers to. */
  target?: number;
}

export type ParseResult =
  | {
      ok: true;
      decisions: ExtractionDecision[];
      /** Graph relations in the same answer (empty lists when there are none or graph memory is off). */
      graph: RelationParse;
    }
  | { ok: false; problem: string };

const nullToUndefined = (value: unknown) => (value === null ? undefined : value);

const decisionSchema = z
  .object({
    text: z.preprocess(nullToUndefined, z.string().optional()),
    is_key: z.preprocess(
      (v) => (v === 'true' ? true : v === 'false' ? false : nullToUndefined(v)),
      z.boolean().optional(),
    ),
    event: z.preprocess(
      (v) => (typeof v === 'string' ? v.trim().toUpperCase() : (nullToUndefined(v) ?? 'ADD')),
      z.enum(['ADD', 'UPDATE', 'DELETE', 'NONE']),
    ),
    target: z.preprocess((v) => {
      if (typeof v === 'string' && /^\s*\[?\s*\d+\s*\]?\s*$/.test(v)) return Number(v.replace(/\D/g, ''));
      return nullToUndefined(v);
    }, z.number().int().positive().optional()),
  })
  .superRefine((value, ctx) => {
    const needsText = value.event === 'ADD' || value.event === 'UPDATE';
    if (needsText && !value.text?.trim())
      ctx.addIssue({ code: 'custom', message: `${value.event} needs a text` });
    const needsTarget = value.event === 'UPDATE' || value.event === 'DELETE';
    if (needsTarget && value.target === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `${value.event} needs the number of an existing memory (target)`,
      });
    }
  });

const outputSchema = z.object({
  memories: z.array(z.preprocess((v) => (typeof v === 'string' ? { text: v } : v), decisionSchema)),
});

/** Removes commas that directly precede `}` or `]` (outside strings). */
export function stripTrailingCommas(json: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i] as string;
    if (inString) {
      out += ch;
      if (ch === '\\') out += json[++i] ?? '';
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    if (ch === ',') {
      const rest = json.slice(i + 1).match(/^\s*([}\]])/);
      if (rest) continue;
    }
    out += ch;
  }
  return out;
}

/** The balanced `{…}` or `[…]` starting at `start`, or undefined when it never closes. */
function balancedAt(text: string, start: number): string | undefined {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') stack.push(ch === '{' ? '}' : ']');
    else if (ch === '}' || ch === ']') {
      if (stack.pop() !== ch) return undefined;
      if (stack.length === 0) return text.slice(start, i + 1);
    }
  }
  return undefined;
}

/** Finds and parses the first JSON object or array in `text` (inside a code fence when there is one). */
export function findJson(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  const fenced = text.match(/```(?:json|JSON)?\s*\n?([\s\S]*?)```/);
  const sources = fenced?.[1] ? [fenced[1], text] : [text];
  for (const source of sources) {
    for (let i = 0; i < source.length; i++) {
      const ch = source[i];
      if (ch !== '{' && ch !== '[') continue;
      const candidate = balancedAt(source, i);
      if (!candidate) continue;
      try {
        return { ok: true, value: JSON.parse(stripTrailingCommas(candidate)) };
      } catch {
        // keep looking: prose may contain brackets before the real JSON
      }
    }
  }
  return { ok: false, problem: 'no JSON object found' };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'reply'}: ${issue.message}`)
    .join('; ');
}

/** Parses and validates an extraction answer into decisions. */
export function parseExtraction(text: string): ParseResult {
  const found = findJson(text);
  if (!found.ok) return found;
  let value = found.value;
  if (Array.isArray(value)) value = { memories: value };
  else if (value && typeof value === 'object' && !('memories' in value) && 'facts' in value) {
    value = { memories: (value as { facts: unknown }).facts };
  }
  const parsed = outputSchema.safeParse(value);
  if (!parsed.success) return { ok: false, problem: describeIssues(parsed.error) };
  return {
    ok: true,
    graph: parseRelations(found.value),
    decisions: parsed.data.memories.map((m) => ({
      event: m.event,
      text: (m.text ?? '').trim(),
      ...(m.is_key !== undefined ? { isKey: m.is_key } : {}),
      ...(m.target !== undefined ? { target: m.target } : {}),
    })),
  };
}
