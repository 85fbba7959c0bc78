/** Plain types shared by the engine and every adapter. No behaviour lives here. */

export const TIERS = ['high', 'mid', 'low'] as const;
export type Tier = (typeof TIERS)[number];

/** An image sent along with a message, already sized for the model. */
export interface ImageInput {
  name: string;
  /** e.g. `image/png` */
  mediaType: string;
  /** base64 without the `data:` prefix */
  base64: string;
}

/** A message from the platform that is not in Clara's own history (recent channel chatter, a reply chain). */
export interface ContextMessage {
  role: 'user' | 'assistant';
  /** Display name of the author, rendered as `[Name]: ` for other users in shared channels. */
  authorName?: string;
  content: string;
  at?: Date;
  /** Platform message id, used to avoid injecting something already in the stored history. */
  platformMessageId?: string;
}

export interface Participant {
  id: string;
  name: string;
}

/** Where the conversation happens; rendered into the system prompt's environment line. */
export interface ConversationEnvironment {
  kind: 'dm' | 'channel' | 'terminal' | 'web';
  guildName?: string;
  channelName?: string;
  channelId?: string;
  /** Platform id of the server (Discord guild), when the conversation is in one. */
  guildId?: string;
}

/** One message arriving at the engine from any adapter. */
export interface InboundMessage {
  /** `discord`, `web`, `cli`, … */
  platform: string;
  /** Memory user id of the author (`discord-<id>`, …). */
  userId: string;
  /** Handle, rendered as `@name`. */
  userName: string;
  displayName: string;
  /** Session owner (`discord-dm-<id>`, `discord-channel-<id>`, `web-<user>`, `cli-<user>`). */
  conversationId: string;
  /** Human title of the conversation, stored on the session. */
  conversationTitle: string;
  /** The text as typed, after the adapter removed platform noise (e.g. the bot's own mention). */
  content: string;
  images?: ImageInput[];
  /** Platform message id (used for de-duplication). */
  platformMessageId?: string;
  /** When the person sent it; defaults to the time the engine received it. */
  sentAt?: Date;
  environment: ConversationEnvironment;
  /**
   * Tier chosen by the adapter (e.g. `/tier high` in the terminal). A `!high`/`!mid`/`!low` prefix in the content
   * wins over it; `auto` asks for automatic selection for this message.
   */
  tier?: Tier | 'auto';
  /** Recent platform messages to place just before the current one (channel chatter, DM reply chain). */
  recentContext?: ContextMessage[];
  /** Rolling summary of older channel messages. */
  channelSummary?: string;
  participants?: Participant[];
  /** Formatting guidance for this platform (Discord markdown, terminal plain text …). */
  platformGuidelines?: string;
  /**
   * The content already names its authors (a batch of several people's messages as `[Name]: text` lines), so no
   * `[Name]: ` prefix is added in shared channels.
   */
  attributed?: boolean;
  /** The author may use admin-only tools. */
  isAdmin?: boolean;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** USD, only when the provider reports it. */
  cost?: number;
}

/**
 * A reply is a stream of events; each adapter renders them its own way
 * (Discord edits a message, the web streams them over SSE, the terminal prints).
 */
export type ReplyEvent =
  | { type: 'start'; turnId: string; sessionId: string; userMessageId: number; newSession: boolean }
  | { type: 'tier'; tier: Tier; model: string; auto: boolean }
  | { type: 'text'; text: string }
  | { type: 'tool_start'; callId: string; name: string; emoji: string; status: string; step: number }
  | { type: 'tool_end'; callId: string; name: string; ok: boolean; durationMs: number }
  | { type: 'attachment'; name: string; mediaType: string; data: Uint8Array }
  | { type: 'notice'; text: string }
  /** A link a tool wants the person to open (an OAuth authorization): Discord shows a button, the web a link. */
  | { type: 'link'; label: string; url: string }
  | {
      type: 'done';
      text: string;
      assistantMessageId: number | null;
      usage: TokenUsage;
      model: string;
      provider: string;
    }
  | { type: 'error'; code: ReplyErrorCode; message: string };

export type ReplyErrorCode =
  | 'not_configured'
  | 'input_rejected'
  | 'llm_auth'
  | 'llm_not_found'
  | 'llm_timeout'
  | 'llm_unavailable'
  | 'duplicate'
  | 'aborted'
  | 'internal';
