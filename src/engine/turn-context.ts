/** Gathers what the prompt needs for one turn: memory, the previous session, timing cues, tools. */
import type { Logger } from 'pino';
import type { MessageRow, SessionRow } from '../db/index.js';
import type { InboundMessage } from '../domain/index.js';
import type { ChatMessage } from '../llm/index.js';
import { detectDeparture } from './departure.js';
import type { TurnDeps } from './deps.js';
import { buildPrompt } from './prompt.js';
import type { MemoryRetrieval, ToolScope } from './types.js';

export interface TurnContext {
  projectId: string;
  scope: ToolScope;
  prompt: ChatMessage[];
}

export async function gatherContext(
  deps: TurnDeps,
  input: {
    message: InboundMessage;
    session: SessionRow;
    history: readonly MessageRow[];
    userContent: string;
    now: Date;
    log: Logger;
    signal?: AbortSignal;
  },
): Promise<TurnContext> {
  const { message, session, history, userContent, now } = input;
  const projectId = await deps.sessions.projectFor(message.userId);
  const [memory, previous] = await Promise.all([
    retrieveMemory(deps, input, projectId),
    deps.sessions.previousContext(session, history.length),
  ]);
  const scope: ToolScope = {
    userId: message.userId,
    conversationId: message.conversationId,
    sessionId: session.id,
    platform: message.platform,
    channelId: message.environment.channelId,
    guildId: message.environment.guildId,
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
    lastAssistantAt: history.findLast((m) => m.role === 'assistant')?.createdAt,
    departure: departureIn(history),
    environment: message.environment,
    user: { displayName: message.displayName, userName: message.userName, userId: message.userId },
    memoryCounts: memory.counts,
    channelSummary: message.channelSummary,
    memorySections: memory.sections,
    sessionSummary: session.sessionSummary,
    previousSession: previous,
    history,
    recentContext: message.recentContext,
    currentText: userContent,
    images: message.images,
  });
  return { projectId, scope, prompt };
}

/** Memory is best-effort: a failing store never stops the reply. */
async function retrieveMemory(
  deps: TurnDeps,
  input: {
    message: InboundMessage;
    session: SessionRow;
    userContent: string;
    log: Logger;
    signal?: AbortSignal;
  },
  projectId: string,
): Promise<MemoryRetrieval> {
  try {
    return await deps.memory.retrieve({
      userId: input.message.userId,
      projectId,
      sessionId: input.session.id,
      query: input.userContent,
      participants: input.message.participants ?? [],
      environment: input.message.environment,
      signal: input.signal,
    });
  } catch (error) {
    input.log.warn({ err: error }, 'memory retrieval failed; answering without memories');
    return { sections: [] };
  }
}

/** "brb, shower": what the person said they were going to do in their last stored message. */
function departureIn(history: readonly MessageRow[]): string | undefined {
  const lastUser = history.findLast((m) => m.role === 'user');
  return lastUser ? detectDeparture(lastUser.content) : undefined;
}
