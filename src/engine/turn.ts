/**
 * One turn: inbound message → session → user message stored → context → tier → tool loop (streamed) →
 * assistant message stored → background jobs enqueued. The user's message is stored before any LLM call, and
 * nothing on this path waits for background work.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DuplicateMessageError, type Repositories, type UsageInput } from '../db/index.js';
import type { InboundMessage, ReplyEvent, Tier, TokenUsage } from '../domain/index.js';
import { runToolLoop } from '../llm/index.js';
import { chooseTier } from './auto-tier.js';
import { detectDeparture } from './departure.js';
import type { TurnDeps } from './deps.js';
import { describeFailure } from './errors.js';
import { buildPrompt, type HistoryMessage } from './prompt.js';
import { SUMMARIZE_SESSION_JOB, type SummarizeSessionPayload } from './summaries.js';
import { parseTierPrefix } from './tiers.js';
import type { MemoryRetrieval } from './types.js';

const EMPTY_REPLY = "I'm sorry — I couldn't come up with a reply to that. Could you try rephrasing?";

/** What is stored and sent to the model: `[Name]: ` prefix in shared channels, image placeholders appended. */
export function renderUserContent(message: InboundMessage, text: string): string {
  const images = (message.images ?? []).map((image) => `[Image: ${image.name}]`);
  const body = [text, ...images].filter(Boolean).join('\n');
  return message.environment.kind === 'channel' ? `[${message.displayName}]: ${body}` : body;
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

export async function* runTurn(
  deps: TurnDeps,
  message: InboundMessage,
  signal?: AbortSignal,
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
  if (endedSession)
    deps.jobs.enqueue<SummarizeSessionPayload>(
      SUMMARIZE_SESSION_JOB,
      { sessionId: endedSession.id },
      { key: endedSession.id },
    );
  const history = await deps.repos.messages.recent(session.id, deps.settings.contextMessageCount);
  let userRow: Awaited<ReturnType<Repositories['messages']['add']>>;
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
    yield { type: 'error', code: 'duplicate', message: 'This message was already handled.' };
    return;
  }
  await deps.repos.sessions.touch(session.id, now);
  const turnId = randomUUID();
  yield {
    type: 'start',
    turnId,
    sessionId: session.id,
    userMessageId: userRow.id,
    newSession: history.length === 0,
  };

  const llm = deps.llm;
  if (!llm) {
    yield { type: 'error', code: 'not_configured', message: deps.notConfiguredMessage };
    return;
  }

  const usage: Array<Omit<UsageInput, 'messageId'>> = [];
  const record = (
    u: TokenUsage,
    model: string,
    provider: string,
    purpose: string,
    tier: Tier | undefined,
    durationMs: number,
  ) =>
    usage.push({
      sessionId: session.id,
      userId: message.userId,
      provider,
      model,
      purpose,
      tier: tier ?? null,
      inputTokens: u.inputTokens,
      outputTokens: u.outputTokens,
      cost: u.cost ?? null,
      durationMs,
    });

  let stored = false;
  try {
    const projectId = await deps.sessions.projectFor(message.userId);
    const [memory, previous, lastAssistant] = await Promise.all([
      retrieveMemory(deps, message, userContent, projectId, session.id, log, signal),
      deps.sessions.previousContext(session, history.length),
      lastAssistantAt(history),
    ]);
    const explicitTier = prefix.tier ?? (message.tier === 'auto' ? undefined : message.tier);
    let tier: Tier | undefined = explicitTier;
    let autoTier = false;
    const historyForPrompt: HistoryMessage[] = history;
    const scope = {
      userId: message.userId,
      conversationId: message.conversationId,
      sessionId: session.id,
      platform: message.platform,
      channelId: message.environment.channelId,
      isAdmin: message.isAdmin ?? false,
    };
    const prompt = buildPrompt({
      persona: deps.persona.text,
      botName: deps.persona.botName,
      toolInstructions: deps.tools.instructions(scope),
      platformGuidelines: message.platformGuidelines,
      time: deps.time,
      now,
      sentAt: message.sentAt ?? now,
      lastAssistantAt: lastAssistant,
      departure: departureFrom(history),
      environment: message.environment,
      user: { displayName: message.displayName, userName: message.userName, userId: message.userId },
      memoryCounts: memory.counts,
      channelSummary: message.channelSummary,
      memorySections: memory.sections,
      sessionSummary: session.sessionSummary,
      previousSession: previous,
      history: historyForPrompt,
      recentContext: message.recentContext,
      currentText: userContent,
      images: message.images,
    });
    if (!tier && (message.tier === 'auto' || (message.tier === undefined && deps.settings.autoTier))) {
      const choice = await chooseTier(llm, prompt.slice(0, -1), userContent, signal);
      if (choice.call) {
        const c = choice.call;
        record(c.usage, c.model, c.provider, 'auto_tier', 'low', c.durationMs);
      }
      tier = choice.tier;
      autoTier = true;
    }
    tier ??= deps.settings.defaultTier;
    const tools = deps.tools.specs(scope);
    const purpose = tools.length > 0 ? 'tools' : 'chat';
    if (tier) yield { type: 'tier', tier, model: llm.modelFor(tier, purpose), auto: autoTier };

    let text = '';
    let final: { model: string; provider: string; usage: TokenUsage } | undefined;
    const started = new Map<string, number>();
    for await (const event of runToolLoop(llm, {
      messages: prompt,
      tools,
      executor: deps.tools.executor(scope),
      tier,
      maxIterations: deps.settings.maxToolIterations,
      maxResultChars: deps.settings.maxToolResultChars,
      signal,
    })) {
      switch (event.type) {
        case 'text':
          text += event.text;
          yield { type: 'text', text: event.text };
          break;
        case 'tool_start': {
          started.set(event.call.id, Date.now());
          const status = deps.tools.status(event.call.name, event.call.arguments);
          yield {
            type: 'tool_start',
            callId: event.call.id,
            name: event.call.name,
            ...status,
            step: event.step,
          };
          break;
        }
        case 'tool_end':
          yield {
            type: 'tool_end',
            callId: event.call.id,
            name: event.call.name,
            ok: event.ok,
            durationMs: event.durationMs,
          };
          break;
        case 'notice':
          yield { type: 'notice', text: event.text };
          break;
        case 'usage':
          record(event.usage, event.model, event.provider, event.purpose, tier, event.durationMs);
          break;
        case 'done':
          // Everything streamed is what the person saw (including text between tool rounds); keep that.
          if (!text.trim()) text = event.text;
          final = { model: event.model, provider: event.provider, usage: event.usage };
          break;
      }
    }
    const reply = text.trim() ? text : EMPTY_REPLY;
    const assistantRow = await deps.repos.messages.add({
      sessionId: session.id,
      userId: message.conversationId,
      role: 'assistant',
      content: reply,
      createdAt: deps.now(),
    });
    for (const u of usage) await deps.repos.usage.record({ ...u, messageId: assistantRow.id });
    for (const observer of deps.observers) {
      observer.onTurnComplete({
        message,
        sessionId: session.id,
        projectId,
        userMessageId: userRow.id,
        assistantMessageId: assistantRow.id,
        userContent,
        assistantContent: reply,
        tier,
      });
    }
    stored = true;
    yield {
      type: 'done',
      text: reply,
      assistantMessageId: assistantRow.id,
      usage: final?.usage ?? { inputTokens: 0, outputTokens: 0 },
      model: final?.model ?? llm.modelFor(tier, purpose),
      provider: final?.provider ?? llm.primary,
    };
  } catch (error) {
    const failure = describeFailure(error);
    if (failure.code === 'internal') log.error({ err: error, sessionId: session.id }, 'turn failed');
    else log.warn({ err: error, sessionId: session.id, code: failure.code }, 'LLM call failed');
    for (const u of usage) await deps.repos.usage.record({ ...u, messageId: null }).catch(() => {});
    yield { type: 'error', ...failure };
  } finally {
    // Runs after the person has the whole reply (also when the consumer stops reading at `done`).
    if (stored) await scheduleSummary(deps, session.id, log);
  }
}

async function retrieveMemory(
  deps: TurnDeps,
  message: InboundMessage,
  query: string,
  projectId: string,
  sessionId: string,
  log: Logger,
  signal: AbortSignal | undefined,
): Promise<MemoryRetrieval> {
  try {
    return await deps.memory.retrieve({
      userId: message.userId,
      projectId,
      sessionId,
      query,
      participants: message.participants ?? [],
      environment: message.environment,
      signal,
    });
  } catch (error) {
    log.warn({ err: error }, 'memory retrieval failed; answering without memories');
    return { sections: [] };
  }
}

function lastAssistantAt(history: readonly HistoryMessage[]): Date | undefined {
  for (let i = history.length - 1; i >= 0; i--)
    if (history[i]?.role === 'assistant') return history[i]?.createdAt;
  return undefined;
}

function departureFrom(history: readonly HistoryMessage[]): string | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const m = history[i];
    if (m?.role === 'user') return detectDeparture(m.content);
  }
  return undefined;
}

async function scheduleSummary(deps: TurnDeps, sessionId: string, log: Logger): Promise<void> {
  try {
    // Two rows were added in this turn; a rolling summary is due when the count crosses a multiple of the interval.
    const count = await deps.repos.messages.count(sessionId);
    const interval = deps.settings.summaryInterval;
    if (interval > 0 && Math.floor(count / interval) > Math.floor((count - 2) / interval)) {
      deps.jobs.enqueue<SummarizeSessionPayload>(SUMMARIZE_SESSION_JOB, { sessionId }, { key: sessionId });
    }
  } catch (error) {
    log.warn({ err: error, sessionId }, 'could not schedule the session summary');
  }
}
