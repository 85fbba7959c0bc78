/**
 * Lenient argument coercion before validation (spec §4.3), guided by the tool's JSON Schema. Models often send
 * `"5"` for a number, `"true"` for a boolean, a bare string or a JSON text for a list, or `null` for an optional
 * argument they mean to leave out; these are fixed quietly. Anything that still does not fit is left as it is, so
 * validation reports it to the model.
 */
import type { JsonSchema } from '../llm/index.js';

const TRUE_WORDS = new Set(['true', '1', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'n', 'off']);

type Schema = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON types a schema accepts (`type`, a list of types, or the members of `anyOf`/`oneOf`). */
export function acceptedTypes(schema: Schema): Set<string> {
  const types = new Set<string>();
  const { type } = schema;
  if (typeof type === 'string') types.add(type);
  if (Array.isArray(type)) for (const t of type) if (typeof t === 'string') types.add(t);
  if (Array.isArray(schema.enum) && types.size === 0) {
    for (const v of schema.enum) types.add(v === null ? 'null' : typeof v);
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const members = schema[key];
    if (Array.isArray(members))
      for (const m of members) if (isRecord(m)) for (const t of acceptedTypes(m)) types.add(t);
  }
  return types;
}

/** The schema of an object member: the first `anyOf`/`oneOf` branch that is an object, or the schema itself. */
function objectBranch(schema: Schema): Schema {
  if (isRecord(schema.properties)) return schema;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const members = schema[key];
    if (Array.isArray(members)) {
      const found = members.find((m) => isRecord(m) && isRecord(m.properties));
      if (isRecord(found)) return found;
    }
  }
  return schema;
}

function arrayItems(schema: Schema): Schema | undefined {
  if (isRecord(schema.items)) return schema.items;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const members = schema[key];
    if (Array.isArray(members)) {
      const found = members.find((m) => isRecord(m) && isRecord(m.items));
      if (isRecord(found)) return found.items as Schema;
    }
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function coerceString(value: string, schema: Schema, types: Set<string>): unknown {
  if (types.size === 0 || types.has('string')) return value;
  const trimmed = value.trim();
  if ((types.has('number') || types.has('integer')) && trimmed !== '' && Number.isFinite(Number(trimmed))) {
    return Number(trimmed);
  }
  if (types.has('boolean')) {
    const word = trimmed.toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  if (types.has('array')) {
    const parsed = trimmed.startsWith('[') ? parseJson(trimmed) : undefined;
    const list = Array.isArray(parsed) ? parsed : trimmed.startsWith('[') ? undefined : [value];
    if (list) return coerceValue(list, schema);
  }
  if (types.has('object') && trimmed.startsWith('{')) {
    const parsed = parseJson(trimmed);
    if (isRecord(parsed)) return coerceValue(parsed, schema);
  }
  if (types.has('null') && trimmed.toLowerCase() === 'null') return null;
  return value;
}

/** Coerces one value towards `schema`; returns it unchanged when no safe coercion applies. */
export function coerceValue(value: unknown, schema: Schema): unknown {
  const types = acceptedTypes(schema);
  if (typeof value === 'string') return coerceString(value, schema, types);
  if (types.size === 0) return value;
  if (typeof value === 'number' || typeof value === 'boolean') {
    const own =
      typeof value === 'number' ? types.has('number') || types.has('integer') : types.has('boolean');
    if (own) return value;
    if (types.has('string')) return String(value);
    if (typeof value === 'number' && types.has('boolean') && (value === 0 || value === 1)) return value === 1;
    if (types.has('array')) return coerceValue([value], schema);
    return value;
  }
  if (Array.isArray(value)) {
    const items = arrayItems(schema);
    return items ? value.map((item) => coerceValue(item, items)) : value;
  }
  if (isRecord(value)) return coerceObject(value, objectBranch(schema));
  return value;
}

/**
 * Coerces the members of an object argument. `null` given for an optional member that does not accept null is
 * dropped (the model meant "not given").
 */
export function coerceObject(value: Record<string, unknown>, schema: Schema): Record<string, unknown> {
  const properties = isRecord(schema.properties) ? schema.properties : undefined;
  if (!properties) return value;
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    const memberSchema = properties[key];
    if (!isRecord(memberSchema)) {
      out[key] = member;
      continue;
    }
    if (member === null && !required.has(key) && !acceptedTypes(memberSchema).has('null')) continue;
    out[key] = coerceValue(member, memberSchema);
  }
  return out;
}

/** Coerces a tool's whole argument object against its parameters schema. */
export function coerceArguments(args: unknown, parameters: JsonSchema): unknown {
  return isRecord(args) ? coerceObject(args, parameters as Schema) : args;
}
