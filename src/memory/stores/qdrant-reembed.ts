/**
 * Re-embedding the Qdrant memory store. Every point is read and every non-blank text embedded BEFORE anything is
 * written (an embedder failure changes nothing). Same vector size: points are rewritten in place. New size (a
 * Qdrant collection cannot change it): everything is first copied to `<collection>_reembed_backup`, then the
 * collection is recreated with the new size and its payload indexes and refilled, then the backup is dropped — if
 * the process dies in between, the backup collection still holds every memory. Run it with Clara stopped
 * (`clara memory reembed`): memories written meanwhile by another process may be lost on a size change.
 */
import type { QdrantClient, Schemas } from '@qdrant/js-client-rest';
import { createCollection, ensurePayloadIndexes } from './qdrant-collection.js';
import type { MemoryPayload } from './qdrant-payload.js';

const PAGE = 256;
const EMBED_BATCH = 64;

export interface QdrantReembedOptions {
  client: QdrantClient;
  collection: string;
  /** The collection's current vector size. */
  from: number;
  dimension: number;
  embed: (texts: string[]) => Promise<Float32Array[]>;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

async function readAll(
  client: QdrantClient,
  collection: string,
): Promise<Array<{ id: string; payload: MemoryPayload }>> {
  const points: Array<{ id: string; payload: MemoryPayload }> = [];
  let offset: Schemas['ExtendedPointId'] | undefined;
  do {
    const page = await client.scroll(collection, {
      limit: PAGE,
      with_payload: true,
      with_vector: false,
      ...(offset === undefined ? {} : { offset }),
    });
    for (const point of page.points) {
      if (point.payload) points.push({ id: String(point.id), payload: point.payload as MemoryPayload });
    }
    offset = (page.next_page_offset as Schemas['ExtendedPointId'] | null | undefined) ?? undefined;
  } while (offset !== undefined);
  return points;
}

async function writeAll(
  client: QdrantClient,
  collection: string,
  points: Schemas['PointStruct'][],
): Promise<void> {
  for (let i = 0; i < points.length; i += PAGE) {
    await client.upsert(collection, { wait: true, points: points.slice(i, i + PAGE) });
  }
}

export async function reembedQdrant(options: QdrantReembedOptions): Promise<number> {
  const { client, collection, dimension } = options;
  if (!Number.isInteger(dimension) || dimension <= 0) {
    throw new Error(`Invalid embedding dimension ${dimension} for re-embedding`);
  }
  const points = await readAll(client, collection);
  const embeddable = points.filter((point) => point.payload.text.trim() !== '');
  const vectors = new Map<string, number[]>();
  for (let i = 0; i < embeddable.length; i += EMBED_BATCH) {
    const batch = embeddable.slice(i, i + EMBED_BATCH);
    const result = await options.embed(batch.map((point) => point.payload.text));
    if (result.length !== batch.length) {
      throw new Error(`The embedder returned ${result.length} vectors for ${batch.length} texts`);
    }
    result.forEach((vector, j) => {
      if (vector.length !== dimension) {
        throw new Error(`The embedder returned ${vector.length}-dimensional vectors, expected ${dimension}`);
      }
      vectors.set(batch[j]!.id, Array.from(vector));
    });
    options.onProgress?.(vectors.size, embeddable.length);
  }
  const rewritten: Schemas['PointStruct'][] = points.map((point) => {
    const vector = vectors.get(point.id);
    return {
      id: point.id,
      vector: vector ?? new Array<number>(dimension).fill(0),
      payload: { ...point.payload, has_vector: vector !== undefined },
    };
  });
  if (dimension === options.from) {
    await writeAll(client, collection, rewritten);
    return vectors.size;
  }
  const backup = `${collection}_reembed_backup`;
  await client.deleteCollection(backup);
  await createCollection(client, backup, dimension);
  await writeAll(client, backup, rewritten);
  await client.deleteCollection(collection);
  await createCollection(client, collection, dimension);
  await ensurePayloadIndexes(client, collection, {});
  await writeAll(client, collection, rewritten);
  await client.deleteCollection(backup);
  return vectors.size;
}
