/** Removes secret values from every line before it reaches any destination. */
import { scrubSecrets } from '../config/index.js';

/**
 * Builds a scrubber for the given secrets. Each secret is also matched in its JSON-escaped form (a secret with
 * a quote or backslash appears escaped inside a JSON log line). Longer secrets are replaced first so that a
 * secret containing another one is removed whole.
 */
export function lineScrubber(secrets: readonly string[]): (text: string) => string {
  const variants = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 6) continue;
    variants.add(secret);
    variants.add(JSON.stringify(secret).slice(1, -1));
  }
  if (variants.size === 0) return (text) => text;
  const ordered = [...variants].sort((a, b) => b.length - a.length);
  return (text) => scrubSecrets(text, ordered);
}
