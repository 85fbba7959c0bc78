/** Values from a server's own env and headers are masked out of any text Clara shows or logs. */
import type { McpServerConfig } from '../config/index.js';

export function secretsOf(config: McpServerConfig): string[] {
  const values = Object.values(config.type === 'local' ? config.env : config.headers);
  const out = new Set<string>();
  for (const value of values) {
    if (value.length < 4) continue;
    out.add(value);
    // "Bearer <token>": the token alone too.
    const token = value.replace(/^\s*(bearer|basic|token)\s+/i, '');
    if (token.length >= 4) out.add(token);
  }
  return [...out].sort((a, b) => b.length - a.length);
}

export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}
