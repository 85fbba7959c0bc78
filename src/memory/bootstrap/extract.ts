/**
 * Profile extraction: one LLM call sorts a free-text profile into the five namespaces as {key, value, confidence}
 * items (plus one corrective retry when the answer is not usable JSON), then validation and consolidation.
 */
import { z } from 'zod';
import type { ChatMessage, Llm } from '../../llm/index.js';
import { findJson } from '../extraction/parse.js';
import { consolidateProfile, type ProfileFacts, type RawFact } from './consolidate.js';
import {
  NAMESPACE_ALIASES,
  NAMESPACE_DESCRIPTIONS,
  NAMESPACE_TOP_K,
  PROFILE_NAMESPACES,
  type ProfileNamespace,
} from './namespaces.js';

/** Longer profiles are cut (the model sees the beginning). */
export const MAX_PROFILE_CHARS = 60_000;
const MAX_ANSWER_TOKENS = 4_000;

export const PROFILE_INSTRUCTIONS = `You turn a person's self-written profile into long-term memory for their personal assistant. Reply with JSON only: no prose, no code fences.

Sort every durable fact about the person into these namespaces:
${PROFILE_NAMESPACES.map((n) => `- "${n}" (at most ${NAMESPACE_TOP_K[n]}): ${NAMESPACE_DESCRIPTIONS[n]}`).join('\n')}

Each item is {"key": a stable dotted lower-case key such as "family.sister.name" or "project.<name>.medium", "value": one or two third-person sentences stating one atomic fact, "confidence": 0 to 1}.
Put health, mental-health and similar private details only in "restricted:sensitive", never in "profile_bio". Leave a namespace empty when the profile says nothing for it.

Answer shape:
{${PROFILE_NAMESPACES.map((n) => `"${n}":[]`).join(',')}}`;

export class ProfileExtractionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileExtractionError';
  }
}

const rawFactSchema = z.object({ key: z.unknown(), value: z.unknown(), confidence: z.unknown() }).partial();

export type ParsedProfile =
  | { ok: true; raw: Record<ProfileNamespace, RawFact[]> }
  | { ok: false; problem: string };

function namespaceOf(name: string): ProfileNamespace | undefined {
  const trimmed = name.trim();
  if ((PROFILE_NAMESPACES as readonly string[]).includes(trimmed)) return trimmed as ProfileNamespace;
  return NAMESPACE_ALIASES[trimmed.toLowerCase().replace(/[\s-]+/g, '_')];
}

/** Reads the model's answer; unknown namespaces and malformed items are ignored. */
export function parseProfileAnswer(text: string): ParsedProfile {
  const found = findJson(text);
  if (!found.ok) return found;
  const value = found.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, problem: 'expected a JSON object keyed by namespace' };
  }
  const raw = Object.fromEntries(PROFILE_NAMESPACES.map((n) => [n, [] as RawFact[]])) as Record<
    ProfileNamespace,
    RawFact[]
  >;
  let recognised = 0;
  for (const [name, items] of Object.entries(value)) {
    const namespace = namespaceOf(name);
    if (!namespace || !Array.isArray(items)) continue;
    recognised++;
    for (const item of items) {
      const parsed = rawFactSchema.safeParse(item);
      if (parsed.success) raw[namespace].push(parsed.data);
    }
  }
  if (recognised === 0) {
    return { ok: false, problem: `none of the namespaces ${PROFILE_NAMESPACES.join(', ')} was present` };
  }
  return { ok: true, raw };
}

export function profilePrompt(profile: string): ChatMessage[] {
  return [
    { role: 'system', content: PROFILE_INSTRUCTIONS },
    { role: 'user', content: `Profile:\n${profile.slice(0, MAX_PROFILE_CHARS)}` },
  ];
}

export interface ProfileExtraction {
  facts: ProfileFacts;
  /** LLM calls made (1, or 2 after a corrective retry). */
  calls: number;
  /** True when the profile was longer than MAX_PROFILE_CHARS and was cut. */
  truncated: boolean;
}

export async function extractProfile(llm: Llm, profile: string): Promise<ProfileExtraction> {
  const text = profile.trim();
  if (!text)
    throw new ProfileExtractionError('The profile is empty: write a few lines about the person first.');
  const prompt = profilePrompt(text);
  const ask = async (messages: ChatMessage[]) =>
    (await llm.complete({ messages, purpose: 'memory', maxTokens: MAX_ANSWER_TOKENS })).text;
  const first = await ask(prompt);
  let parsed = parseProfileAnswer(first);
  let calls = 1;
  if (!parsed.ok) {
    const second = await ask([
      ...prompt,
      { role: 'assistant', content: first.slice(0, 1_000) },
      {
        role: 'user',
        content: `That reply could not be used (${parsed.problem}). Answer again with only the JSON object described above.`,
      },
    ]);
    calls = 2;
    parsed = parseProfileAnswer(second);
    if (!parsed.ok) {
      throw new ProfileExtractionError(
        `The model answered with unusable JSON twice (${parsed.problem}); nothing was written. ` +
          `Sample: ${JSON.stringify(second.slice(0, 200))}. Try again, or use a stronger model (MEM0_MODEL).`,
      );
    }
  }
  return { facts: consolidateProfile(parsed.raw), calls, truncated: text.length > MAX_PROFILE_CHARS };
}
