/**
 * Departure detection (spec §1.9.5): "brb, shower" → the person said they were going to do something, so Clara
 * can ask how it went instead of mentioning the time gap. First match wins; capture up to `.`/`!`/end, ≤ 100 chars.
 */
const PATTERNS: readonly RegExp[] = [
  /\b(?:going to|gonna|gotta|about to|heading to|off to)\s+([^.!]+)/i,
  /\bbrb\b[,:\s-]*([^.!]+)/i,
  /\b(?:be right back|be back)\b[,:\s-]*([^.!]+)/i,
  /\bstepping (?:away|out)\s+(?:to|for)\s+([^.!]+)/i,
  /\b(?:need to|have to|gotta)\s+([^.!]+)/i,
];

export function detectDeparture(text: string): string | undefined {
  for (const pattern of PATTERNS) {
    const match = pattern.exec(text);
    const activity = match?.[1]?.trim();
    if (activity) return activity.slice(0, 100);
  }
  return undefined;
}
