/**
 * Validation and consolidation of extracted profile facts (spec §3.9): normalised dotted keys, no empty or
 * duplicate keys, values cut to 300 characters, confidence clamped to 0–1 (default 0.85), near-duplicates dropped
 * (for values over 20 characters, one contained in the other) and a per-namespace cap keeping the most confident.
 */
import { NAMESPACE_TOP_K, PROFILE_NAMESPACES, type ProfileNamespace } from './namespaces.js';

export interface ProfileFact {
  /** Dotted, stable key, e.g. `family.sister.name`. */
  key: string;
  /** One or two sentences, one atomic fact. */
  value: string;
  confidence: number;
}

export type ProfileFacts = Record<ProfileNamespace, ProfileFact[]>;

/** As the model gave it, before validation. */
export interface RawFact {
  key?: unknown;
  value?: unknown;
  confidence?: unknown;
}

export const MAX_VALUE_CHARS = 300;
export const DEFAULT_CONFIDENCE = 0.85;
const NEAR_DUPLICATE_MIN_CHARS = 20;

export function normaliseKey(key: string): string {
  return key
    .toLowerCase()
    .replace(/[^a-z0-9._]/g, '.')
    .replace(/\.{2,}/g, '.')
    .replace(/^\.+|\.+$/g, '');
}

export function clampConfidence(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return DEFAULT_CONFIDENCE;
  return Math.min(1, Math.max(0, n));
}

/** Keys normalised, empty and duplicate keys dropped, values cut, confidence clamped. Order is kept. */
export function validateFacts(raw: readonly RawFact[]): ProfileFact[] {
  const seen = new Set<string>();
  const facts: ProfileFact[] = [];
  for (const item of raw) {
    if (typeof item.key !== 'string' || typeof item.value !== 'string') continue;
    const key = normaliseKey(item.key);
    const value = item.value.replace(/\s+/g, ' ').trim().slice(0, MAX_VALUE_CHARS).trim();
    if (!key || !value || seen.has(key)) continue;
    seen.add(key);
    facts.push({ key, value, confidence: clampConfidence(item.confidence) });
  }
  return facts;
}

function nearDuplicate(a: string, b: string): boolean {
  if (a.length <= NEAR_DUPLICATE_MIN_CHARS || b.length <= NEAR_DUPLICATE_MIN_CHARS) return false;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x.includes(y) || y.includes(x);
}

/**
 * Drops near-duplicates (keeping the more confident one; on a tie the longer, more specific one), then keeps at
 * most `topK` facts, most confident first.
 */
export function consolidateFacts(facts: readonly ProfileFact[], topK: number): ProfileFact[] {
  const ranked = facts
    .map((fact, index) => ({ fact, index }))
    .sort(
      (a, b) =>
        b.fact.confidence - a.fact.confidence ||
        b.fact.value.length - a.fact.value.length ||
        a.index - b.index,
    );
  const kept: ProfileFact[] = [];
  for (const { fact } of ranked) {
    if (kept.some((k) => nearDuplicate(k.value, fact.value))) continue;
    kept.push(fact);
  }
  return kept.slice(0, Math.max(0, topK));
}

/** Validates and consolidates every namespace. */
export function consolidateProfile(
  raw: Readonly<Record<ProfileNamespace, readonly RawFact[]>>,
): ProfileFacts {
  const out = {} as ProfileFacts;
  for (const namespace of PROFILE_NAMESPACES) {
    out[namespace] = consolidateFacts(validateFacts(raw[namespace]), NAMESPACE_TOP_K[namespace]);
  }
  return out;
}

export function countFacts(facts: ProfileFacts): number {
  return PROFILE_NAMESPACES.reduce((sum, namespace) => sum + facts[namespace].length, 0);
}
