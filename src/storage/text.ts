/** Telling text from binary content, for tools that show a stored file to the model. */

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * The content as text when it is valid UTF-8 without NUL bytes (a UTF-8 BOM is dropped); null for binary
 * content (images, archives, UTF-16, Latin-1 text with bytes that are not UTF-8 …).
 */
export function decodeText(content: Uint8Array): string | null {
  if (content.includes(0)) return null;
  try {
    return decoder.decode(content);
  } catch {
    return null;
  }
}
