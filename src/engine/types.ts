/** The engine's ports: what it needs from memory and tools, and what it tells observers after a turn. */
import type {
  ConversationEnvironment,
  InboundMessage,
  Participant,
  ReplyEvent,
  Tier,
} from '../domain/index.js';
import type { ToolExecutor, ToolSpec } from '../llm/index.js';

/** One titled section of the memory block in the system prompt (`USER MEMORIES`, `PROJECT MEMORIES`, …). */
export interface MemorySection {
  title: string;
  lines: string[];
  /** Render lines as `- ` bullets (default true). */
  bullets?: boolean;
}

export interface MemoryRetrieval {
  sections: MemorySection[];
  /** Rendered in the context block as "Memories: N user, M project". */
  counts?: { user: number; project: number };
}

export interface MemoryQuery {
  userId: string;
  projectId: string;
  sessionId: string;
  /** The user content as sent to the model (with the `[Name]: ` prefix in channels). */
  query: string;
  participants: Participant[];
  environment: ConversationEnvironment;
  signal?: AbortSignal;
}

/** The memory slot of the prompt. The memory capability fills it; without it Clara has no long-term memory. */
export interface MemorySlot {
  retrieve(query: MemoryQuery): Promise<MemoryRetrieval>;
}

export const NO_MEMORY: MemorySlot = { retrieve: async () => ({ sections: [] }) };

/** A file a tool sends along with the reply. */
export type ReplyAttachment = Omit<Extract<ReplyEvent, { type: 'attachment' }>, 'type'>;

export interface ToolScope {
  userId: string;
  conversationId: string;
  sessionId: string;
  platform: string;
  channelId?: string;
  /** The Discord server the conversation is in (absent in DMs and on other platforms). */
  guildId?: string;
  isAdmin: boolean;
  /**
   * Attaches a file to the reply: the turn emits it as an `attachment` event right after the tool's `tool_end`.
   * Set during a turn; absent elsewhere (a tool run outside a turn cannot attach).
   */
  attach?: (file: ReplyAttachment) => void;
  /** Offers the person a link to open (http/https only; e.g. an authorization page), shown after the tool ends. */
  link?: (link: { label: string; url: string }) => void;
  /** Reports progress of a long tool run (shown next to the tool's status line); absent outside a turn. */
  progress?: (text: string) => void;
}

/** What the engine needs from the tool registry for one turn. */
export interface ToolProvider {
  specs(scope: ToolScope): ToolSpec[];
  executor(scope: ToolScope): ToolExecutor;
  /** User-visible status line for a call (spec §1.11.5). */
  status(name: string, args: string): { emoji: string; status: string };
  /** Extra system instructions about the tools on offer (empty when none). */
  instructions(scope: ToolScope): string;
}

export const NO_TOOLS: ToolProvider = {
  specs: () => [],
  executor: () => ({
    execute: async (call) => ({ content: `Error: unknown tool ${call.name}`, isError: true }),
  }),
  status: () => ({ emoji: '⚙️', status: 'Working…' }),
  instructions: () => '',
};

/** Everything an observer learns once both messages of an exchange are stored. */
export interface CompletedTurn {
  message: InboundMessage;
  sessionId: string;
  projectId: string;
  userMessageId: number;
  assistantMessageId: number;
  userContent: string;
  assistantContent: string;
  tier: Tier | undefined;
}

/** A session that just ended (idle rotation or `/new`), and who was talking when it did. */
export interface EndedSession {
  sessionId: string;
  conversationId: string;
  /** Memory user id of the person whose message (or command) ended it. */
  userId: string;
  /** Their display name (in shared channels their stored messages carry a `[Name]: ` prefix). */
  displayName?: string;
  environment: ConversationEnvironment;
}

/**
 * Told about stored exchanges and ended sessions. Called on the reply path: it must only enqueue work (never wait
 * on it). The memory capability registers one to extract memories and finalise conversations in the background.
 */
export interface TurnObserver {
  onTurnComplete?(turn: CompletedTurn): void;
  onSessionEnded?(ended: EndedSession): void;
}

export interface EngineSettings {
  /** `DEFAULT_PROJECT` */
  projectName: string;
  /** `CONTEXT_MESSAGE_COUNT` */
  contextMessageCount: number;
  /** `SESSION_IDLE_MINUTES` */
  sessionIdleMinutes: number;
  /** `SUMMARY_INTERVAL` */
  summaryInterval: number;
  /** `MAX_TOOL_ITERATIONS` */
  maxToolIterations: number;
  /** `DISCORD_MAX_TOOL_RESULT_CHARS` */
  maxToolResultChars: number;
  /** `CLARA_MAX_INPUT_CHARS` */
  maxInputChars: number;
  /** `AUTO_TIER_SELECTION` */
  autoTier: boolean;
  /** `MODEL_TIER`: tier used when neither the message nor the adapter picks one. */
  defaultTier: Tier | undefined;
}
