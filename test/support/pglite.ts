/**
 * PGlite (PostgreSQL 18 in WebAssembly) with pgvector, served over the PostgreSQL wire protocol so the real `pg`
 * driver and real SQL run against it.
 *
 * A fresh PGlite costs 3–7 s (initdb); loading a dumped data directory costs ~1.5 s. The first start on this machine
 * dumps an empty cluster to a template file in the temp directory (written atomically, rebuilt if unreadable), and
 * every later start loads it.
 *
 * PGlite is ONE database session shared by every connection: isolate tests by table name (`uniqueTableName`), and
 * never use session-level `SET` (transaction-local `set_config(…, true)` is fine).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Extensions, PGlite } from '@electric-sql/pglite';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** Bump when the template's recipe changes. */
const TEMPLATE_FILE = join(tmpdir(), 'clara-pglite-templates', 'pglite-0.5.14-empty-v1.tar');

export interface PgliteServerOptions {
  /** Make the `unaccent` extension available (default true); false simulates a server without it. */
  unaccent?: boolean;
  /** Socket server connection limit (default 10); keep it ≥ the pool size of the code under test. */
  maxConnections?: number;
}

export interface PgliteServer {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly port: number;
  readonly db: PGlite;
  /**
   * Simulates a PostgreSQL restart: every open connection is dropped, then a new server listens on the same port
   * with the same data.
   */
  restart(): Promise<void>;
  /** Drops all connections and stops listening, keeping the data (call `restart` to serve it again). */
  stopListening(): Promise<void>;
  stop(): Promise<void>;
}

async function loadTemplate(): Promise<Blob | undefined> {
  try {
    return new Blob([await readFile(TEMPLATE_FILE)]);
  } catch {
    return undefined;
  }
}

async function saveTemplate(db: PGlite): Promise<void> {
  const dump = await db.dumpDataDir('none');
  await mkdir(join(TEMPLATE_FILE, '..'), { recursive: true });
  const partial = `${TEMPLATE_FILE}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
  await rename(partial, TEMPLATE_FILE);
}

async function createDb(options: PgliteServerOptions): Promise<PGlite> {
  const extensions: Extensions = options.unaccent === false ? { vector } : { vector, unaccent };
  const template = await loadTemplate();
  if (template) {
    try {
      const db = await PGlite.create({ extensions, loadDataDir: template });
      await db.query('select 1');
      return db;
    } catch {
      await rm(TEMPLATE_FILE, { force: true });
    }
  }
  const db = await PGlite.create({ extensions });
  await saveTemplate(db);
  return db;
}

export async function startPgliteServer(options: PgliteServerOptions = {}): Promise<PgliteServer> {
  const db = await createDb(options);
  const maxConnections = options.maxConnections ?? 10;
  let server: PGLiteSocketServer | undefined = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    maxConnections,
  });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  const stopListening = async (): Promise<void> => {
    const current = server;
    server = undefined;
    await current?.stop();
  };
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    db,
    stopListening,
    async restart() {
      await stopListening();
      const next = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections });
      await next.start();
      server = next;
    },
    async stop() {
      await stopListening();
      await db.close();
    },
  };
}

/** A table name no other test in this PGlite uses. */
export function uniqueTableName(prefix = 'mem'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}
