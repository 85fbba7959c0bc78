/** `clara memory search | list | export`: reading a user's memories (plain text, or JSON with `--json`). */
import type { Config } from '../config/index.js';
import {
  graphScope,
  MEMORY_KINDS,
  type MemoryFilter,
  type MemoryRecord,
  type MemoryScope,
} from '../memory/index.js';
import { hitLine, kindWidth, print, recordLine } from './memory-format.js';
import { withCliMemory } from './memory-setup.js';

export interface ScopeOptions {
  user?: string;
  project?: string;
}

export function scopeFrom(config: Config, options: ScopeOptions): MemoryScope {
  return {
    userId: options.user?.trim() || config.USER_ID,
    ...(options.project?.trim() ? { projectId: options.project.trim() } : {}),
  };
}

const describeScope = (scope: MemoryScope) =>
  `user ${scope.userId}${scope.projectId ? `, project ${scope.projectId}` : ''}`;

const NOT_TURNS: MemoryFilter = { excludeKinds: [MEMORY_KINDS.message] };

export async function searchMemories(
  config: Config,
  query: string,
  options: ScopeOptions & { limit: number; json?: boolean; includeMessages?: boolean },
): Promise<number> {
  return withCliMemory(config, async ({ engine, embedder }) => {
    const scope = scopeFrom(config, options);
    const hits = await engine.search(scope, query, {
      limit: options.limit,
      filter: options.includeMessages ? {} : NOT_TURNS,
    });
    if (options.json) {
      print(JSON.stringify(hits, null, 2));
      return 0;
    }
    if (!embedder) process.stderr.write('(full-text search only: no embedder is configured)\n');
    if (hits.length === 0) {
      print(`No memories of ${describeScope(scope)} match "${query}".`);
      return 0;
    }
    const width = kindWidth(hits.map((h) => h.memory));
    for (const hit of hits) print(hitLine(hit, width));
    return 0;
  });
}

export async function listMemories(
  config: Config,
  options: ScopeOptions & { kind?: string; all?: boolean; limit: number; json?: boolean },
): Promise<number> {
  return withCliMemory(config, async ({ engine }) => {
    const scope = scopeFrom(config, options);
    const filter: MemoryFilter = {
      ...(options.kind ? { kinds: [options.kind] } : NOT_TURNS),
      ...(options.all ? { includeInvalid: true } : {}),
    };
    const [records, total] = await Promise.all([
      engine.list(scope, filter, { limit: options.limit }),
      engine.count(scope, filter),
    ]);
    if (options.json) {
      print(JSON.stringify(records, null, 2));
      return 0;
    }
    const what = options.all ? 'memories (current and ended)' : 'current memories';
    if (records.length === 0) {
      print(`No ${what} for ${describeScope(scope)}${options.kind ? ` of kind ${options.kind}` : ''}.`);
      return 0;
    }
    const width = kindWidth(records);
    for (const record of records) print(recordLine(record, width));
    print(
      records.length < total
        ? `${records.length} of ${total} ${what} shown, newest first (--limit to see more).`
        : `${total} ${what}.`,
    );
    return 0;
  });
}

const EXPORT_PAGE = 500;

/** Every memory of the user (current and ended), oldest first, for privacy requests. */
export async function exportMemories(
  config: Config,
  options: ScopeOptions & { includeMessages?: boolean },
): Promise<number> {
  return withCliMemory(config, async ({ engine, where, graph }) => {
    const scope = scopeFrom(config, options);
    const filter: MemoryFilter = { includeInvalid: true, ...(options.includeMessages ? {} : NOT_TURNS) };
    const memories: MemoryRecord[] = [];
    for (;;) {
      const page = await engine.list(scope, filter, {
        limit: EXPORT_PAGE,
        offset: memories.length,
        order: 'oldest',
      });
      memories.push(...page);
      if (page.length < EXPORT_PAGE) break;
    }
    const document = {
      userId: scope.userId,
      ...(scope.projectId ? { projectId: scope.projectId } : {}),
      exportedAt: new Date().toISOString(),
      store: where,
      includesConversationTurns: options.includeMessages === true,
      count: memories.length,
      memories,
      // Graph memory is per person (not per project): current and ended relations, with provenance.
      ...(graph ? { relations: await graph.all(graphScope(scope)) } : {}),
    };
    print(JSON.stringify(document, null, 2));
    return 0;
  });
}
