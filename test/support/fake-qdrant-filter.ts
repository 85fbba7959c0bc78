/**
 * Qdrant's filter semantics for the fake Qdrant server: must / should / must_not (with min_should), nested filters,
 * field conditions (match value / any / except / text, range, values_count), is_empty, is_null and has_id, on JSON
 * payload paths (`a.b`, `a."b.c"`, `a[]`). Array payload values match when any element matches, as in Qdrant.
 */

export type Payload = Record<string, unknown>;

export interface TextIndex {
  tokenizer: string;
  lowercase: boolean;
}

export interface FilterContext {
  /** Full-text indexes by field name (a `match.text` on an unindexed field is a substring match). */
  textIndexes: ReadonlyMap<string, TextIndex>;
}

export interface PointLike {
  id: string | number;
  payload: Payload;
}

export class FilterError extends Error {}

/** `a.b."c.d"[]` → ['a', 'b', 'c.d'] (the `[]` suffix is implied: arrays are always flattened). */
export function parsePath(key: string): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i < key.length) {
    if (key[i] === '"') {
      const end = key.indexOf('"', i + 1);
      if (end < 0) throw new FilterError(`Bad payload key ${key}`);
      parts.push(key.slice(i + 1, end));
      i = end + 1;
    } else {
      let end = i;
      while (end < key.length && key[end] !== '.' && key[end] !== '[') end++;
      parts.push(key.slice(i, end));
      i = end;
    }
    if (key.startsWith('[]', i)) i += 2;
    if (key[i] === '.') i++;
  }
  return parts;
}

/** Every value at the path (arrays flattened); `undefined` entries mark a missing key. */
export function valuesAt(payload: Payload, key: string): unknown[] {
  let current: unknown[] = [payload];
  for (const part of parsePath(key)) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const child = (value as Payload)[part];
        if (Array.isArray(child)) next.push(...child);
        else next.push(child);
      } else if (Array.isArray(value)) {
        for (const item of value) if (item && typeof item === 'object') next.push((item as Payload)[part]);
      }
    }
    current = next;
  }
  return current;
}

export function tokenize(text: string, index: TextIndex): string[] {
  const source = index.lowercase ? text.toLowerCase() : text;
  if (index.tokenizer === 'whitespace') return source.split(/\s+/).filter(Boolean);
  return source.match(/[\p{L}\p{M}\p{N}_]+/gu) ?? [];
}

const sameValue = (a: unknown, b: unknown): boolean =>
  typeof a === typeof b && (a === b || (typeof a === 'number' && typeof b === 'number' && a === b));

function matches(
  values: unknown[],
  match: Record<string, unknown>,
  key: string,
  ctx: FilterContext,
): boolean {
  const present = values.filter((value) => value !== undefined && value !== null);
  if ('value' in match) return present.some((value) => sameValue(value, match.value));
  if ('any' in match) {
    const options = match.any as unknown[];
    return present.some((value) => options.some((option) => sameValue(value, option)));
  }
  if ('except' in match) {
    const options = match.except as unknown[];
    return present.some((value) => !options.some((option) => sameValue(value, option)));
  }
  if ('text' in match) {
    const query = String(match.text);
    const index = ctx.textIndexes.get(key);
    const strings = present.filter((value): value is string => typeof value === 'string');
    if (!index) return strings.some((value) => value.includes(query));
    const wanted = tokenize(query, index);
    return strings.some((value) => {
      const tokens = new Set(tokenize(value, index));
      return wanted.length > 0 && wanted.every((token) => tokens.has(token));
    });
  }
  throw new FilterError(`Unsupported match ${JSON.stringify(match)}`);
}

function inRange(values: unknown[], range: Record<string, number | undefined>): boolean {
  return values.some((value) => {
    if (typeof value !== 'number') return false;
    if (range.gt !== undefined && range.gt !== null && !(value > range.gt)) return false;
    if (range.gte !== undefined && range.gte !== null && !(value >= range.gte)) return false;
    if (range.lt !== undefined && range.lt !== null && !(value < range.lt)) return false;
    if (range.lte !== undefined && range.lte !== null && !(value <= range.lte)) return false;
    return true;
  });
}

function isEmptyAt(payload: Payload, key: string): boolean {
  return valuesAt(payload, key).every((value) => value === undefined || value === null);
}

function isNullAt(payload: Payload, key: string): boolean {
  let current: unknown = payload;
  for (const part of parsePath(key)) {
    if (!current || typeof current !== 'object' || Array.isArray(current)) return false;
    if (!(part in (current as Payload))) return false;
    current = (current as Payload)[part];
  }
  return current === null;
}

function normaliseId(id: unknown): string {
  return typeof id === 'string' ? id.toLowerCase() : String(id);
}

function condition(point: PointLike, cond: Record<string, unknown>, ctx: FilterContext): boolean {
  if ('must' in cond || 'should' in cond || 'must_not' in cond) return filterMatches(point, cond, ctx);
  if ('has_id' in cond) {
    return (cond.has_id as unknown[]).map(normaliseId).includes(normaliseId(point.id));
  }
  if ('is_empty' in cond) return isEmptyAt(point.payload, String((cond.is_empty as Payload).key));
  if ('is_null' in cond) return isNullAt(point.payload, String((cond.is_null as Payload).key));
  if ('key' in cond) {
    const key = String(cond.key);
    const values = valuesAt(point.payload, key);
    if (cond.match) return matches(values, cond.match as Record<string, unknown>, key, ctx);
    if (cond.range) return inRange(values, cond.range as Record<string, number | undefined>);
    if (cond.values_count) {
      const n = values.filter((value) => value !== undefined).length;
      return inRange([n], cond.values_count as Record<string, number | undefined>);
    }
    throw new FilterError(`Unsupported field condition ${JSON.stringify(cond)}`);
  }
  throw new FilterError(`Unsupported condition ${JSON.stringify(cond)}`);
}

const list = (value: unknown): Record<string, unknown>[] =>
  value === undefined || value === null
    ? []
    : Array.isArray(value)
      ? value
      : [value as Record<string, unknown>];

export function filterMatches(
  point: PointLike,
  filter: Record<string, unknown> | null | undefined,
  ctx: FilterContext,
): boolean {
  if (!filter) return true;
  if (!list(filter.must).every((cond) => condition(point, cond, ctx))) return false;
  if (list(filter.must_not).some((cond) => condition(point, cond, ctx))) return false;
  const should = list(filter.should);
  if (should.length > 0 && !should.some((cond) => condition(point, cond, ctx))) return false;
  const minShould = filter.min_should as
    | { conditions: Record<string, unknown>[]; min_count: number }
    | undefined;
  if (minShould) {
    const count = list(minShould.conditions).filter((cond) => condition(point, cond, ctx)).length;
    if (count < minShould.min_count) return false;
  }
  return true;
}
