/** Text normalisation shared by every store: the de-duplication hash. */
import { createHash } from 'node:crypto';

/** Lower-cased, accents and punctuation kept, whitespace collapsed, trimmed. */
export function normaliseMemoryText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** SHA-256 (hex) of the normalised text. */
export function memoryHash(text: string): string {
  return createHash('sha256').update(normaliseMemoryText(text)).digest('hex');
}
