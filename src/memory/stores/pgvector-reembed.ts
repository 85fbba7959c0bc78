/**
 * Re-embedding the pgvector memory store (a new embedding model or size): vectors are written to a side column
 * `embedding_next` in batches (no long transaction while the embedder runs), then one short transaction embeds the
 * rows written meanwhile, swaps the columns, records the new size and rebuilds the HNSW index. An interrupted run
 * leaves the live column untouched; the next run starts over.
 */
import type { MemoryPg } from './pg-connection.js';
import {
  hnswIndexName,
  hnswIndexSql,
  indexPlan,
  META_TABLE,
  type SchemaInfo,
  versionAtLeast,
} from './pgvector-schema.js';
import { quoteIdent, vectorLiteral } from './pgvector-sql.js';

const BATCH = 64;
/** Blank texts get no embedding (the store finds them by nothing; they are not counted). */
const EMBEDDABLE = `btrim(text) <> ''`;

export interface ReembedOptions {
  db: MemoryPg;
  table: string;
  dimension: number;
  embed: (texts: string[]) => Promise<Float32Array[]>;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

export async function reembedPgvector(
  options: ReembedOptions,
): Promise<{ count: number; plan: Pick<SchemaInfo, 'index' | 'embeddingExpr' | 'queryCast'> }> {
  const { db, table, dimension } = options;
  if (!Number.isInteger(dimension) || dimension <= 0) {
    throw new Error(`Invalid embedding dimension ${dimension} for re-embedding`);
  }
  const t = quoteIdent(table);
  await db.query(`alter table ${t} drop column if exists embedding_next`);
  await db.query(`alter table ${t} add column embedding_next vector(${dimension})`);
  const total = Number(
    (await db.query<{ n: string }>(`select count(*) as n from ${t} where ${EMBEDDABLE}`))[0]?.n ?? 0,
  );
  let done = 0;
  let last: string | null = null;
  for (;;) {
    const rows: Array<{ id: string; text: string }> = await db.query(
      `select id, text from ${t} where ${EMBEDDABLE} and ($1::uuid is null or id > $1::uuid) ` +
        `order by id limit ${BATCH}`,
      [last],
    );
    if (rows.length === 0) break;
    await writeBatch((text, values) => db.query(text, values), options, rows);
    done += rows.length;
    last = rows[rows.length - 1]?.id ?? last;
    options.onProgress?.(Math.min(done, total), total);
  }
  const version = String(
    (await db.query(`select extversion from pg_extension where extname = 'vector'`))[0]?.extversion ?? '0',
  );
  const plan = indexPlan(dimension);
  if (plan.index === 'halfvec' && !versionAtLeast(version, 0, 7)) plan.index = 'none';
  const late = await db.transaction(async (client) => {
    await client.query(`lock table ${t} in share row exclusive mode`);
    const sql = `select id, text from ${t} where embedding_next is null and ${EMBEDDABLE}`;
    const rows = (await client.query(sql)).rows as Array<{
      id: string;
      text: string;
    }>;
    for (let i = 0; i < rows.length; i += BATCH) {
      await writeBatch((text, values) => client.query(text, values), options, rows.slice(i, i + BATCH));
    }
    await client.query(`drop index if exists ${quoteIdent(hnswIndexName(table))}`);
    await client.query(`alter table ${t} drop column embedding`);
    await client.query(`alter table ${t} rename column embedding_next to embedding`);
    await client.query(
      `insert into ${META_TABLE} (table_name, dimension) values ($1, $2) on conflict (table_name) ` +
        'do update set dimension = excluded.dimension, updated_at = now()',
      [table, dimension],
    );
    const index = hnswIndexSql(table, plan);
    if (index) await client.query(index);
    return rows.length;
  });
  if (late > 0) options.onProgress?.(done + late, done + late);
  return { count: done + late, plan };
}

type Run = (text: string, values: unknown[]) => Promise<unknown>;

async function writeBatch(
  run: Run,
  options: ReembedOptions,
  rows: ReadonlyArray<{ id: string; text: string }>,
): Promise<void> {
  if (rows.length === 0) return;
  const vectors = await options.embed(rows.map((row) => row.text));
  if (vectors.length !== rows.length) {
    throw new Error(`The embedder returned ${vectors.length} vectors for ${rows.length} texts`);
  }
  const literals = vectors.map((vector) => {
    if (vector.length !== options.dimension) {
      throw new Error(
        `The embedder returned ${vector.length}-dimensional vectors, expected ${options.dimension}`,
      );
    }
    return vectorLiteral(vector);
  });
  await run(
    `update ${quoteIdent(options.table)} as m set embedding_next = u.e::vector(${options.dimension}) ` +
      'from unnest($1::uuid[], $2::text[]) as u(id, e) where m.id = u.id',
    [rows.map((row) => row.id), literals],
  );
}
