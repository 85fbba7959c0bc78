/**
 * The log channel's memory embeds (spec §1.17): "Memory Retrieval (N total)" with key/user/project counts and up to
 * three sample memories, "Memory Extracted (N new)" with its source, "Emotional Context Stored" with arc and energy
 * emojis, and "Topics Extracted (N)". Footer `user: <first 8 characters of the Discord id>`; colours as the
 * original (memory purple, emotional pink, topic purple). Plain data in, plain embed JSON out.
 */
import type { MemoryActivity } from '../../memory/index.js';
import type { MirrorEmbed } from './log-mirror.js';

/** What memory reports (the composition root forwards its memory events). */
export type MemoryLogEvent = MemoryActivity;

export const MEMORY_COLOUR = 0xaa55ff;
export const EMOTIONAL_COLOUR = 0xff69b4;
export const TOPIC_COLOUR = 0x9370db;

const ARC_EMOJI: Record<string, string> = { stable: '➡️', improving: '📈', declining: '📉', volatile: '〰️' };
const ENERGY_EMOJI: Record<string, string> = { concerned: '😰', positive: '😊', neutral: '😐' };
const WEIGHT_EMOJI: Record<string, string> = { light: '🔵', moderate: '🟡', heavy: '🔴' };
const TYPE_EMOJI: Record<string, string> = { entity: '👤', theme: '💭' };
const CHANGE_EMOJI = { ADD: '➕', UPDATE: '✏️', DELETE: '🗑️' } as const;
const MAX_CHANGES = 5;

/** Memory text can hold anything a person said: no pings, no markdown surprises, bounded length. */
function clean(text: string, max: number): string {
  const flat = text
    .replace(/\s+/g, ' ')
    .replace(/@(everyone|here)/g, '@\u200b$1')
    .replace(/[*_`~|]/g, (c) => `\\${c}`)
    .trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function footer(userId: string): { text: string } {
  return { text: `user: ${userId.replace(/^discord-/, '').slice(0, 8)}` };
}

export function memoryEmbed(event: MemoryLogEvent): MirrorEmbed {
  switch (event.type) {
    case 'retrieval': {
      const { key, user, project } = event.counts;
      return {
        title: `🧠 Memory Retrieval (${key + user + project} total)`,
        color: MEMORY_COLOUR,
        description: event.samples.map((s) => `• ${clean(s, 60)}`).join('\n') || undefined,
        fields: [
          { name: 'Key', value: String(key), inline: true },
          { name: 'User', value: String(user), inline: true },
          { name: 'Project', value: String(project), inline: true },
        ],
        footer: footer(event.userId),
      };
    }
    case 'extracted': {
      const shown = event.changes
        .slice(0, MAX_CHANGES)
        .map((c) => `${CHANGE_EMOJI[c.event]} ${clean(c.text, 100)}`);
      const more = event.changes.length - shown.length;
      return {
        title: `💾 Memory Extracted (${event.changes.length} new)`,
        color: MEMORY_COLOUR,
        description: [...shown, ...(more > 0 ? [`… and ${more} more`] : [])].join('\n'),
        fields: [{ name: 'Source', value: event.source ?? 'conversation', inline: true }],
        footer: footer(event.userId),
      };
    }
    case 'emotional':
      return {
        title: '💭 Emotional Context Stored',
        color: EMOTIONAL_COLOUR,
        description: clean(event.text, 300),
        fields: [
          { name: 'Arc', value: `${ARC_EMOJI[event.arc] ?? '➡️'} ${event.arc}`, inline: true },
          { name: 'Energy', value: `${ENERGY_EMOJI[event.energy] ?? '😐'} ${event.energy}`, inline: true },
          { name: 'Where', value: clean(event.channel, 100) || 'DM', inline: true },
        ],
        footer: footer(event.userId),
      };
    case 'topics':
      return {
        title: `🏷️ Topics Extracted (${event.topics.length})`,
        color: TOPIC_COLOUR,
        description: event.topics
          .map(
            (t) =>
              `${WEIGHT_EMOJI[t.weight] ?? '🟡'} ${TYPE_EMOJI[t.topicType] ?? '💭'} **${clean(t.topic, 80)}** (${t.weight})`,
          )
          .join('\n'),
        footer: footer(event.userId),
      };
  }
}
