/**
 * One turn: inbound message → session → user message stored → context → tier → tool loop (streamed) →
 * assistant message stored → background jobs enqueued. The user's message is stored before any LLM call, and
 * nothing on this path waits for background work.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DuplicateMessageError, type MessageRow } from '../db/index.js';
import type { InboundMessage, ReplyEvent, Tier, TokenUsage } from '../domain/index.js';
import { type Llm, runToolLoop, type ToolLoopEvent } from '../llm/index.js';
import { chooseTier } from './auto-tier.js';
import type { TurnDeps } from './deps.js';
import { describeFailure } from './errors.js';
import { SUMMARIZE_SESSION_JOB, type SummarizeSessionPayload } from './summaries.js';
import { parseTierPrefix } from './tiers.js';
import { gatherContext, type TurnContext } from './turn-context.js';
import type { ReplyAttachment, TurnObserver } from './types.js';
import { TurnUsageLog } from './usage-log.js';

const TOUCH_INTERVAL_MS = 30_000;
const EMPTY_REPLY = "I'm sorry — I couldn't come up with a reply to that. Could you try rephrasing?";

/** What is stored and sent to the model: `[Name]: ` prefix in shared channels, image placeholders appended. */
export function renderUserContent(message: InboundMessage, text: string): string {
  const images = (message.images ?? []).map((image) => `[Image: ${image.name}]`);
  const body = [text, ...images].filter(Boolean).join('\n');
  return message.environment.kind === 'channel' && !message.attributed
    ? `[${message.displayName}]: ${body}`
    : body;
}

function rejection(message: InboundMessage, maxChars: number): ReplyEvent | undefined {
  const hasImages = (message.images?.length ?? 0) > 0;
  if (!message.content.trim() && !hasImages) {
    return {
      type: 'error',
      code: 'input_rejected',
      message: 'Your message was empty, so there is nothing to answer.',
    };
  }
  if (message.content.length > maxChars) {
    return {
      type: 'error',
      code: 'input_rejected',
      message: `Your message is ${message.content.length} characters long; the limit is ${maxChars}. Please shorten it or send it as a file.`,
    };
  }
  return undefined;
}

export { notifyObservers };

export async function* runTurn(
  deps: TurnDeps,
  message: InboundMessage,
  signal?: AbortSignal,
  onToolProgress?: (text: string) => void,
): AsyncGenerator<ReplyEvent> {
  const rejected = rejection(message, deps.settings.maxInputChars);
  if (rejected) {
    yield rejected;
    return;
  }
  const log = deps.logger.child({ userId: message.userId, conversationId: message.conversationId });
  const now = deps.now();
  const prefix = parseTierPrefix(message.content);
  const userContent = renderUserContent(message, prefix.content);

  const { session, endedSession } = await deps.sessions.resolve(
    message.conversationId,
    message.conversationTitle,
    now,
  );
  if (endedSession) {
    enqueueSummary(deps, endedSession.id);
    notifyObservers(deps, log, (o) =>
      o.onSessionEnded?.({
        sessionId: endedSession.id,
        conversationId: message.conversationId,
        userId: message.userId,
        displayName: message.displayName,
        environment: message.environment,
      }),
    );
  }
  let history = await deps.repos.messages.recent(session.id, deps.settings.contextMessageCount);
  let userRow: MessageRow;
  try {
    userRow = await deps.repos.messages.add({
      sessionId: session.id,
      userId: message.conversationId,
      role: 'user',
      content: userContent,
      createdAt: message.sentAt ?? now,
      platformMessageId: message.platformMessageId ?? null,
    });
  } catch (error) {
    if (!(error instanceof DuplicateMessageError)) throw error;
    // Stored before a crash (or a failed reply) but never answered: answer it now, from the stored row.
    const pending = await unansweredRow(deps, message.platformMessageId);
    if (!pending) {
      yield { type: 'error', code: 'duplicate', message: 'This message was already handled.' };
      return;
    }
    userRow = pending;
    history = history.filter((row) => row.id !== pending.id);
  }
  // Activity only matters at minute precision (idle rotation), so a busy conversation skips most of these writes.
  if (now.getTime() - session.lastActivityAt.getTime() >= TOUCH_INTERVAL_MS)
    await deps.repos.sessions.touch(session.id, now);
  yield {
    type: 'start',
    turnId: randomUUID(),
    sessionId: session.id,
    userMessageId: userRow.id,
    newSession: history.length === 0,
  };

  const llm = deps.llm;
  if (!llm) {
    yield { type: 'error', code: 'not_configured', message: deps.notConfiguredMessage };
    return;
  }

  const usage = new TurnUsageLog({ sessionId: session.id, userId: message.userId });
  let stored = false;
  try {
    const context = await gatherContext(deps, { message, session, history, userContent, now, log, signal });
    const { tier, auto } = await pickTier(
      deps,
      llm,
      message,
      prefix.tier,
      context,
      userContent,
      usage,
      signal,
    );
    const tools = deps.tools.specs(context.scope);
    // Files tools attach (create_file_attachment, send_local_file) are sent after the tool's `tool_end`.
    const attachments: ReplyAttachment[] = [];
    const links: Array<{ label: string; url: string }> = [];
    const scope = {
      ...context.scope,
      attach: (file: ReplyAttachment) => void attachments.push(file),
      link: (link: { label: string; url: string }) => {
        if (/^https?:\/\//i.test(link.url)) links.push({ label: link.label.slice(0, 80), url: link.url });
      },
      ...(onToolProgress ? { progress: onToolProgress } : {}),
    };
    const purpose = tools.length > 0 ? 'tools' : 'chat';
    if (tier) yield { type: 'tier', tier, model: llm.modelFor(tier, purpose), auto };

    let text = '';
    let final: Extract<ToolLoopEvent, { type: 'done' }> | undefined;
    const loop = runToolLoop(llm, {
      messages: context.prompt,
      tools,
      executor: deps.tools.executor(scope),
      tier,
      maxIterations: deps.settings.maxToolIterations,
      maxResultChars: deps.settings.maxToolResultChars,
      signal,
    });
    for await (const event of loop) {
      if (event.type === 'text') text += event.text;
      if (event.type === 'usage') usage.add({ ...event, tier });
      if (event.type === 'done') final = event;
      const reply = toReplyEvent(deps, event);
      if (reply) yield reply;
      if (event.type === 'tool_end') {
        yield* attachmentEvents(attachments);
        for (const link of links.splice(0)) yield { type: 'link', ...link };
      }
    }
    yield* attachmentEvents(attachments);
    // Everything streamed is what the person saw (including text between tool rounds); keep that.
    const reply = text.trim() ? text : final?.text.trim() ? final.text : EMPTY_REPLY;
    const assistantRow = await deps.repos.messages.add({
      sessionId: session.id,
      userId: message.conversationId,
      role: 'assistant',
      content: reply,
      createdAt: deps.now(),
    });
    await usage.save(deps.repos, assistantRow.id);
    const completed = {
      message,
      sessionId: session.id,
      projectId: context.projectId,
      userMessageId: userRow.id,
      assistantMessageId: assistantRow.id,
      userContent,
      assistantContent: reply,
      tier,
    };
    notifyObservers(deps, log, (o) => o.onTurnComplete?.(completed));
    stored = true;
    yield {
      type: 'done',
      text: reply,
      assistantMessageId: assistantRow.id,
      usage: final?.usage ?? ({ inputTokens: 0, outputTokens: 0 } satisfies TokenUsage),
      model: final?.model ?? llm.modelFor(tier, purpose),
      provider: final?.provider ?? llm.primary,
    };
  } catch (error) {
    const failure = describeFailure(error);
    if (failure.code === 'internal') log.error({ err: error, sessionId: session.id }, 'turn failed');
    else log.warn({ err: error, sessionId: session.id, code: failure.code }, 'LLM call failed');
    await usage.save(deps.repos, null).catch(() => {});
    yield { type: 'error', ...failure };
  } finally {
    // Runs after the person has the whole reply (also when the consumer stops reading at `done`).
    if (stored) await scheduleRollingSummary(deps, session.id, log);
  }
}

async function unansweredRow(deps: TurnDeps, platformMessageId: string | undefined) {
  if (!platformMessageId) return undefined;
  const row = await deps.repos.messages.findByPlatformId(platformMessageId);
  if (row?.role !== 'user') return undefined;
  return (await deps.repos.messages.hasLaterMessage(row.sessionId, row.id)) ? undefined : row;
}

/** A `!high` prefix wins, then the adapter's choice, then auto selection (when enabled), then `MODEL_TIER`. */
async function pickTier(
  deps: TurnDeps,
  llm: Llm,
  message: InboundMessage,
  prefixTier: Tier | undefined,
  context: TurnContext,
  userContent: string,
  usage: TurnUsageLog,
  signal: AbortSignal | undefined,
): Promise<{ tier: Tier | undefined; auto: boolean }> {
  const explicit = prefixTier ?? (message.tier === 'auto' ? undefined : message.tier);
  if (explicit) return { tier: explicit, auto: false };
  const wantsAuto = message.tier === 'auto' || (message.tier === undefined && deps.settings.autoTier);
  if (!wantsAuto) return { tier: deps.settings.defaultTier, auto: false };
  const choice = await chooseTier(llm, context.prompt.slice(0, -1), userContent, signal);
  if (choice.call) usage.add({ ...choice.call, purpose: 'auto_tier', tier: 'low' });
  return { tier: choice.tier, auto: true };
}

function toReplyEvent(deps: TurnDeps, event: ToolLoopEvent): ReplyEvent | undefined {
  switch (event.type) {
    case 'text':
      return { type: 'text', text: event.text };
    case 'tool_start': {
      const { emoji, status } = deps.tools.status(event.call.name, event.call.arguments);
      return {
        type: 'tool_start',
        callId: event.call.id,
        name: event.call.name,
        emoji,
        status,
        step: event.step,
      };
    }
    case 'tool_end':
      return {
        type: 'tool_end',
        callId: event.call.id,
        name: event.call.name,
        ok: event.ok,
        durationMs: event.durationMs,
      };
    case 'notice':
      return { type: 'notice', text: event.text };
    default:
      return undefined;
  }
}

function* attachmentEvents(pending: ReplyAttachment[]): Generator<ReplyEvent> {
  for (const file of pending.splice(0)) yield { type: 'attachment', ...file };
}

function notifyObservers(deps: TurnDeps, log: Logger, notify: (observer: TurnObserver) => void): void {
  for (const observer of deps.observers) {
    try {
      notify(observer);
    } catch (error) {
      log.error({ err: error }, 'a turn observer failed');
    }
  }
}

function enqueueSummary(deps: TurnDeps, sessionId: string): void {
  deps.jobs.enqueue<SummarizeSessionPayload>(SUMMARIZE_SESSION_JOB, { sessionId }, { key: sessionId });
}

async function scheduleRollingSummary(deps: TurnDeps, sessionId: string, log: Logger): Promise<void> {
  try {
    // Two rows were added in this turn; a rolling summary is due when the count crosses a multiple of the interval.
    const count = await deps.repos.messages.count(sessionId);
    const interval = deps.settings.summaryInterval;
    if (interval > 0 && Math.floor(count / interval) > Math.floor((count - 2) / interval))
      enqueueSummary(deps, sessionId);
  } catch (error) {
    log.warn({ err: error, sessionId }, 'could not schedule the session summary');
  }
}
