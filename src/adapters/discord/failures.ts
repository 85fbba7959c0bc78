/**
 * When answering a message fails outside the engine's own error events (a Discord request refused, a bug), the
 * person gets a short answer instead of silence (spec §1.11.4 "Sorry, I encountered an error") and the log line
 * says which message, person and channel it was. Discord's own error texts ("Missing Access") are fixed strings
 * and safe to show; other errors are named only in the log, since their text may carry internal details.
 */
import { DiscordAPIError, HTTPError, type Message, RESTJSONErrorCodes } from 'discord.js';

/** Log fields that identify a message: which message, whose, where. */
export function messageContext(message: Message): Record<string, string | undefined> {
  return {
    messageId: message.id,
    userId: message.author.id,
    channelId: message.channelId,
    guildId: message.guildId ?? undefined,
  };
}

const PERMISSION_CODES = new Set<number>([
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.MissingPermissions,
]);

/** The subtext line the person sees when their message could not be answered. */
export function failureNotice(error: unknown): string {
  const head = '⚠️ Sorry, I ran into an error and couldn’t answer this';
  if (error instanceof DiscordAPIError) {
    if (typeof error.code === 'number' && PERMISSION_CODES.has(error.code))
      return (
        `${head}: Discord refused me (${error.message}). A server admin can give me the View Channel, ` +
        'Read Message History and Send Messages permissions in this channel.'
      );
    return `${head}: Discord answered “${error.message.slice(0, 100)}” (${error.status}). Please try again.`;
  }
  if (error instanceof HTTPError) return `${head}: Discord answered ${error.status}. Please try again.`;
  return `${head}. It has been logged.`;
}
