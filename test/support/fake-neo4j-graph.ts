/**
 * The fake Neo4j's in-memory property graph and the bits of Cypher value semantics its statements need: property
 * rules (null removes a property; only primitives and homogeneous lists of them can be stored), equality (null is
 * never equal to anything; 1 = 1.0), and ORDER BY comparison (null sorts last ascending, first descending).
 */
import type { BoltValue } from './bolt-packstream.js';
import { BoltError } from './bolt-types.js';

export type PropertyValue =
  | boolean
  | bigint
  | number
  | string
  | Uint8Array
  | Array<boolean | bigint | number | string>;
export type Properties = Record<string, PropertyValue>;

export interface FakeNode {
  id: number;
  labels: string[];
  props: Properties;
}

export interface FakeRelationship {
  id: number;
  type: string;
  start: number;
  end: number;
  props: Properties;
}

export interface FakeGraph {
  nodes: Map<number, FakeNode>;
  relationships: Map<number, FakeRelationship>;
  /** Constraints and indexes by name → the statement that created them. */
  schema: Map<string, string>;
  nextId: number;
}

export function emptyGraph(): FakeGraph {
  return { nodes: new Map(), relationships: new Map(), schema: new Map(), nextId: 0 };
}

export function snapshot(graph: FakeGraph): FakeGraph {
  return structuredClone(graph);
}

export function restore(graph: FakeGraph, from: FakeGraph): void {
  graph.nodes = from.nodes;
  graph.relationships = from.relationships;
  graph.schema = from.schema;
  graph.nextId = from.nextId;
}

/** A property read: absent properties read as null. */
export function prop(entity: { props: Properties }, key: string): BoltValue {
  return (entity.props[key] as BoltValue | undefined) ?? null;
}

function storable(value: BoltValue): value is PropertyValue {
  const scalar = (v: BoltValue) => ['boolean', 'bigint', 'number', 'string'].includes(typeof v);
  if (scalar(value) || value instanceof Uint8Array) return true;
  if (!Array.isArray(value)) return false;
  const kinds = new Set(value.map((item) => (typeof item === 'bigint' ? 'number' : typeof item)));
  return value.every(scalar) && kinds.size <= 1;
}

/** `SET x.key = value`: null removes the property; maps, structures and mixed lists are refused like Neo4j does. */
export function setProp(entity: { props: Properties }, key: string, value: BoltValue | undefined): void {
  if (value === null || value === undefined) {
    delete entity.props[key];
    return;
  }
  if (!storable(value)) {
    throw new BoltError(
      'Neo.ClientError.Statement.TypeError',
      `Property values can only be of primitive types or arrays thereof. Encountered: ${describe(value)} for '${key}'.`,
    );
  }
  entity.props[key] = value;
}

function describe(value: BoltValue): string {
  if (Array.isArray(value)) return `List(${value.map(describe).join(', ')})`;
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) return 'Map{…}';
  return String(value);
}

const isNumber = (v: BoltValue): v is bigint | number => typeof v === 'bigint' || typeof v === 'number';

/** Cypher `=` where a null on either side is "not true". */
export function eq(a: BoltValue, b: BoltValue): boolean {
  if (a === null || b === null) return false;
  if (isNumber(a) && isNumber(b)) return Number(a) === Number(b);
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => eq(x, b[i] ?? null));
  return a === b;
}

/** Cypher `<>` where a null on either side is "not true". */
export function neq(a: BoltValue, b: BoltValue): boolean {
  return a !== null && b !== null && !eq(a, b);
}

/** Cypher `x IN list`. */
export function inList(value: BoltValue, list: BoltValue): boolean {
  if (!Array.isArray(list)) throw new BoltError('Neo.ClientError.Statement.TypeError', 'IN expects a list');
  return list.some((item) => eq(value, item));
}

/** ORDER BY comparison for the values the statements sort on (numbers, strings); null sorts as the largest. */
export function compare(a: BoltValue, b: BoltValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (isNumber(a) && isNumber(b)) return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export function createNode(graph: FakeGraph, labels: string[]): FakeNode {
  const node: FakeNode = { id: graph.nextId++, labels, props: {} };
  graph.nodes.set(node.id, node);
  return node;
}

export function createRelationship(
  graph: FakeGraph,
  type: string,
  start: FakeNode,
  end: FakeNode,
): FakeRelationship {
  const rel: FakeRelationship = { id: graph.nextId++, type, start: start.id, end: end.id, props: {} };
  graph.relationships.set(rel.id, rel);
  return rel;
}

/** `DETACH DELETE n`. */
export function detachDelete(graph: FakeGraph, node: FakeNode): void {
  for (const rel of [...graph.relationships.values()]) {
    if (rel.start === node.id || rel.end === node.id) graph.relationships.delete(rel.id);
  }
  graph.nodes.delete(node.id);
}

/** `MATCH (a:Label)-[r:TYPE]->(b:Label)`: every matching (a, r, b). */
export function* pattern(
  graph: FakeGraph,
  label: string,
  type: string,
): Generator<{ a: FakeNode; r: FakeRelationship; b: FakeNode }> {
  for (const r of graph.relationships.values()) {
    if (r.type !== type) continue;
    const a = graph.nodes.get(r.start);
    const b = graph.nodes.get(r.end);
    if (a?.labels.includes(label) && b?.labels.includes(label)) yield { a, r, b };
  }
}
