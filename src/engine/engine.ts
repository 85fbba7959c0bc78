import type { MessageRow } from '../db/index.js';
import type { InboundMessage, ReplyEvent } from '../domain/index.js';
import { KeyedLock } from '../util/index.js';
import type { EngineDeps, TurnDeps } from './deps.js';
import { SessionManager } from './sessions.js';
import { SUMMARIZE_SESSION_JOB, type SummarizeSessionPayload, summarizeSession } from './summaries.js';
import { notifyObservers, runTurn } from './turn.js';
import type { EndedSession } from './types.js';
import { NO_MEMORY, NO_TOOLS } from './types.js';

export interface TurnOptions {
  signal?: AbortSignal;
  /** Progress lines of a running tool (e.g. Claude Code's steps); the adapter shows them with the tool's status. */
  onToolProgress?: (text: string) => void;
}

export class Engine {
  private readonly deps: TurnDeps;
  private readonly lock = new KeyedLock();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(deps: EngineDeps) {
    this.deps = {
      ...deps,
      sessions: new SessionManager(deps.repos, {
        projectName: deps.settings.projectName,
        idleMinutes: deps.settings.sessionIdleMinutes,
      }),
      memory: deps.memory ?? NO_MEMORY,
      tools: deps.tools ?? NO_TOOLS,
      observers: deps.observers ?? [],
      now: deps.now ?? (() => new Date()),
    };
    deps.jobs.register<SummarizeSessionPayload>(SUMMARIZE_SESSION_JOB, {
      retries: 2,
      backoffMs: 5_000,
      handler: async ({ sessionId }) => {
        if (!this.deps.llm) return;
        await summarizeSession(this.deps.llm, this.deps.repos, sessionId);
      },
    });
  }

  get llmConfigured(): boolean {
    return this.deps.llm !== undefined;
  }

  get botName(): string {
    return this.deps.persona.botName;
  }

  /**
   * Handles one message and streams the reply. Turns of one conversation run one after another.
   * The generator always ends with a `done` or an `error` event.
   */
  async *handle(message: InboundMessage, options: TurnOptions = {}): AsyncGenerator<ReplyEvent> {
    const release = await this.lock.acquire(message.conversationId);
    let finished!: () => void;
    const tracker = new Promise<void>((resolve) => {
      finished = resolve;
    });
    this.inFlight.add(tracker);
    try {
      yield* runTurn(this.deps, message, options.signal, options.onToolProgress);
    } catch (error) {
      this.deps.logger.error({ err: error, conversationId: message.conversationId }, 'turn crashed');
      yield {
        type: 'error',
        code: 'internal',
        message: 'Sorry, something went wrong on my side. It has been logged.',
      };
    } finally {
      release();
      finished();
      this.inFlight.delete(tracker);
    }
  }

  /**
   * Starts a fresh session for a conversation (`/new`); the previous one is summarised in the background and, when
   * `actor` is given, observers hear that it ended (memory finalises the conversation for that person).
   */
  async startNewSession(
    conversationId: string,
    title: string,
    actor?: Pick<EndedSession, 'userId' | 'displayName' | 'environment'>,
  ): Promise<{ sessionId: string }> {
    const release = await this.lock.acquire(conversationId);
    try {
      const { session, endedSession } = await this.deps.sessions.startNew(
        conversationId,
        title,
        this.deps.now(),
      );
      if (endedSession) {
        this.deps.jobs.enqueue<SummarizeSessionPayload>(
          SUMMARIZE_SESSION_JOB,
          { sessionId: endedSession.id },
          { key: endedSession.id },
        );
        if (actor) {
          const ended = { sessionId: endedSession.id, conversationId, ...actor };
          notifyObservers(this.deps, this.deps.logger, (o) => o.onSessionEnded?.(ended));
        }
      }
      return { sessionId: session.id };
    } finally {
      release();
    }
  }

  /** Messages of the conversation's current session, oldest first (for a page reload). */
  async history(conversationId: string, limit = 50): Promise<MessageRow[]> {
    const session = await this.deps.repos.sessions.findLatest(conversationId);
    return session ? this.deps.repos.messages.recent(session.id, limit) : [];
  }

  /** Waits for replies in progress (graceful shutdown); resolves after `timeoutMs` at the latest. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.inFlight),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
