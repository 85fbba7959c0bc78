/**
 * The engine's memory slot (spec §3.4, intended behaviour): key memories, the memories relevant to this message,
 * the relationships of the people and things it mentions (graph memory), project memories, what Clara knows about
 * the other people in a group channel, and the feelings/topics sections — within a token budget. One embedding serves every search of a turn (the engine caches it by query text).
 */
import type { Logger } from 'pino';
import type { MemoryQuery, MemoryRetrieval, MemorySection, MemorySlot } from '../engine/index.js';
import { relationLine } from './graph/names.js';
import { relationsAbout } from './graph/retrieve.js';
import type { GraphStore } from './graph/types.js';
import { MEMORY_KINDS, type MemoryEngine, type MemoryScope } from './types.js';

export interface MemorySlotOptions {
  engine: MemoryEngine;
  /** Persona scope (lower-cased BOT_NAME). */
  agentId: string;
  /** `MEMORY_PROMPT_TOKENS` */
  tokenBudget: number;
  logger?: Pick<Logger, 'warn' | 'debug'>;
  /** Extra sections (emotional context, recurring topics) computed for the same scope. */
  extraSections?: (scope: MemoryScope, now: Date) => Promise<MemorySection[]>;
  now?: () => Date;
  /** Graph memory: relations of the entities the message mentions (and of the user) as a RELATIONSHIPS section. */
  graph?: GraphStore | undefined;
}

const QUERY_TAIL_CHARS = 6_000;
const KEY_LIMIT = 15;
const SEARCH_LIMIT = 35;
const PER_PARTICIPANT = 3;
const RELATION_LIMIT = 15;
const NOT_MEMORIES = [MEMORY_KINDS.message, MEMORY_KINDS.emotionalContext, MEMORY_KINDS.topicMention];

/** A rough token estimate (≈ 4 characters per token) — enough to keep the prompt within budget. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

/** Adds lines while they fit; returns the lines kept. */
function within(lines: readonly string[], budget: { left: number }): string[] {
  const kept: string[] = [];
  for (const line of lines) {
    const cost = estimateTokens(line) + 1;
    if (cost > budget.left) break;
    budget.left -= cost;
    kept.push(line);
  }
  return kept;
}

export function createMemorySlot(options: MemorySlotOptions): MemorySlot {
  const now = options.now ?? (() => new Date());

  /** No LLM on this path; a graph that cannot be read costs the prompt its relationships, not the reply. */
  async function relationships(scope: MemoryScope, text: string): Promise<string[]> {
    if (!options.graph) return [];
    try {
      return (await relationsAbout(options.graph, scope, text, RELATION_LIMIT)).map(relationLine);
    } catch (error) {
      options.logger?.warn(
        { err: error instanceof Error ? error.message : String(error), store: options.graph.kind },
        'Graph memory could not be read; replying without relationships',
      );
      return [];
    }
  }

  return {
    async retrieve(query: MemoryQuery): Promise<MemoryRetrieval> {
      const { engine, agentId } = options;
      const userScope: MemoryScope = { userId: query.userId, agentId };
      const projectScope: MemoryScope = { ...userScope, projectId: query.projectId };
      const text = query.query.slice(-QUERY_TAIL_CHARS);
      const filter = { excludeKinds: NOT_MEMORIES };
      const others = query.participants.filter((p) => p.id !== query.userId);

      const [keys, userHits, projectHits, participantHits, extra, userCount, projectCount, relations] =
        await Promise.all([
          engine.list(userScope, { isKey: true, excludeKinds: NOT_MEMORIES }, { limit: KEY_LIMIT }),
          engine.search(userScope, text, { limit: SEARCH_LIMIT, filter, signal: query.signal }),
          engine.search(projectScope, text, { limit: SEARCH_LIMIT, filter, signal: query.signal }),
          Promise.all(
            others.map((p) =>
              engine
                .search({ userId: p.id, agentId }, text, {
                  limit: PER_PARTICIPANT,
                  filter,
                  signal: query.signal,
                })
                .then((hits) => ({ name: p.name, hits })),
            ),
          ),
          options.extraSections?.(userScope, now()) ?? Promise.resolve([]),
          engine.count(userScope, { excludeKinds: NOT_MEMORIES }),
          engine.count(projectScope, { excludeKinds: NOT_MEMORIES }),
          relationships(userScope, text),
        ]);

      const budget = { left: options.tokenBudget };
      const keyIds = new Set(keys.map((m) => m.id));
      const userLines = within(
        [
          ...keys.map((m) => `[KEY] ${m.text}`),
          ...userHits.filter((h) => !keyIds.has(h.memory.id)).map((h) => h.memory.text),
        ],
        budget,
      );
      const relationLines = within(relations, budget);
      const shown = new Set([...keyIds, ...userHits.map((h) => h.memory.id)]);
      const projectLines = within(
        projectHits.filter((h) => !shown.has(h.memory.id)).map((h) => h.memory.text),
        budget,
      );
      const participantLines = within(
        participantHits.flatMap(({ name, hits }) => hits.map((h) => `[About ${name}]: ${h.memory.text}`)),
        budget,
      );
      const sections: MemorySection[] = [
        { title: 'USER MEMORIES', lines: [...userLines, ...participantLines] },
        { title: 'RELATIONSHIPS', lines: relationLines },
        { title: 'PROJECT MEMORIES', lines: projectLines },
        ...extra.map((section) => ({ ...section, lines: within(section.lines, budget) })),
      ];
      return {
        sections: sections.filter((s) => s.lines.length > 0),
        counts: { user: userCount, project: projectCount },
      };
    },
  };
}
