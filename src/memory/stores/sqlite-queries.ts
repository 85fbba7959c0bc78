/** The longer SQL statements of the SQLite memory store, built from table names and WHERE clauses. */
import { type Clause, MEMORY_COLUMNS, type TableNames } from './sqlite-sql.js';
import { FTS_WEIGHTS } from './sqlite-text-index.js';

export const insertMemorySql = (t: TableNames): string =>
  `insert into ${t.memories} (${MEMORY_COLUMNS}) values (${MEMORY_COLUMNS.replace(/(\w+)/g, ':$1')}) ` +
  'on conflict do nothing';

/** vec0 wants integers for its integer metadata columns; JS numbers bind as floats, hence the casts. */
export const insertVectorSql = (t: TableNames): string =>
  `insert into ${t.vec} (rowid, user_id, embedding, project_id, agent_id, kind, is_key, current, created_at) ` +
  'values (:rowid, :user, :embedding, :project, :agent, :kind, cast(:key as integer), ' +
  'cast(:current as integer), cast(:created as integer))';

/** Every version linked to `:id` through supersedes / superseded_by, scope applied to each, oldest first. */
export const chainSql = (t: TableNames, c: Clause): string => `with recursive
  back(seq, link, depth) as (
    select m.seq, m.supersedes, 0 from ${t.memories} m where m.id = :id and ${c.sql}
    union all
    select m.seq, m.supersedes, back.depth - 1 from back join ${t.memories} m on m.id = back.link
    where ${c.sql} and back.depth > -10000),
  fwd(seq, link, depth) as (
    select m.seq, m.superseded_by, 0 from ${t.memories} m where m.id = :id and ${c.sql}
    union all
    select m.seq, m.superseded_by, fwd.depth + 1 from fwd join ${t.memories} m on m.id = fwd.link
    where ${c.sql} and fwd.depth < 10000),
  chain(seq, depth) as (
    select seq, min(depth) from (select seq, depth from back union select seq, depth from fwd) group by seq)
select m.* from chain join ${t.memories} m on m.seq = chain.seq order by chain.depth`;

/**
 * KNN (`:inner` candidates, scope and filters pushed into vec0 as `v`), joined to the records with every condition
 * `c` applied again, best `:limit` first. Always returns at least one row carrying `knn_count` (how many
 * candidates vec0 produced), so the caller knows whether widening `:inner` could find more.
 */
export const knnSql = (t: TableNames, v: Clause, c: Clause): string => `with knn as materialized (
  select rowid, distance from ${t.vec} where embedding match :query and k = :inner and ${v.sql})
select (select count(*) from knn) as knn_count, h.* from (select 1) as one left join (
  select m.*, knn.distance as distance from knn join ${t.memories} m on m.seq = knn.rowid
  where ${c.sql} order by knn.distance, m.seq limit :limit) as h on 1
order by h.distance, h.seq`;

/** Exact cosine distance for every record passing `c` (point lookups into vec0 by rowid). */
export const exactVectorSql = (t: TableNames, c: Clause): string =>
  `select m.*, vec_distance_cosine(v.embedding, :query) as distance from ${t.memories} m
join ${t.vec} v on v.rowid = m.seq where ${c.sql} order by distance, m.seq limit :limit`;

/** FTS5 match restricted by `c`, bm25 order (lower is better). */
export const textSearchSql = (t: TableNames, c: Clause): string =>
  `select m.*, bm25(${t.fts}, ${FTS_WEIGHTS.join(', ')}) as distance from ${t.fts} ` +
  `join ${t.memories} m on m.seq = ${t.fts}.rowid where ${t.fts} match :match and ${c.sql} ` +
  'order by distance, m.seq limit :limit';
