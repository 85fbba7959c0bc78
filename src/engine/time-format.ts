/** Human-facing times in `DEFAULT_TIMEZONE` (spec §1.9.5); UTC 24-hour when the zone is invalid. */

export interface TimeFormatter {
  readonly timeZone: string;
  readonly valid: boolean;
  /** `Monday, November 23, 2026, 5:05 PM EST` */
  full(date: Date): string;
  /** `5:05 PM` (used to prefix stored user turns) */
  clock(date: Date): string;
  /** `5:05 PM EST` */
  clockWithZone(date: Date): string;
}

function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export function createTimeFormatter(timeZone: string): TimeFormatter {
  if (!isValidTimeZone(timeZone)) return utcFormatter(timeZone);
  const full = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    hour12: true,
    timeZoneName: 'short',
  });
  const clock = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hour: 'numeric',
    minute: '2-digit',
    hour12: true,
  });
  const clockZone = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hour: 'numeric',
    minute: '2-digit',
    hour12: true,
    timeZoneName: 'short',
  });
  return {
    timeZone,
    valid: true,
    full: (date) => full.format(date).replace(' at ', ', '),
    clock: (date) => clock.format(date),
    clockWithZone: (date) => clockZone.format(date),
  };
}

function utcFormatter(requested: string): TimeFormatter {
  const pad = (n: number) => String(n).padStart(2, '0');
  const hhmm = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return {
    timeZone: requested,
    valid: false,
    full: (d) => `${d.toISOString().slice(0, 10)} ${hhmm(d)} UTC`,
    clock: hhmm,
    clockWithZone: (d) => `${hhmm(d)} UTC`,
  };
}

/** `3 minutes ago`, `2 hours ago`, `4 days ago`; undefined under one minute. */
export function timeAgo(from: Date, to: Date): string | undefined {
  const minutes = Math.floor((to.getTime() - from.getTime()) / 60_000);
  if (minutes < 1) return undefined;
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'} ago`;
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return plural(hours, 'hour');
  return plural(Math.floor(hours / 24), 'day');
}
