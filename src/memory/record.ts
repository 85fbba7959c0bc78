/** Builds new memory records (fresh UUID, hash, validity starting now) for the stores to insert. */
import { randomUUID } from 'node:crypto';
import { memoryHash } from './text.js';
import { MEMORY_KINDS, type MemoryRecord, type MemoryScope } from './types.js';

export interface NewRecordOptions {
  kind?: string | undefined;
  isKey?: boolean | undefined;
  metadata?: Record<string, unknown> | undefined;
  sourceMessageIds?: readonly number[] | undefined;
  supersedes?: string | null | undefined;
  at: Date;
}

export function newMemoryRecord(scope: MemoryScope, text: string, options: NewRecordOptions): MemoryRecord {
  const trimmed = text.trim();
  return {
    id: randomUUID(),
    userId: scope.userId,
    projectId: scope.projectId ?? null,
    agentId: scope.agentId ?? null,
    text: trimmed,
    kind: options.kind ?? MEMORY_KINDS.fact,
    isKey: options.isKey ?? false,
    hash: memoryHash(trimmed),
    metadata: { ...options.metadata },
    sourceMessageIds: [...(options.sourceMessageIds ?? [])],
    createdAt: options.at,
    updatedAt: options.at,
    validFrom: options.at,
    validTo: null,
    supersedes: options.supersedes ?? null,
    supersededBy: null,
  };
}

/** The record that replaces `old`: same owner (the scope's project/agent when given), linked to it. */
export function successorRecord(
  scope: MemoryScope,
  old: MemoryRecord,
  text: string,
  options: Omit<NewRecordOptions, 'supersedes' | 'kind'>,
): MemoryRecord {
  return newMemoryRecord(
    {
      userId: old.userId,
      projectId: scope.projectId ?? old.projectId,
      agentId: scope.agentId ?? old.agentId,
    },
    text,
    {
      ...options,
      kind: old.kind,
      isKey: options.isKey ?? old.isKey,
      metadata: { ...old.metadata, ...options.metadata },
      supersedes: old.id,
    },
  );
}

/** How `old` looks once ended by a supersession or a DELETE at `at`. */
export function endedRecord(old: MemoryRecord, at: Date, supersededBy: string | null = null): MemoryRecord {
  return { ...old, validTo: at, updatedAt: at, supersededBy };
}
