/** Secret masking used wherever configuration, URLs or errors are printed or logged. */

const MASK = '****';

/** `postgresql://clara:hunter2@db:5432/x` → `postgresql://clara:****@db:5432/x`. Non-URLs are returned unchanged. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (!url.password) return value;
    url.password = MASK;
    return url.toString();
  } catch {
    return value.replace(/(\/\/[^:/@\s]+:)[^@\s]+@/, `$1${MASK}@`);
  }
}

/** A printable stand-in for a secret: never any part of the value itself. */
export function maskSecret(value: string | undefined | null): string {
  if (value === undefined || value === null || value === '') return '(not set)';
  return `${MASK} (set, ${value.length} chars)`;
}

/**
 * Replaces every occurrence of the given secret values in `text`.
 * Values shorter than 6 characters are ignored: masking them would garble ordinary words.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 6) continue;
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out;
}
