/**
 * Per-conversation sentiment (spec §3.5–3.6), derived from the stored messages of a conversation when it is
 * finalised instead of an in-memory list: nothing is lost on restart, several processes agree, and the message
 * that ends a conversation (stored in the NEXT session) is never counted in the one it ended (defect 11).
 */
import { cleanUserText, sentimentScore } from './sentiment.js';

/** A stored message of the conversation being finalised (oldest first), as the `messages` table holds it. */
export interface SessionMessage {
  role: 'user' | 'assistant';
  /** Stored content: `[Name]: ` prefix in shared channels, `[Image: …]` placeholders appended. */
  content: string;
  createdAt?: Date;
}

/** Spec §3.6: a conversation is over once its newest message is older than this when a new one arrives. */
export const CONVERSATION_IDLE_MINUTES = 30;

/** Whether a new message at `now` starts a new conversation after one whose newest message was at `newestAt`. */
export function conversationEnded(
  newestAt: Date,
  now: Date,
  idleMinutes: number = CONVERSATION_IDLE_MINUTES,
): boolean {
  return now.getTime() - newestAt.getTime() > idleMinutes * 60_000;
}

const speakerPrefix = (content: string): string | undefined => /^\[([^\]\n]*)\]:/.exec(content)?.[1];

/**
 * The person's own messages. In a shared channel (`speakerName` given) only user messages carrying their
 * `[Name]: ` prefix count; in a DM, the web or the terminal every user message is theirs.
 */
export function ownMessages(messages: readonly SessionMessage[], speakerName?: string): SessionMessage[] {
  return messages.filter(
    (m) => m.role === 'user' && (speakerName === undefined || speakerPrefix(m.content) === speakerName),
  );
}

/** VADER compound score of each of the person's messages, in order (empty messages, e.g. image-only, skipped). */
export function conversationSentiments(messages: readonly SessionMessage[], speakerName?: string): number[] {
  return ownMessages(messages, speakerName)
    .map((m) => cleanUserText(m.content))
    .filter((text) => text.length > 0)
    .map(sentimentScore);
}
