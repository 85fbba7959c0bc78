/**
 * The Qdrant memory store's collection: created when missing (one unnamed cosine vector), checked when present
 * (refuses the original mem0 collection, another vector size or distance) and given its payload indexes.
 */
import type { QdrantClient } from '@qdrant/js-client-rest';
import { DimensionMismatchError } from '../types.js';
import { PAYLOAD_INDEXES } from './qdrant-payload.js';

/** A readable reason from a Qdrant client error (HTTP status and Qdrant's message, or the network error). */
export function describeQdrantError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { status, data } = error as { status?: unknown; data?: { status?: { error?: unknown } } };
  const reason = data?.status?.error;
  if (typeof status === 'number') return `HTTP ${status}${typeof reason === 'string' ? `: ${reason}` : ''}`;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return `${error.message} (${cause.code})`;
  if (cause && typeof cause.message === 'string') return `${error.message}: ${cause.message}`;
  return error.message.split('\n')[0] ?? error.name;
}

const statusOf = (error: unknown): number | undefined => {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
};

export async function createCollection(client: QdrantClient, name: string, dimension: number): Promise<void> {
  try {
    await client.createCollection(name, { vectors: { size: dimension, distance: 'Cosine' } });
  } catch (error) {
    // Another process created it first.
    if (statusOf(error) !== 409 && !/already exists/i.test(describeQdrantError(error))) throw error;
  }
}

export async function ensurePayloadIndexes(
  client: QdrantClient,
  name: string,
  existing: Record<string, unknown>,
): Promise<void> {
  for (const [field, schema] of Object.entries(PAYLOAD_INDEXES)) {
    if (field in existing) continue;
    await client.createPayloadIndex(name, { field_name: field, field_schema: schema, wait: true });
  }
}

export async function ensureCollection(
  client: QdrantClient,
  name: string,
  dimension: number,
  where: string,
): Promise<void> {
  const { exists } = await client.collectionExists(name);
  if (!exists) await createCollection(client, name, dimension);
  const info = await client.getCollection(name);
  await refuseForeignPoints(client, name, where);
  const vectors = info.config.params.vectors as { size?: unknown; distance?: unknown } | undefined;
  if (!vectors || typeof vectors.size !== 'number') {
    throw new Error(
      `The Qdrant collection "${name}" at ${where} uses named vectors; Clara needs one unnamed vector. ` +
        'Set MEM0_COLLECTION_NAME to an unused collection name.',
    );
  }
  if (vectors.distance !== 'Cosine') {
    throw new Error(
      `The Qdrant collection "${name}" at ${where} uses ${String(vectors.distance)} distance; Clara needs Cosine. ` +
        'Set MEM0_COLLECTION_NAME to an unused collection name.',
    );
  }
  if (vectors.size !== dimension) {
    throw new DimensionMismatchError(vectors.size, dimension, `${where} (collection "${name}")`);
  }
  await ensurePayloadIndexes(client, name, info.payload_schema ?? {});
}

/** The original mem0 collection (payload `data`, no `text`) or any non-Clara points are refused, never changed. */
async function refuseForeignPoints(client: QdrantClient, name: string, where: string): Promise<void> {
  const sample = await client.scroll(name, { limit: 1, with_payload: true, with_vector: false });
  const payload = sample.points[0]?.payload;
  if (!payload) return;
  if ('data' in payload && !('text' in payload)) {
    throw new Error(
      `The Qdrant collection "${name}" at ${where} is an ORIGINAL mem0 collection (payload "data"). Clara will not ` +
        'modify it. Set MEM0_COLLECTION_NAME to a different collection name (for example `clara_memories`) so ' +
        'both can live side by side, or migrate its memories first.',
    );
  }
  if (!('user_id' in payload && 'search_terms' in payload && 'hash' in payload)) {
    throw new Error(
      `The Qdrant collection "${name}" at ${where} holds points that are not Clara memories. ` +
        'Set MEM0_COLLECTION_NAME to an unused collection name.',
    );
  }
}
