/** Values derived from a loaded `Config`. */
import { isIP } from 'node:net';
import path from 'node:path';
import type { Config } from './schema.js';
import { CONFIG_VARS } from './schema.js';

/** The web server port: `PORT` when set (hosting platforms), else `DISCORD_MONITOR_PORT`. */
export function webPort(config: Config): number {
  return config.PORT ?? config.DISCORD_MONITOR_PORT;
}

/** An absolute path inside `DATA_DIR` (a relative `DATA_DIR` resolves against the working directory). */
export function dataPath(config: Config, ...parts: string[]): string {
  return path.resolve(config.DATA_DIR, ...parts);
}

/** The log file directory, or null when `CLARA_LOG_DIR=off`. Relative paths resolve inside `DATA_DIR`. */
export function logDir(config: Config): string | null {
  if (config.CLARA_LOG_DIR.toLowerCase() === 'off') return null;
  return dataPath(config, config.CLARA_LOG_DIR);
}

/** S3 buckets: `S3_BUCKET` for both when set, else the original's separate defaults. */
export function s3Buckets(config: Config): { files: string; backups: string } {
  return { files: config.S3_BUCKET ?? 'clara-files', backups: config.S3_BUCKET ?? 'clara-backups' };
}

/** True for localhost, 127.0.0.0/8 and ::1 (with or without brackets). */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

/**
 * Every non-empty secret value, plus passwords embedded in URL-valued variables (raw and percent-decoded).
 * Feed this to the logger so none of it is ever written out.
 */
export function secretValues(config: Config): string[] {
  const values = config as unknown as Readonly<Record<string, unknown>>;
  const out = new Set<string>();
  for (const def of CONFIG_VARS) {
    const value = values[def.name];
    if (typeof value !== 'string' || value === '') continue;
    if (def.secret) out.add(value);
    if (def.type.kind === 'url') {
      for (const password of urlPasswords(value)) out.add(password);
    }
  }
  return [...out];
}

function urlPasswords(value: string): string[] {
  try {
    const { password } = new URL(value);
    if (!password) return [];
    let decoded = password;
    try {
      decoded = decodeURIComponent(password);
    } catch {
      // keep the raw form only
    }
    return decoded === password ? [password] : [password, decoded];
  } catch {
    return [];
  }
}
