/** Level names: pino's (trace … fatal) and the original's, as stored in `log_entries` (DEBUG … CRITICAL). */

export const PINO_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type PinoLevel = (typeof PINO_LEVELS)[number];
export type OriginalLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

const BY_NAME: Readonly<Record<string, PinoLevel>> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  fatal: 'fatal',
  critical: 'fatal',
};

const PINO_NUMBERS: Readonly<Record<PinoLevel, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};

/** Accepts pino and original level names in any case (`WARNING` → `warn`, `critical` → `fatal`). */
export function toPinoLevel(name: string): PinoLevel {
  const level = BY_NAME[name.trim().toLowerCase()];
  if (!level) {
    throw new Error(
      `Unknown log level "${name}": use one of debug, info, warning, error, critical (or trace/warn/fatal).`,
    );
  }
  return level;
}

export function pinoLevelNumber(level: PinoLevel): number {
  return PINO_NUMBERS[level];
}

/** pino level (number or label) → the original's name: trace/debug → DEBUG, warn → WARNING, fatal → CRITICAL. */
export function toOriginalLevel(level: number | string): OriginalLevel {
  const value = typeof level === 'number' ? level : PINO_NUMBERS[toPinoLevel(level)];
  if (value <= 20) return 'DEBUG';
  if (value <= 30) return 'INFO';
  if (value <= 40) return 'WARNING';
  if (value <= 50) return 'ERROR';
  return 'CRITICAL';
}

/** The more verbose of two levels. */
export function mostVerbose(a: PinoLevel, b: PinoLevel): PinoLevel {
  return PINO_NUMBERS[a] <= PINO_NUMBERS[b] ? a : b;
}
