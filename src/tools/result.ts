/** Tool results as the model receives them: capped at `DISCORD_MAX_TOOL_RESULT_CHARS`, with a note when cut. */

export const DEFAULT_MAX_RESULT_CHARS = 50_000;

function truncationNote(kept: number, total: number): string {
  return (
    `\n\n[Output truncated: showing the first ${kept.toLocaleString('en-US')} of ` +
    `${total.toLocaleString('en-US')} characters. Use pagination parameters (e.g. per_page, page), a smaller ` +
    'limit or narrower filters to get the rest.]'
  );
}

/**
 * Keeps the start of `content` and appends a note saying it was cut, its full length and how to get the rest.
 * The whole result, note included, stays within `max` characters, so a later cap at the same size (the tool
 * loop's) leaves it untouched.
 */
export function capToolResult(content: string, max: number): { content: string; truncated: boolean } {
  if (content.length <= max) return { content, truncated: false };
  // The note's length depends on the number kept; reserve room for the longest form.
  const reserve = truncationNote(content.length, content.length).length;
  const kept = Math.max(0, max - reserve);
  return { content: `${content.slice(0, kept)}${truncationNote(kept, content.length)}`, truncated: true };
}
