/** Model tiers: `!high`/`!mid`/`!low` prefixes (spec §1.10) and their display. */
import type { Tier } from '../domain/index.js';

const PREFIXES: ReadonlyArray<readonly [string, Tier]> = [
  ['!high', 'high'],
  ['!opus', 'high'],
  ['!mid', 'mid'],
  ['!sonnet', 'mid'],
  ['!low', 'low'],
  ['!haiku', 'low'],
  ['!fast', 'low'],
];

/**
 * Detects a tier prefix at the very start of the message and strips it with the whitespace after it.
 * Unlike the original, `!highlight` is not a tier prefix: the prefix must be followed by whitespace or the end.
 */
export function parseTierPrefix(content: string): { tier: Tier | undefined; content: string } {
  const trimmed = content.trimStart();
  const lower = trimmed.toLowerCase();
  for (const [prefix, tier] of PREFIXES) {
    if (!lower.startsWith(prefix)) continue;
    const rest = trimmed.slice(prefix.length);
    if (rest !== '' && !/^\s/.test(rest)) continue;
    return { tier, content: rest.trimStart() };
  }
  return { tier: undefined, content };
}

export const TIER_DISPLAY: Readonly<Record<Tier, { emoji: string; label: string }>> = {
  high: { emoji: '🔴', label: 'High (Opus-class)' },
  mid: { emoji: '🟡', label: 'Mid (Sonnet-class)' },
  low: { emoji: '🟢', label: 'Low (Haiku-class)' },
};

/** `🟡 Using Mid (Sonnet-class) (auto) (claude-sonnet-4)`: vendor prefixes are removed from the model name. */
export function describeTier(tier: Tier, model: string, auto: boolean): string {
  const display = TIER_DISPLAY[tier];
  const shortModel = model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : model;
  return `${display.emoji} Using ${display.label}${auto ? ' (auto)' : ''} (${shortModel})`;
}

export function isTier(value: string): value is Tier {
  return value === 'high' || value === 'mid' || value === 'low';
}
