/**
 * The graph part of the extraction answer (`relations`, `ended_relations`), read item by item: an unusable item is
 * dropped and reported, never failing the facts of the same answer. Relation names become lower_snake_case.
 */
import { z } from 'zod';
import { entityKey } from '../graph/names.js';
import type { NewRelation, RelationMatch } from '../graph/types.js';

export interface RelationParse {
  relations: NewRelation[];
  endedRelations: RelationMatch[];
  /** Why items were dropped (for a debug log). */
  dropped: string[];
}

const MAX_NAME = 120;
const MAX_RELATION = 60;

/** "Lives In" / "lives-in" / "livesIn" → "lives_in" (letters of any script kept). */
export function relationName(text: string): string {
  return text
    .trim()
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1_$2')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}

const name = z
  .string()
  .transform((v) => v.replace(/\s+/g, ' ').trim())
  .pipe(z.string().min(1).max(MAX_NAME));
const relation = z
  .string()
  .transform(relationName)
  .pipe(z.string().min(1, 'empty relation').max(MAX_RELATION));
const flag = z.preprocess(
  (v) => (v === 'true' ? true : v === 'false' ? false : v === null ? undefined : v),
  z.boolean().optional(),
);

const relationSchema = z
  .object({ source: name, relation, target: name, exclusive: flag })
  .refine((r) => entityKey(r.source) !== entityKey(r.target), 'source and target are the same');

const endedSchema = z.object({
  source: name,
  relation,
  target: z.preprocess((v) => (v === null || v === '' ? undefined : v), name.optional()),
});

function items(value: unknown, key: string, dropped: string[]): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  dropped.push(`${key}: not a list`);
  return [];
}

const problem = (error: z.ZodError) =>
  error.issues.map((i) => `${i.path.join('.') || 'item'}: ${i.message}`).join('; ');

/** Reads `relations` and `ended_relations` from the answer's JSON object (absent lists are empty). */
export function parseRelations(answer: unknown): RelationParse {
  const result: RelationParse = { relations: [], endedRelations: [], dropped: [] };
  if (!answer || typeof answer !== 'object' || Array.isArray(answer)) return result;
  const { relations, ended_relations } = answer as Record<string, unknown>;
  items(relations, 'relations', result.dropped).forEach((item, i) => {
    const parsed = relationSchema.safeParse(item);
    if (!parsed.success) {
      result.dropped.push(`relations.${i}: ${problem(parsed.error)}`);
      return;
    }
    const { source, relation: rel, target, exclusive } = parsed.data;
    result.relations.push({ source, relation: rel, target, ...(exclusive ? { exclusive: true } : {}) });
  });
  items(ended_relations, 'ended_relations', result.dropped).forEach((item, i) => {
    const parsed = endedSchema.safeParse(item);
    if (!parsed.success) {
      result.dropped.push(`ended_relations.${i}: ${problem(parsed.error)}`);
      return;
    }
    const { source, relation: rel, target } = parsed.data;
    result.endedRelations.push({ source, relation: rel, ...(target ? { target } : {}) });
  });
  return result;
}
