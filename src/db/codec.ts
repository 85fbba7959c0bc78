/**
 * Conversions between the original's storage representations and plain values:
 * naive-UTC timestamps, "true"/"false" booleans, JSON in TEXT.
 */

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** Date → `YYYY-MM-DD HH:MM:SS.ffffff` in UTC (SQLAlchemy's SQLite format; PostgreSQL reads it as timestamp). */
export function toDbTime(date: Date): string {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new TypeError('Cannot store an invalid Date in the database');
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.` +
    `${pad(date.getUTCMilliseconds(), 3)}000`
  );
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses a naive-UTC timestamp text (`2024-01-02 03:04:05.678901`, `2024-01-02T03:04:05`, `2024-01-02`).
 * An explicit offset (`Z`, `+02:00`) is honoured. Returns an invalid Date when the text is not a timestamp.
 */
export function parseNaiveUtc(text: string): Date {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return new Date(Number.NaN);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', offset] = m;
  const millis = Number(frac.slice(0, 3).padEnd(3, '0'));
  let time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis);
  if (Number(y) < 100) {
    // Date.UTC maps years 0-99 to 1900-1999.
    const date = new Date(time);
    date.setUTCFullYear(Number(y));
    time = date.getTime();
  }
  if (offset && offset.toUpperCase() !== 'Z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    time -= sign * minutes * 60_000;
  }
  return new Date(time);
}

/** A stored timestamp (Date from PostgreSQL, text from SQLite) → Date. */
export function fromDbTime(value: Date | string): Date {
  if (value instanceof Date) return value;
  const date = parseNaiveUtc(value);
  if (Number.isNaN(date.getTime()))
    throw new Error(`Unreadable timestamp in the database: ${JSON.stringify(value)}`);
  return date;
}

export function fromDbTimeOrNull(value: Date | string | null | undefined): Date | null {
  return value === null || value === undefined ? null : fromDbTime(value);
}

export const toDbBool = (value: boolean): string => (value ? 'true' : 'false');

export const fromDbBool = (value: string | null | undefined): boolean =>
  value?.trim().toLowerCase() === 'true';

export function toDbJson(value: Record<string, unknown> | null | undefined): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** JSON text → object; text that is not a JSON object is kept as `{ value }` (or `{ raw }` when unparsable). */
export function fromDbJsonObject(text: string | null | undefined): Record<string, unknown> | null {
  if (text === null || text === undefined || text === '') return null;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
    return parsed === null ? null : { value: parsed };
  } catch {
    return { raw: text };
  }
}
