/**
 * Extra full-text terms for the PostgreSQL and Qdrant stores, matching what the SQLite store indexes (same word
 * split, same light stemmer): accent-folded forms ("são" → "sao"), light stems of ASCII words ("running" → "run")
 * and character bigrams of CJK runs. Both the indexed text and the query go through the same functions, so the
 * stores find the same things without depending on server extensions (`unaccent`) or server-side tokenizers.
 */
import { lightStem, words } from './sqlite-text-index.js';

/** Longest query kept, in distinct words (memory queries can be whole messages). */
const MAX_QUERY_WORDS = 64;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const FOLDABLE = /([\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])\p{M}+/gu;

export { words };

/** Removes diacritics from Latin, Greek and Cyrillic letters ("crème" → "creme"); other scripts are kept. */
export function foldAccents(word: string): string {
  return word.normalize('NFD').replace(FOLDABLE, '$1').normalize('NFC');
}

function bigrams(word: string): string[] {
  const chars = [...word];
  if (chars.length < 2) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i]}${chars[i + 1]}`);
  return out;
}

/** Extra terms for one (lower-cased) word, excluding the word itself. */
export function extraTerms(word: string): string[] {
  if (CJK.test(word)) return bigrams(word).filter((gram) => gram !== word);
  const terms = new Set<string>();
  const folded = foldAccents(word);
  terms.add(folded);
  terms.add(lightStem(folded));
  terms.delete(word);
  return [...terms];
}

/** The extra terms of a memory text, space-separated (indexed beside the text with a lower weight). */
export function stemTerms(text: string): string {
  const terms = new Set<string>();
  for (const word of words(text)) for (const term of extraTerms(word)) terms.add(term);
  return [...terms].join(' ');
}

/** The terms a free-text query searches for (its words and their extra terms), distinct; empty when none. */
export function queryTerms(query: string): string[] {
  const terms = new Set<string>();
  for (const word of [...new Set(words(query))].slice(0, MAX_QUERY_WORDS)) {
    terms.add(word);
    for (const term of extraTerms(word)) terms.add(term);
  }
  return [...terms];
}
