/** The arithmetic of emotional context (spec §3.6): arc of a conversation, closing energy, relative times. */

export type EmotionalArc = 'stable' | 'improving' | 'declining' | 'volatile';
export type EnergyLevel = 'concerned' | 'positive' | 'neutral';

const mean = (values: readonly number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;
/** Float noise (0.6 / 3 = 0.20000000000000004) must not push a shift of exactly 0.2 over the threshold. */
const EPSILON = 1e-9;

/** Sample variance (n − 1), as Python's `statistics.variance`. */
export function sampleVariance(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1);
}

/**
 * Fewer than 3 scores → stable; variance > 0.3 → volatile; mean of the last 3 minus mean of the first 3 above 0.2
 * → improving, below −0.2 → declining; otherwise stable.
 */
export function emotionalArc(sentiments: readonly number[]): EmotionalArc {
  if (sentiments.length < 3) return 'stable';
  if (sampleVariance(sentiments) > 0.3 + EPSILON) return 'volatile';
  const shift = mean(sentiments.slice(-3)) - mean(sentiments.slice(0, 3));
  if (shift > 0.2 + EPSILON) return 'improving';
  if (shift < -0.2 - EPSILON) return 'declining';
  return 'stable';
}

const CONCERNED = /\b(sorry|unfortunately|issue|problem)/i;
const POSITIVE = /\b(great|awesome|happy|glad)/i;

/** Heuristic on the assistant's last message of the conversation. */
export function energyLevel(lastAssistantMessage: string | undefined): EnergyLevel {
  if (!lastAssistantMessage) return 'neutral';
  if (CONCERNED.test(lastAssistantMessage)) return 'concerned';
  if (POSITIVE.test(lastAssistantMessage)) return 'positive';
  return 'neutral';
}

export const ARC_DESCRIPTIONS: Record<EmotionalArc, string> = {
  stable: 'kept a steady mood',
  improving: 'went from tense to more relaxed',
  declining: 'started light and grew more stressed',
  volatile: 'went through ups and downs',
};

/** "N days ago", "yesterday", "Nh ago", "Nm ago" or "just now". */
export function relativeTime(then: Date, now: Date): string {
  const seconds = Math.max(0, Math.floor((now.getTime() - then.getTime()) / 1000));
  const days = Math.floor(seconds / 86_400);
  if (days > 1) return `${days} days ago`;
  if (days === 1) return 'yesterday';
  const hours = Math.floor(seconds / 3_600);
  if (hours >= 1) return `${hours}h ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes >= 1) return `${minutes}m ago`;
  return 'just now';
}
