/** Small helpers shared by the pgvector and Qdrant memory stores. */

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Memory ids are UUIDs; anything else cannot name a stored memory (and must not reach a uuid column). */
export const isUuid = (value: string): boolean => UUID_RE.test(value);

export { KeyedLock } from '../../util/index.js';
