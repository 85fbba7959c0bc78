/**
 * Schema of the pgvector memory store: extensions, the multilingual text search configuration, the memory table,
 * its indexes and the meta table recording the vector size. Runs in one transaction under an advisory lock so
 * several Clara processes can open the store at the same time.
 */
import { DimensionMismatchError } from '../types.js';
import type { MemoryPg, Queryable, StoreLogger } from './pg-connection.js';
import { quoteIdent } from './pgvector-sql.js';

export const META_TABLE = 'clara_memory_meta';
const TEXT_SEARCH_CONFIG = 'clara_memory_fts';
/** HNSW indexes `vector` up to 2 000 dimensions and `halfvec` up to 4 000. */
const MAX_VECTOR_INDEX_DIM = 2000;
const MAX_HALFVEC_INDEX_DIM = 4000;

export interface SchemaInfo {
  /** Schema-qualified text search configuration (`simple`, plus `unaccent` when available). */
  textConfig: string;
  unaccent: boolean;
  /** pgvector ≥ 0.8: `hnsw.iterative_scan` keeps filtered HNSW searches complete. */
  iterativeScan: boolean;
  /** How the HNSW index sees the embedding: `vector`, `halfvec` (expression index) or none (exact search only). */
  index: 'vector' | 'halfvec' | 'none';
  /** SQL for the indexed embedding expression and the matching query cast. */
  embeddingExpr: string;
  queryCast: string;
}

export function tableNameError(table: string): string | undefined {
  return /^[A-Za-z_][A-Za-z0-9_]{0,39}$/.test(table)
    ? undefined
    : `Invalid memory table name "${table}" (MEM0_COLLECTION_NAME): use letters, digits and _ (at most 40).`;
}

export function indexPlan(dimension: number): Pick<SchemaInfo, 'index' | 'embeddingExpr' | 'queryCast'> {
  if (dimension <= MAX_VECTOR_INDEX_DIM) {
    return { index: 'vector', embeddingExpr: 'embedding', queryCast: `vector(${dimension})` };
  }
  if (dimension <= MAX_HALFVEC_INDEX_DIM) {
    return {
      index: 'halfvec',
      embeddingExpr: `(embedding::halfvec(${dimension}))`,
      queryCast: `halfvec(${dimension})`,
    };
  }
  return { index: 'none', embeddingExpr: 'embedding', queryCast: `vector(${dimension})` };
}

export function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return a > major || (a === major && b >= minor);
}

export async function ensureSchema(
  db: MemoryPg,
  table: string,
  dimension: number,
  logger: StoreLogger,
): Promise<SchemaInfo> {
  return db.transaction(async (client) => {
    await client.query(`select pg_advisory_xact_lock(hashtext('clara_memory_schema'))`);
    const vectorVersion = await ensureVector(client, db.where);
    const unaccent = await ensureUnaccent(client, logger);
    const textConfig = await ensureTextConfig(client, unaccent);
    await client.query(
      `create table if not exists ${META_TABLE} (table_name text primary key, dimension integer not null, ` +
        'created_at timestamptz not null default now(), updated_at timestamptz not null default now())',
    );
    await ensureTable(client, table, dimension, textConfig, db.where);
    const plan = indexPlan(dimension);
    if (plan.index === 'halfvec' && !versionAtLeast(vectorVersion, 0, 7)) plan.index = 'none';
    await ensureIndexes(client, table, plan);
    if (plan.index === 'none') {
      logger.warn(
        { table, dimension },
        'Memory store: no HNSW index for this vector size; vector search scans every row of the scope',
      );
    }
    return { ...plan, textConfig, unaccent, iterativeScan: versionAtLeast(vectorVersion, 0, 8) };
  });
}

async function ensureVector(client: Queryable, where: string): Promise<string> {
  await client.query('savepoint ext_vector');
  try {
    await client.query('create extension if not exists vector');
  } catch (error) {
    await client.query('rollback to savepoint ext_vector');
    throw new Error(
      `The memory database at ${where} has no pgvector extension (create extension vector failed: ` +
        `${error instanceof Error ? error.message : String(error)}). Install pgvector on that server ` +
        '(https://github.com/pgvector/pgvector) or let a superuser run `create extension vector` there.',
    );
  }
  const rows = await client.query(`select extversion from pg_extension where extname = 'vector'`);
  return String(rows.rows[0]?.extversion ?? '0.0.0');
}

/** Accent folding when the server has `unaccent`; plain `simple` otherwise (never fails the open). */
async function ensureUnaccent(client: Queryable, logger: StoreLogger): Promise<boolean> {
  const available = await client.query(`select 1 from pg_available_extensions where name = 'unaccent'`);
  if (available.rows.length === 0) {
    logger.info({}, 'Memory store: unaccent is not available; full-text search will not fold accents');
    return false;
  }
  await client.query('savepoint ext_unaccent');
  try {
    await client.query('create extension if not exists unaccent');
    return true;
  } catch (error) {
    await client.query('rollback to savepoint ext_unaccent');
    logger.info(
      { err: error instanceof Error ? error.message : String(error) },
      'Memory store: cannot create the unaccent extension; full-text search will not fold accents',
    );
    return false;
  }
}

async function ensureTextConfig(client: Queryable, unaccent: boolean): Promise<string> {
  const schema = String((await client.query('select current_schema() as s')).rows[0]?.s ?? 'public');
  const qualified = `${quoteIdent(schema)}.${TEXT_SEARCH_CONFIG}`;
  const exists = await client.query(
    'select 1 from pg_ts_config c join pg_namespace n on n.oid = c.cfgnamespace ' +
      'where c.cfgname = $1 and n.nspname = $2',
    [TEXT_SEARCH_CONFIG, schema],
  );
  if (exists.rows.length === 0) {
    await client.query(`create text search configuration ${qualified} (copy = pg_catalog.simple)`);
    if (unaccent) {
      await client.query(
        `alter text search configuration ${qualified} alter mapping for word, hword, hword_part, numword, numhword, hword_numpart ` +
          'with unaccent, simple',
      );
    }
  }
  return qualified;
}

const REQUIRED_COLUMNS = [
  'id',
  'user_id',
  'project_id',
  'agent_id',
  'text',
  'kind',
  'is_key',
  'hash',
  'metadata',
  'source_message_ids',
  'created_at',
  'updated_at',
  'valid_from',
  'valid_to',
  'supersedes',
  'superseded_by',
  'embedding',
  'stems',
  'fts',
];

async function ensureTable(
  client: Queryable,
  table: string,
  dimension: number,
  textConfig: string,
  where: string,
): Promise<void> {
  const columns = await client.query<{ name: string; type: string }>(
    'select a.attname as name, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a ' +
      'where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped',
    [quoteIdent(table)],
  );
  if (columns.rows.length === 0) {
    await createTable(client, table, dimension, textConfig);
    return;
  }
  const names = new Set(columns.rows.map((column) => column.name));
  if (names.has('payload') && names.has('vector') && !names.has('user_id')) {
    throw new Error(
      `The table "${table}" in the memory database at ${where} is the ORIGINAL mem0 table (id, vector, payload). ` +
        'Clara will not modify it. Set MEM0_COLLECTION_NAME to a different table name (for example ' +
        '`clara_memories_v2`) so both can live side by side, or migrate its memories and rename the old table.',
    );
  }
  const missing = REQUIRED_COLUMNS.filter((name) => !names.has(name));
  if (missing.length > 0) {
    throw new Error(
      `The table "${table}" in the memory database at ${where} is not a Clara memory table (missing columns: ` +
        `${missing.join(', ')}). Set MEM0_COLLECTION_NAME to an unused table name.`,
    );
  }
  const embeddingType = columns.rows.find((column) => column.name === 'embedding')?.type ?? '';
  const columnDim = Number(/\((\d+)\)/.exec(embeddingType)?.[1] ?? Number.NaN);
  const meta = await client.query(`select dimension from ${META_TABLE} where table_name = $1`, [table]);
  const recorded = meta.rows[0] ? Number(meta.rows[0].dimension) : columnDim;
  if (meta.rows.length === 0 && Number.isFinite(columnDim)) {
    await client.query(`insert into ${META_TABLE} (table_name, dimension) values ($1, $2)`, [
      table,
      columnDim,
    ]);
  }
  if (recorded !== dimension) {
    throw new DimensionMismatchError(recorded, dimension, `${where} (table "${table}")`);
  }
}

async function createTable(
  client: Queryable,
  table: string,
  dimension: number,
  textConfig: string,
): Promise<void> {
  const config = `'${textConfig.replace(/'/g, "''")}'::regconfig`;
  await client.query(
    `create table ${quoteIdent(table)} (
      id uuid primary key,
      user_id text not null,
      project_id text,
      agent_id text,
      text text not null,
      kind text not null,
      is_key boolean not null default false,
      hash text not null,
      metadata jsonb not null default '{}'::jsonb,
      source_message_ids bigint[] not null default '{}',
      created_at timestamptz not null,
      updated_at timestamptz not null,
      valid_from timestamptz not null,
      valid_to timestamptz,
      supersedes uuid,
      superseded_by uuid,
      embedding vector(${dimension}),
      stems text not null default '',
      fts tsvector generated always as (
        setweight(to_tsvector(${config}, text), 'A') || setweight(to_tsvector(${config}, stems), 'B')
      ) stored
    )`,
  );
  await client.query(
    `insert into ${META_TABLE} (table_name, dimension) values ($1, $2) ` +
      'on conflict (table_name) do update set dimension = excluded.dimension, updated_at = now()',
    [table, dimension],
  );
}

export function hnswIndexName(table: string): string {
  return `${table}_embedding_hnsw`;
}

/** The HNSW index DDL for the plan (empty when the size cannot be indexed). */
export function hnswIndexSql(table: string, plan: Pick<SchemaInfo, 'index' | 'embeddingExpr'>): string {
  if (plan.index === 'none') return '';
  const ops = plan.index === 'halfvec' ? 'halfvec_cosine_ops' : 'vector_cosine_ops';
  return (
    `create index if not exists ${quoteIdent(hnswIndexName(table))} on ${quoteIdent(table)} ` +
    `using hnsw (${plan.embeddingExpr} ${ops})`
  );
}

async function ensureIndexes(
  client: Queryable,
  table: string,
  plan: SchemaInfo | ReturnType<typeof indexPlan>,
) {
  const t = quoteIdent(table);
  const name = (suffix: string) => quoteIdent(`${table}_${suffix}`);
  const statements = [
    hnswIndexSql(table, plan),
    `create index if not exists ${name('scope_idx')} on ${t} (user_id, project_id, agent_id)`,
    `create index if not exists ${name('kind_idx')} on ${t} (kind)`,
    `create index if not exists ${name('created_idx')} on ${t} (user_id, created_at)`,
    `create unique index if not exists ${name('current_hash_key')} on ${t} ` +
      `(user_id, coalesce(project_id, ''), coalesce(agent_id, ''), hash) where valid_to is null`,
    `create index if not exists ${name('fts_idx')} on ${t} using gin (fts)`,
  ];
  for (const statement of statements) if (statement) await client.query(statement);
}
