/**
 * One email monitor across processes sharing a PostgreSQL database: a session-level advisory lock held on one
 * dedicated pooled connection while this process watches. The others stand by and retry at each rescan, so a
 * successor takes over when the watching process ends. (Duplicate alerts are impossible anyway: one row per message.)
 */
import { type Kysely, sql } from 'kysely';

/** Advisory lock key of the email monitor ("clara" + 1). */
const LOCK_KEY = 0x636c6101;

export interface Leadership {
  /** True when this process holds (or just took) the lock. */
  acquire(): Promise<boolean>;
  release(): Promise<void>;
}

export function postgresLeadership<DB>(kysely: Kysely<DB>): Leadership {
  let acquired = false;
  let held: Promise<void> | undefined;
  let letGo: (() => void) | undefined;
  return {
    acquire() {
      if (acquired) return Promise.resolve(true);
      if (held) return Promise.resolve(false);
      return new Promise<boolean>((resolve, reject) => {
        held = kysely
          .connection()
          .execute(async (connection) => {
            const { rows } = await sql<{
              ok: boolean;
            }>`select pg_try_advisory_lock(${LOCK_KEY}) as ok`.execute(connection);
            if (!rows[0]?.ok) {
              resolve(false);
              return;
            }
            acquired = true;
            resolve(true);
            await new Promise<void>((done) => {
              letGo = done;
            });
            await sql`select pg_advisory_unlock(${LOCK_KEY})`.execute(connection);
          })
          .catch((error: unknown) => reject(error))
          .finally(() => {
            acquired = false;
            held = undefined;
            letGo = undefined;
          });
      });
    },
    async release() {
      letGo?.();
      await held?.catch(() => {});
    },
  };
}
