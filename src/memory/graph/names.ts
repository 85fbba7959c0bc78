/**
 * Entity names: the case- and accent-insensitive key every store matches on ("Zoë", "ZOE" and "zoe" are one
 * entity), and spotting the known entities a message mentions (whole words only, no LLM).
 */

/** The person talking to Clara, as an entity. */
export const USER_ENTITY = 'user';

/** "  Zoë  Müller " → "zoe muller": decomposed, accents dropped, lower case, single spaces. */
export function entityKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The name as shown: trimmed, single spaces, composed. */
export function entityDisplayName(name: string): string {
  return name.normalize('NFC').replace(/\s+/g, ' ').trim();
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The names (from `known`) that occur in `text` as whole words, case- and accent-insensitively, in the order of
 * `known`, without duplicates.
 */
export function mentionedEntities(text: string, known: readonly string[]): string[] {
  const haystack = entityKey(text);
  if (!haystack) return [];
  const seen = new Set<string>();
  const found: string[] = [];
  for (const name of known) {
    const key = entityKey(name);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(key)}(?![\\p{L}\\p{N}_])`, 'u');
    if (pattern.test(haystack)) found.push(name);
  }
  return found;
}

/** `Anna — sister_of → user`: how a relation is shown to the models (prompt and extraction input). */
export function relationLine(relation: { source: string; relation: string; target: string }): string {
  return `${relation.source} — ${relation.relation} → ${relation.target}`;
}
