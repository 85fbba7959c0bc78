/**
 * Applies extraction decisions to a store: ADD inserts (de-duplicated by hash), UPDATE supersedes (the old version
 * keeps its text with validTo; the new one links to it), DELETE ends a memory, NONE does nothing. Every new memory
 * carries the exchange's message ids. Decisions whose target does not exist are handled without losing the fact.
 */
import type { Logger } from 'pino';
import { endedRecord, newMemoryRecord, successorRecord } from '../record.js';
import { memoryHash } from '../text.js';
import type { MemoryChange, MemoryRecord, MemoryScope, MemoryStore } from '../types.js';
import type { ExtractionDecision } from './parse.js';

export interface ApplyContext {
  store: MemoryStore;
  scope: MemoryScope;
  /** The numbered memories shown to the model (decision targets are 1-based indexes into this list). */
  existing: readonly MemoryRecord[];
  sourceMessageIds: readonly number[];
  metadata: Record<string, unknown>;
  at: Date;
  /** Embeds the texts in one call; null entries when no embedder is configured or it failed. */
  embed: (texts: string[]) => Promise<(Float32Array | null)[]>;
  log: Pick<Logger, 'warn' | 'debug'>;
}

export async function applyDecisions(
  decisions: readonly ExtractionDecision[],
  ctx: ApplyContext,
): Promise<MemoryChange[]> {
  const writes = decisions.filter((d) => d.event === 'ADD' || d.event === 'UPDATE');
  const vectors = writes.length ? await ctx.embed(writes.map((d) => d.text)) : [];
  const vectorOf = new Map(writes.map((d, i) => [d, vectors[i] ?? null]));
  /** Existing memories already ended by an earlier decision of this batch. */
  const ended = new Set<string>();
  const changes: MemoryChange[] = [];

  const target = (d: ExtractionDecision): MemoryRecord | undefined => {
    const old = d.target !== undefined ? ctx.existing[d.target - 1] : undefined;
    if (!old) {
      ctx.log.warn(
        { event: d.event, target: d.target, shown: ctx.existing.length },
        'Memory extraction referred to a memory number that was not shown',
      );
      return undefined;
    }
    return ended.has(old.id) ? undefined : old;
  };

  const add = async (d: ExtractionDecision): Promise<void> => {
    const record = newMemoryRecord(ctx.scope, d.text, {
      isKey: d.isKey,
      metadata: ctx.metadata,
      sourceMessageIds: ctx.sourceMessageIds,
      at: ctx.at,
    });
    const { record: stored, created } = await ctx.store.insert(record, vectorOf.get(d) ?? null);
    if (created) changes.push({ event: 'ADD', memory: stored });
  };

  for (const d of decisions) {
    if (d.event === 'NONE') continue;
    if (d.event === 'ADD') {
      await add(d);
      continue;
    }
    const old = target(d);
    if (d.event === 'DELETE') {
      if (old && (await ctx.store.invalidate(ctx.scope, old.id, ctx.at))) {
        ended.add(old.id);
        changes.push({ event: 'DELETE', memory: endedRecord(old, ctx.at) });
      }
      continue;
    }
    // UPDATE
    if (!old) {
      await add(d); // the fact itself is still worth keeping
      continue;
    }
    if (memoryHash(d.text) === old.hash && (d.isKey === undefined || d.isKey === old.isKey)) continue;
    const next = successorRecord(ctx.scope, old, d.text, {
      isKey: d.isKey,
      metadata: ctx.metadata,
      sourceMessageIds: ctx.sourceMessageIds,
      at: ctx.at,
    });
    const stored = await ctx.store.supersede(ctx.scope, old.id, next, vectorOf.get(d) ?? null, ctx.at);
    if (stored) {
      ended.add(old.id);
      changes.push({ event: 'UPDATE', memory: stored, previous: endedRecord(old, ctx.at, stored.id) });
    } else {
      ctx.log.debug({ id: old.id }, 'Memory to update is no longer current; storing the new fact instead');
      await add(d);
    }
  }
  return changes;
}
