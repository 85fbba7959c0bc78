/**
 * `/memory` status, search, clear: the caller's own memories in Clara's configured memory, under the same user id
 * the message pipeline uses (`discord-<id>`). The original built a fresh default store and used the raw id, so it
 * never saw (nor cleared) Clara's real memories.
 */
import { MEMORY_KINDS, type MemoryFilter, type MemoryScope } from '../../../memory/index.js';
import { type CommandContext, CommandError } from './context.js';
import { clip, listEmbed, statusEmbed, successEmbed, warningEmbed } from './embeds.js';
import type { HandlerTable } from './handler.js';

/** Memories, not the indexed conversation turns. */
const NOT_TURNS: MemoryFilter = { excludeKinds: [MEMORY_KINDS.message] };

function memoryOf(ctx: CommandContext) {
  const memory = ctx.deps.memory;
  if (!memory) {
    throw new CommandError(
      'Long-term memory is turned off on this Clara (MEMORY_ENABLED=false), so there is nothing stored about you.',
      'Memory is off',
    );
  }
  return memory;
}

const scopeOf = (ctx: CommandContext): MemoryScope => ({ userId: ctx.userId });

export const memoryHandlers: HandlerTable = {
  'memory status': {
    level: 'any',
    async run(ctx) {
      const memory = memoryOf(ctx);
      await ctx.defer(true);
      const scope = scopeOf(ctx);
      const [total, key] = await Promise.all([
        memory.count(scope, NOT_TURNS),
        memory.count(scope, { ...NOT_TURNS, isKey: true }),
      ]);
      await ctx.send({
        embeds: [
          statusEmbed(
            '🧠 Your memories',
            [
              { name: 'Memories', value: String(total), inline: true },
              { name: 'Key facts', value: String(key), inline: true },
            ],
            {
              ...(ctx.deps.settings.memoryDescription ? { footer: ctx.deps.settings.memoryDescription } : {}),
              description: total === 0 ? 'Clara has not stored anything about you yet.' : undefined,
            },
          ),
        ],
      });
      return undefined;
    },
  },
  'memory search': {
    level: 'any',
    async run(ctx, options) {
      const memory = memoryOf(ctx);
      const query = options.getString('query', true);
      await ctx.defer(true);
      const hits = await memory.search(scopeOf(ctx), query, { limit: 10, filter: NOT_TURNS });
      await ctx.send({
        embeds: [
          listEmbed(
            `🧠 Memories matching "${clip(query, 80)}"`,
            hits.map(
              (hit) => `${hit.memory.isKey ? '🔑 ' : ''}${clip(hit.memory.text.replace(/\s+/g, ' '), 100)}`,
            ),
            { empty: 'Nothing found.' },
          ),
        ],
      });
      return undefined;
    },
  },
  'memory clear': {
    level: 'any',
    async run(ctx) {
      const memory = memoryOf(ctx);
      const total = await memory.count(scopeOf(ctx), NOT_TURNS);
      await ctx.askToConfirm(
        'memory-clear',
        '',
        warningEmbed(
          'Delete everything Clara remembers about you?',
          `${total} memories (and their history) will be deleted for good. The buttons work for 60 seconds.`,
        ),
      );
      return undefined;
    },
  },
};

/** The Confirm button of `/memory clear` (only the person who asked can press it). */
export async function confirmMemoryClear(ctx: CommandContext): Promise<void> {
  const memory = memoryOf(ctx);
  await ctx.defer();
  const removed = await memory.forget(scopeOf(ctx));
  await ctx.update({ embeds: [successEmbed('Memories deleted', `${removed} stored records removed.`)] });
  await ctx.audit({
    action: ctx.action,
    target: ctx.userId,
    result: 'ok',
    message: `${removed} records removed`,
  });
}
