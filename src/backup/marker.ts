/**
 * Respawn protection for scheduled runs (spec §11.4's standalone job): the marker `backups/.last_backup`
 * (`{"timestamp": "<ISO time>"}`) records the last run in which at least one database was backed up; a scheduled run
 * is skipped while that is younger than `RESPAWN_PROTECTION_HOURS`, unless `FORCE_BACKUP`.
 */
import { z } from 'zod';
import { BACKUP_PREFIX } from './names.js';
import type { BackupStore } from './store.js';

export const MARKER_KEY = `${BACKUP_PREFIX}/.last_backup`;

// The original wrote Python's isoformat(), with or without an offset; anything Date can read is accepted.
const markerSchema = z.object({
  timestamp: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a time'),
});

/** The time in the marker; undefined when there is none or it cannot be read as one. */
export async function readMarker(store: BackupStore): Promise<Date | undefined> {
  const text = await store.readText(MARKER_KEY);
  if (text === undefined) return undefined;
  try {
    const parsed = markerSchema.safeParse(JSON.parse(text));
    return parsed.success ? new Date(parsed.data.timestamp) : undefined;
  } catch {
    return undefined;
  }
}

export async function writeMarker(store: BackupStore, at: Date): Promise<void> {
  await store.writeText(MARKER_KEY, JSON.stringify({ timestamp: at.toISOString() }));
}
