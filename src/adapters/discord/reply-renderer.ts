/**
 * Renders the engine's reply events into Discord messages as they stream (issue 4 point 2): the first text becomes
 * a reply at once, then that message is edited at most once per `editIntervalMs` while tokens arrive; past 2,000
 * characters the text continues in new messages (split by `splitStreaming`, code blocks closed and reopened).
 * Tool runs seal the text so far and show a status line that is edited when the tool ends. Inline `<<<file:…>>>`
 * blocks and tool attachments are uploaded at the end.
 */
import type { Logger } from 'pino';
import type { ReplyEvent } from '../../domain/index.js';
import { describeTier } from '../../engine/index.js';
import { splitStreaming } from './chunking.js';
import { extractInlineFiles } from './inline-files.js';

export interface OutgoingFile {
  name: string;
  data: Uint8Array;
}

export interface SentMessage {
  readonly id: string;
  edit(content: string): Promise<void>;
}

/** Where a reply goes: the discord.js side is built by the bot (`discordOutput`). */
export interface ReplyOutput {
  /** The first message: a reply to the person's message without pinging them. */
  reply(content: string): Promise<SentMessage>;
  /** Follow-up messages in the same channel. */
  send(content: string, options?: { files?: OutgoingFile[]; silent?: boolean }): Promise<SentMessage>;
  typing(): Promise<void>;
  /** A message with a single link button (spec §1.17 "link button from tools"). */
  sendLink(label: string, url: string): Promise<SentMessage>;
}

export interface RendererOptions {
  editIntervalMs: number;
  logger: Logger;
  /** Edit this message first instead of sending a new reply (a reply resumed after a restart). */
  resumeInto?: SentMessage;
  limit?: number;
  now?: () => number;
  /** Show the tier line (`🔴 Using High …`) even when it was not chosen automatically (a `!high` prefix). */
  announceTier?: boolean;
  /** Replaces the "cancelled" line when the reply was aborted for another reason (e.g. shutdown). */
  abortedNote?: () => string | undefined;
}

export interface RenderedReply {
  /** Ids of every message carrying reply text, in order. */
  messageIds: string[];
  /** The reply text as the person sees it (inline files replaced by their 📎 line). */
  text: string;
  edits: number;
  /** Set when the reply ended with an error event. */
  error?: Extract<ReplyEvent, { type: 'error' }>;
  done?: Extract<ReplyEvent, { type: 'done' }>;
  firstVisibleAt?: number;
}

const TYPING_REFRESH_MS = 8_000;
const TYPING_DELAY_MS = 400;
const MAX_FILES_PER_MESSAGE = 10;

interface Segment {
  text: string;
  messages: SentMessage[];
  shown: string[];
}

interface ToolLine {
  message?: SentMessage;
  text: string;
  done?: boolean;
  progress?: string;
  progressAt?: number;
  progressTimer?: NodeJS.Timeout;
}

export class StreamingReply {
  private readonly segments: Segment[] = [{ text: '', messages: [], shown: [] }];
  private readonly tools = new Map<string, ToolLine>();
  private readonly files: OutgoingFile[] = [];
  private readonly limit: number;
  private readonly now: () => number;
  private resumeInto: SentMessage | undefined;
  private hasFirst = false;
  private dirty = false;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private typingTimer: NodeJS.Timeout | undefined;
  private firstTyping: NodeJS.Timeout | undefined;
  private lastRender = 0;
  private lastVisible = 0;
  private closed = false;
  readonly result: RenderedReply = { messageIds: [], text: '', edits: 0 };

  constructor(
    private readonly out: ReplyOutput,
    private readonly options: RendererOptions,
  ) {
    this.limit = options.limit ?? 2000;
    this.now = options.now ?? Date.now;
    this.resumeInto = options.resumeInto;
  }

  /** Consumes the engine's events until the reply ends; never throws for Discord failures (they are logged). */
  async render(events: AsyncIterable<ReplyEvent>): Promise<RenderedReply> {
    this.startTyping();
    try {
      for await (const event of events) await this.onEvent(event);
    } finally {
      this.stopTyping();
    }
    await this.finish();
    return this.result;
  }

  private async onEvent(event: ReplyEvent): Promise<void> {
    switch (event.type) {
      case 'text':
        this.current().text += event.text;
        this.markDirty();
        return;
      case 'tool_start':
        await this.sealSegment();
        await this.toolStarted(event);
        return;
      case 'tool_end':
        await this.toolEnded(event);
        return;
      case 'attachment':
        this.files.push({ name: event.name, data: event.data });
        return;
      case 'notice':
        await this.safe(() => this.out.send(`-# ${event.text}`, { silent: true }));
        return;
      case 'link':
        await this.safe(() => this.out.sendLink(event.label, event.url));
        return;
      case 'tier':
        if (event.auto || this.options.announceTier)
          await this.safe(() =>
            this.out.send(`-# ${describeTier(event.tier, event.model, event.auto)}`, { silent: true }),
          );
        return;
      case 'done':
        this.result.done = event;
        if (!this.segments.some((s) => s.text.trim())) this.current().text = event.text;
        return;
      case 'error':
        this.result.error = event;
        return;
      default:
        return;
    }
  }

  private current(): Segment {
    return this.segments.at(-1) as Segment;
  }

  private markDirty(): void {
    this.dirty = true;
    if (this.timer || this.inFlight || this.closed) return;
    const wait = Math.max(0, this.lastRender + this.options.editIntervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.inFlight = this.flush(false).finally(() => {
        this.inFlight = undefined;
        if (this.dirty) this.markDirty();
      });
    }, wait);
  }

  /** Waits for the render in progress and cancels a scheduled one (the caller renders next). */
  private async settle(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.inFlight) await this.inFlight;
  }

  private async flush(final: boolean): Promise<void> {
    this.dirty = false;
    this.lastRender = this.now();
    await this.renderSegment(this.current(), final);
  }

  private async renderSegment(segment: Segment, final: boolean): Promise<void> {
    const display = extractInlineFiles(segment.text).text;
    const { chunks } = splitStreaming(display, this.limit);
    for (const [index, chunk] of chunks.entries()) {
      if (segment.shown[index] === chunk) continue;
      const existing = segment.messages[index];
      if (existing) {
        const ok = await this.safe(() => existing.edit(chunk));
        if (ok !== undefined) this.result.edits++;
      } else {
        const sent = await this.safe(() => this.sendText(chunk));
        if (!sent) return;
        segment.messages.push(sent);
        this.result.messageIds.push(sent.id);
      }
      segment.shown[index] = chunk;
      this.visible();
    }
    if (final) {
      // Text that shrank (an inline file closed) leaves no stale continuation messages.
      for (const [index, message] of segment.messages.entries()) {
        if (index >= chunks.length && segment.shown[index] !== '…') {
          await this.safe(() => message.edit('…'));
          segment.shown[index] = '…';
        }
      }
    }
  }

  private async sendText(content: string): Promise<SentMessage> {
    if (this.resumeInto) {
      const message = this.resumeInto;
      this.resumeInto = undefined;
      this.hasFirst = true;
      await message.edit(content);
      return message;
    }
    if (!this.hasFirst) {
      this.hasFirst = true;
      return this.out.reply(content);
    }
    return this.out.send(content);
  }

  private visible(): void {
    this.lastVisible = this.now();
    this.result.firstVisibleAt ??= this.lastVisible;
  }

  private async sealSegment(): Promise<void> {
    await this.settle();
    if (this.current().text.trim()) {
      await this.flush(true);
      this.segments.push({ text: '', messages: [], shown: [] });
    }
  }

  private async toolStarted(event: Extract<ReplyEvent, { type: 'tool_start' }>): Promise<void> {
    const step = event.step > 1 ? ` (step ${event.step})` : '';
    const line: ToolLine = { text: `-# ${event.emoji} ${event.status}${step}` };
    this.tools.set(event.callId, line);
    line.message = await this.safe(() => this.out.send(line.text, { silent: true }));
    if (line.message) this.visible();
    void this.safe(() => this.out.typing());
  }

  /** A running tool's progress line: the latest tool status line shows it (edits paced like text). */
  toolProgress(text: string): void {
    const line = [...this.tools.values()].at(-1);
    if (!line?.message || line.done) return;
    line.progress = text.replace(/\s+/g, ' ').slice(0, 120);
    if (line.progressTimer) return;
    const wait = Math.max(0, (line.progressAt ?? 0) + this.options.editIntervalMs - this.now());
    line.progressTimer = setTimeout(() => {
      line.progressTimer = undefined;
      line.progressAt = this.now();
      const message = line.message;
      if (!message || line.done) return;
      void this.safe(() => message.edit(`${line.text}\n-# ↳ ${line.progress}`));
    }, wait);
  }

  private async toolEnded(event: Extract<ReplyEvent, { type: 'tool_end' }>): Promise<void> {
    const line = this.tools.get(event.callId);
    if (!line?.message) return;
    line.done = true;
    clearTimeout(line.progressTimer);
    const seconds = (event.durationMs / 1000).toFixed(1);
    const text = `${line.text} · ${event.ok ? `done in ${seconds} s` : `failed after ${seconds} s`}`;
    const message = line.message;
    await this.safe(() => message.edit(text));
  }

  private async finish(): Promise<void> {
    this.closed = true;
    await this.settle();
    const inline = extractInlineFiles(this.segments.map((s) => s.text).join('\n\n'));
    for (const file of inline.files)
      this.files.push({ name: file.name, data: new TextEncoder().encode(file.content) });
    this.result.text = inline.text;
    const error = this.result.error;
    const last = this.current();
    if (error && error.code !== 'duplicate') {
      const note = (error.code === 'aborted' && this.options.abortedNote?.()) || errorLine(error);
      last.text = last.text.trim() ? `${last.text}\n\n${note}` : note;
    }
    await this.renderSegment(last, true);
    for (let i = 0; i < this.files.length; i += MAX_FILES_PER_MESSAGE) {
      const files = this.files.slice(i, i + MAX_FILES_PER_MESSAGE);
      const names = files.map((f) => `📎 ${f.name}`).join('\n');
      await this.safe(() => this.out.send(`-# ${names.replaceAll('\n', '\n-# ')}`, { files }));
    }
  }

  private startTyping(): void {
    // Streamed text usually shows within a few hundred ms; typing is for replies that think first (and every
    // request saved here counts against Discord's 50 requests/s when many channels are busy).
    this.firstTyping = setTimeout(() => {
      if (this.result.firstVisibleAt === undefined) void this.safe(() => this.out.typing());
    }, TYPING_DELAY_MS);
    this.firstTyping.unref();
    this.typingTimer = setInterval(() => {
      // While text streams, the edits show progress; typing only covers silent stretches (thinking, tools).
      if (this.now() - this.lastVisible >= TYPING_REFRESH_MS / 2) void this.safe(() => this.out.typing());
    }, TYPING_REFRESH_MS);
    this.typingTimer.unref();
  }

  private stopTyping(): void {
    clearTimeout(this.firstTyping);
    clearInterval(this.typingTimer);
  }

  /** Discord failures never break the reply loop: logged with context, the step is skipped. */
  private async safe<T>(action: () => Promise<T>): Promise<T | undefined> {
    try {
      return await action();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'Discord request for a reply failed');
      return undefined;
    }
  }
}

function errorLine(error: Extract<ReplyEvent, { type: 'error' }>): string {
  if (error.code === 'aborted') return `-# 🛑 ${error.message}`;
  return `⚠️ ${error.message}`;
}
