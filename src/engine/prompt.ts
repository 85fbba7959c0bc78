/**
 * Prompt assembly in the order of spec §1.9.5: tool instructions → persona → context (static part first, for prompt
 * caching) → channel summary → memory block → stored history → recent platform context → the current message.
 * Unlike the original, platform context already present in the stored history is not injected twice.
 */
import type { ContextMessage, ConversationEnvironment, ImageInput } from '../domain/index.js';
import type { ChatMessage, ContentPart } from '../llm/index.js';
import type { TimeFormatter } from './time-format.js';
import { timeAgo } from './time-format.js';
import type { MemorySection } from './types.js';

export interface HistoryMessage {
  role: 'user' | 'assistant';
  content: string;
  createdAt: Date;
  platformMessageId?: string | null;
}

export interface PreviousSessionContext {
  summary: string | null;
  /** The last messages of the previous session, when the current one is still young. */
  snapshot: Array<{ role: 'user' | 'assistant'; content: string }>;
}

export interface PromptInput {
  persona: string;
  botName: string;
  toolInstructions: string;
  platformGuidelines?: string;
  time: TimeFormatter;
  now: Date;
  sentAt: Date;
  lastAssistantAt?: Date;
  departure?: string;
  environment: ConversationEnvironment;
  user: { displayName: string; userName: string; userId: string };
  memoryCounts?: { user: number; project: number };
  channelSummary?: string;
  memorySections: readonly MemorySection[];
  sessionSummary?: string | null;
  previousSession?: PreviousSessionContext;
  history: readonly HistoryMessage[];
  recentContext?: readonly ContextMessage[];
  currentText: string;
  images?: readonly ImageInput[];
}

const MEMORY_NOTE =
  'You have persistent memory of the people you talk with. Use what you remember naturally, without announcing ' +
  'that you are looking anything up.';

function environmentLine(env: ConversationEnvironment, displayName: string): string {
  switch (env.kind) {
    case 'dm':
      return `Environment: private DM with ${displayName}`;
    case 'channel':
      return `Environment: ${env.guildName ?? 'a'} server, #${env.channelName ?? 'channel'} (shared channel)`;
    case 'terminal':
      return `Environment: a terminal chat with ${displayName}`;
    case 'web':
      return `Environment: the web chat page, talking with ${displayName}`;
  }
}

export function buildContextBlock(input: PromptInput): string {
  const staticPart = [input.platformGuidelines?.trim(), MEMORY_NOTE].filter(Boolean).join('\n\n');
  const lines = [
    `Current time: ${input.time.full(input.now)}`,
    `Message sent at: ${input.time.clockWithZone(input.sentAt)}`,
  ];
  const ago = input.lastAssistantAt ? timeAgo(input.lastAssistantAt, input.now) : undefined;
  if (ago) lines.push(`Your last response: ${ago}`);
  if (input.departure) lines.push(`Earlier the user said they were going to: ${input.departure}`);
  lines.push(environmentLine(input.environment, input.user.displayName));
  lines.push(`Speaking with: ${input.user.displayName} (@${input.user.userName}, ${input.user.userId})`);
  if (input.memoryCounts) {
    lines.push(`Memories: ${input.memoryCounts.user} user, ${input.memoryCounts.project} project`);
  }
  if (input.environment.kind === 'channel') {
    lines.push(
      'Messages prefixed with [Name] come from different people in this channel; address people by name.',
    );
  }
  return `${staticPart}\n\n${lines.join('\n')}`;
}

export function buildMemoryBlock(input: PromptInput): string | undefined {
  const sections: MemorySection[] = [...input.memorySections];
  if (input.sessionSummary) {
    sections.push({ title: 'THREAD SUMMARY', lines: [input.sessionSummary], bullets: false });
  }
  const previous = input.previousSession;
  if (previous?.summary) {
    sections.push({ title: 'PREVIOUS CONVERSATION SUMMARY', lines: [previous.summary], bullets: false });
  }
  if (previous && previous.snapshot.length > 0) {
    sections.push({
      title: 'END OF PREVIOUS CONVERSATION',
      lines: previous.snapshot.map((m) => `${m.role === 'user' ? 'User' : input.botName}: ${m.content}`),
      bullets: false,
    });
  }
  const rendered = sections
    .filter((s) => s.lines.length > 0)
    .map((s) => `${s.title}\n${s.lines.map((l) => (s.bullets === false ? l : `- ${l}`)).join('\n')}`);
  return rendered.length > 0 ? rendered.join('\n\n') : undefined;
}

function normalise(text: string): string {
  return text.replace(/^\[[^\]]*\]:\s*/, '').trim();
}

/** Platform context minus what the stored history already holds (same platform id or same text). */
export function withoutStoredDuplicates(
  recent: readonly ContextMessage[],
  history: readonly HistoryMessage[],
): ContextMessage[] {
  const ids = new Set(history.map((m) => m.platformMessageId).filter((id): id is string => Boolean(id)));
  const texts = new Set(history.map((m) => normalise(m.content)));
  return recent.filter(
    (m) => !(m.platformMessageId && ids.has(m.platformMessageId)) && !texts.has(normalise(m.content)),
  );
}

function currentUserMessage(text: string, images: readonly ImageInput[] | undefined): ChatMessage {
  if (!images || images.length === 0) return { role: 'user', content: text };
  const parts: ContentPart[] = [];
  if (text) parts.push({ type: 'text', text });
  for (const image of images) parts.push({ type: 'image', mediaType: image.mediaType, base64: image.base64 });
  return { role: 'user', content: parts };
}

export function buildPrompt(input: PromptInput): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (input.toolInstructions) messages.push({ role: 'system', content: input.toolInstructions });
  messages.push({ role: 'system', content: input.persona });
  messages.push({ role: 'system', content: buildContextBlock(input) });
  if (input.environment.kind === 'channel' && input.channelSummary?.trim()) {
    messages.push({
      role: 'system',
      content: `Earlier channel context (summarized):\n${input.channelSummary.trim()}`,
    });
  }
  const memory = buildMemoryBlock(input);
  if (memory) messages.push({ role: 'system', content: memory });
  for (const m of input.history) {
    messages.push(
      m.role === 'user'
        ? { role: 'user', content: `[${input.time.clock(m.createdAt)}] ${m.content}` }
        : { role: 'assistant', content: m.content },
    );
  }
  for (const m of withoutStoredDuplicates(input.recentContext ?? [], input.history)) {
    messages.push(
      m.role === 'user'
        ? { role: 'user', content: m.authorName ? `[${m.authorName}]: ${m.content}` : m.content }
        : { role: 'assistant', content: m.content },
    );
  }
  messages.push(currentUserMessage(input.currentText, input.images));
  return messages;
}
