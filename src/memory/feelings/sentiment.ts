/**
 * Local sentiment per message (spec §3.5): VADER's compound score, no API call. The `vader-sentiment` port gives
 * the same scores as the Python original.
 */
import vader from 'vader-sentiment';

export type SentimentLabel = 'positive' | 'negative' | 'neutral';

const NAME_PREFIX = /^\[[^\]\n]*\]:\s*/;
const IMAGE_PLACEHOLDER = /^\[Image: [^\]\n]*\]$/gm;

/**
 * The text the person typed, as stored messages hold it: without the `[Name]: ` prefix of shared channels and
 * without the `[Image: …]` placeholder lines the engine appends.
 */
export function cleanUserText(content: string): string {
  return content.replace(NAME_PREFIX, '').replace(IMAGE_PLACEHOLDER, '').trim();
}

/** VADER compound score of the text, −1 … +1 (empty text → 0). */
export function sentimentScore(text: string): number {
  const trimmed = text.trim();
  if (!trimmed) return 0;
  return vader.SentimentIntensityAnalyzer.polarity_scores(trimmed).compound;
}

/** ≥ 0.3 positive, ≤ −0.3 negative, otherwise neutral. */
export function classifySentiment(score: number): SentimentLabel {
  if (score >= 0.3) return 'positive';
  if (score <= -0.3) return 'negative';
  return 'neutral';
}
