/**
 * Mirrors log records to the Discord log channel (`DISCORD_LOG_CHANNEL_ID`, spec §1.19), batched and rate
 * limited: pending lines are joined into as few messages as possible (each ≤ 2,000 characters) and at most one
 * message goes out per `intervalMs` (default 1.2 s, so ≤ 5 per 6 s, under Discord's 5 per 5 s per channel).
 * Embeds (the memory events of spec §1.17) share the queue and the pacing, up to 10 per message.
 *
 * It never imports discord.js: the caller gives it `send(content)`. It cannot feed itself: records from its own
 * logger are skipped and a failed send is only logged at debug level through that logger. Records come from
 * `ClaraLogger.subscribe`, which hands them over already scrubbed of secrets.
 */
import { type LogRecord, pinoLevelNumber, toPinoLevel } from '../../observability/index.js';
import type { BotEvent, BotEventListener } from './events.js';

export const DISCORD_MESSAGE_LIMIT = 2000;
export const DEFAULT_MIRROR_INTERVAL_MS = 1200;
export const DEFAULT_MIRROR_CAPACITY = 500;
export const LOG_MIRROR_LOGGER_NAME = 'discord-log-mirror';
/** Discord: at most 10 embeds and 6,000 embed characters per message. */
const EMBEDS_PER_MESSAGE = 10;
const EMBED_CHARS_PER_MESSAGE = 6000;

/** An embed as Discord's API takes it (plain JSON). */
export interface MirrorEmbed {
  title: string;
  description?: string;
  color?: number;
  fields?: Array<{ name: string; value: string; inline?: boolean }>;
  footer?: { text: string };
}

type Item = string | { embed: MirrorEmbed };

export type LifecycleEvent =
  | { kind: 'started'; version: string; user: string }
  | { kind: 'reconnected' }
  | { kind: 'resumed'; latencyMs?: number }
  | { kind: 'disconnected'; reason?: string }
  | { kind: 'shutting-down' };

export interface LogMirrorStats {
  queued: number;
  /** Messages sent to the channel. */
  sent: number;
  /** Lines dropped because the queue was full (or left over when closing). */
  dropped: number;
  /** Messages whose send failed. */
  failed: number;
}

export interface LogMirrorOptions {
  /** Posts one message to the log channel (e.g. `channel.send({ content, allowedMentions: { parse: [] } })`). */
  send: (content: string) => Promise<void>;
  /** Posts one message of embeds; without it `embed()` does nothing. */
  sendEmbeds?: (embeds: MirrorEmbed[]) => Promise<void>;
  /** Lowest level mirrored (LOG_LEVEL): debug, info, warning, error, critical (or pino names). */
  level: string;
  /** Where the mirror reports its own send failures, at debug level; should be named `name`. */
  logger?: { debug: (fields: Record<string, unknown>, message: string) => void };
  /** Logger name whose records are never mirrored (default `discord-log-mirror`). */
  name?: string;
  intervalMs?: number;
  /** Lines kept while waiting (default 500). */
  capacity?: number;
  /** Time zone of the `HH:MM:SS` stamps (default: the process's). */
  timeZone?: string;
  /** Name in the lifecycle lines (default Clara). */
  botName?: string;
  /**
   * Hold lines (up to `capacity`) until `start()`, e.g. until the bot is logged in and the channel can be
   * reached, so start-up lines are not lost. `mirrorBotEvents` calls `start()` on the first ready.
   */
  startPaused?: boolean;
}

export class LogMirror {
  private readonly send: (content: string) => Promise<void>;
  private readonly sendEmbeds: ((embeds: MirrorEmbed[]) => Promise<void>) | undefined;
  private readonly threshold: number;
  private readonly name: string;
  private readonly intervalMs: number;
  private readonly capacity: number;
  private readonly botName: string;
  private readonly formatTime: (time: Date) => string;
  private readonly queue: Item[] = [];
  private droppedPending = 0;
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> | null = null;
  private lastSendAt = Number.NEGATIVE_INFINITY;
  private flushing = false;
  private paused: boolean;
  private closed = false;
  private readonly counts = { sent: 0, dropped: 0, failed: 0 };

  constructor(private readonly options: LogMirrorOptions) {
    this.send = options.send;
    this.sendEmbeds = options.sendEmbeds;
    this.threshold = pinoLevelNumber(toPinoLevel(options.level));
    this.name = options.name ?? LOG_MIRROR_LOGGER_NAME;
    this.intervalMs = Math.max(0, options.intervalMs ?? DEFAULT_MIRROR_INTERVAL_MS);
    this.capacity = Math.max(1, options.capacity ?? DEFAULT_MIRROR_CAPACITY);
    this.botName = options.botName ?? 'Clara';
    this.formatTime = clockFormatter(options.timeZone);
    this.paused = options.startPaused ?? false;
  }

  /** Starts sending (after `startPaused`); calling it again does nothing. */
  start(): void {
    this.paused = false;
    this.schedule();
  }

  /** The log listener: pass it to `ClaraLogger.subscribe`. */
  readonly handle = (record: LogRecord): void => {
    if (this.closed || record.name === this.name) return;
    if (pinoLevelNumber(record.level) < this.threshold) return;
    this.enqueue(formatLogRecord(record, this.formatTime));
  };

  /** Queues a bold lifecycle line (🟢 started, 🔄 reconnected/resumed, 🟡 disconnected, 🔴 shutting down). */
  lifecycle(event: LifecycleEvent): void {
    if (this.closed) return;
    // Lifecycle lines are few and matter most: they are queued even when log lines are being dropped.
    this.queue.push(lifecycleLine(event, this.botName));
    this.schedule();
  }

  /** Queues an embed (memory events), mirrored like an info line: not when LOG_LEVEL is above info. */
  embed(embed: MirrorEmbed): void {
    if (this.closed || !this.sendEmbeds || pinoLevelNumber('info') < this.threshold) return;
    this.enqueue({ embed });
  }

  /**
   * Sends what is pending, still one message per interval, until the queue is empty or `timeoutMs` (default
   * 10 s) would be exceeded; lines left over stay queued.
   */
  async flush(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.paused) return;
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    this.clearTimer();
    this.flushing = true;
    try {
      for (;;) {
        if (this.sending && !(await settlesBefore(this.sending, deadline))) break;
        if (this.queue.length === 0 && this.droppedPending === 0) break;
        const wait = Math.max(0, this.lastSendAt + this.intervalMs - Date.now());
        if (Date.now() + wait > deadline) break;
        if (wait > 0) await sleep(wait);
        if (!(await settlesBefore(this.sendNext(), deadline))) break;
      }
    } finally {
      this.flushing = false;
      this.schedule();
    }
  }

  /** Stops accepting lines, flushes, and drops (counts) whatever could not be sent in time. */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush(options);
    this.clearTimer();
    this.counts.dropped += this.queue.length + this.droppedPending;
    this.queue.length = 0;
    this.droppedPending = 0;
  }

  stats(): LogMirrorStats {
    return { queued: this.queue.length, ...this.counts };
  }

  private enqueue(item: Item): void {
    if (this.queue.length >= this.capacity) {
      this.droppedPending += 1;
      this.counts.dropped += 1;
      return;
    }
    this.queue.push(item);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.sending || this.flushing || this.paused || this.queue.length === 0) return;
    const wait = Math.max(0, this.lastSendAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.sendNext();
    }, wait);
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async sendNext(): Promise<void> {
    if (this.sending || this.queue.length === 0) return;
    const batch = this.takeBatch();
    this.lastSendAt = Date.now();
    this.sending = this.deliver(batch);
    await this.sending;
    this.sending = null;
    this.schedule();
  }

  private async deliver(batch: string | MirrorEmbed[]): Promise<void> {
    try {
      if (typeof batch === 'string') await this.send(batch);
      else await this.sendEmbeds?.(batch);
      this.counts.sent += 1;
    } catch (error) {
      this.counts.failed += 1;
      // Only to the normal log outputs: the record carries this mirror's name, so it is not mirrored back.
      this.options.logger?.debug(
        typeof batch === 'string'
          ? { err: error, characters: batch.length }
          : { err: error, embeds: batch.length },
        'Could not post log lines to the Discord log channel; they were dropped.',
      );
    }
  }

  /** Joins queued lines into one message of at most 2,000 characters, or takes the embeds at the head. */
  private takeBatch(): string | MirrorEmbed[] {
    const head = this.queue.shift() ?? '';
    const batch = typeof head === 'string' ? this.joinLines(head) : this.joinEmbeds(head.embed);
    if (this.droppedPending > 0) {
      // Room was just made: the notice goes where the lost lines would have been.
      const n = this.droppedPending;
      this.droppedPending = 0;
      this.queue.push(`_… ${n} log line${n === 1 ? '' : 's'} dropped (the log channel could not keep up)_`);
    }
    return batch;
  }

  private joinEmbeds(first: MirrorEmbed): MirrorEmbed[] {
    const embeds = [first];
    let chars = embedChars(first);
    for (let next = this.queue[0]; typeof next === 'object'; next = this.queue[0]) {
      if (embeds.length >= EMBEDS_PER_MESSAGE || chars + embedChars(next.embed) > EMBED_CHARS_PER_MESSAGE)
        break;
      embeds.push(next.embed);
      chars += embedChars(next.embed);
      this.queue.shift();
    }
    return embeds;
  }

  private joinLines(first: string): string {
    let content = first;
    for (let next = this.queue[0]; typeof next === 'string'; next = this.queue[0]) {
      if (content.length + 1 + next.length > DISCORD_MESSAGE_LIMIT) break;
      content += `\n${next}`;
      this.queue.shift();
    }
    return content;
  }
}

function embedChars(embed: MirrorEmbed): number {
  return (
    embed.title.length +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0)
  );
}
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether `promise` settles before `deadline` (epoch ms); a send that hangs must not hold up shutdown. */
async function settlesBefore(promise: Promise<void>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([promise.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** `HH:MM:SS` in the given time zone. */
function clockFormatter(timeZone: string | undefined): (time: Date) => string {
  const format = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    ...(timeZone ? { timeZone } : {}),
  });
  return (time) => format.format(time);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Keeps a log line from pinging anyone and from closing its code block early. */
function defuse(text: string): string {
  return text.replace(/@(everyone|here)/g, '@\u200b$1').replace(/```/g, '`\u200b``');
}

function cut(text: string, max: number): string {
  if (max <= 1) return '…';
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * One record as a channel line (spec §1.19): errors ❌ (critical 🔴) with a `diff` block, warnings ⚠️ with a
 * `fix` block, others `` `HH:MM:SS` **[tag]** message ``. Never longer than 2,000 characters.
 */
export function formatLogRecord(
  record: LogRecord,
  formatTime: (time: Date) => string = clockFormatter(undefined),
): string {
  const tag = (record.name ?? 'clara').replace(/[*`_~|\\]/g, '');
  const stamp = `\`${formatTime(record.time)}\` **[${tag}]**`;
  const text = defuse(stripAnsi(record.err ? `${record.msg}\n${record.err}` : record.msg).trim());
  const level = pinoLevelNumber(record.level);
  if (level >= pinoLevelNumber('error')) {
    const head = `${level >= pinoLevelNumber('fatal') ? '🔴' : '❌'} ${stamp}\n\`\`\`diff\n`;
    const tail = '\n```';
    const body = text
      .split('\n')
      .map((line) => `- ${line}`)
      .join('\n');
    return head + cut(body, DISCORD_MESSAGE_LIMIT - head.length - tail.length) + tail;
  }
  if (level >= pinoLevelNumber('warn')) {
    const head = `⚠️ ${stamp}\n\`\`\`fix\n`;
    const tail = '\n```';
    return head + cut(text, DISCORD_MESSAGE_LIMIT - head.length - tail.length) + tail;
  }
  const head = `${stamp} `;
  return head + cut(text, DISCORD_MESSAGE_LIMIT - head.length);
}

/**
 * Posts the lifecycle lines for the bot's events (`DiscordBotDeps.onEvent`): 🟢 on the first ready, 🔄 on a
 * reconnect or resume, 🟡 on a disconnect; the first ready also `start()`s a mirror built with `startPaused`. Call `mirror.lifecycle({ kind: 'shutting-down' })` yourself on shutdown.
 */
export function mirrorBotEvents(mirror: LogMirror, options: { version: string }): BotEventListener {
  return (event: BotEvent) => {
    if (event.type === 'ready') {
      mirror.lifecycle({ kind: 'started', version: options.version, user: event.botUser.tag });
      mirror.start();
    } else if (event.type === 'connection') {
      if (event.state === 'connected') mirror.lifecycle({ kind: 'reconnected' });
      else if (event.state === 'resumed') mirror.lifecycle({ kind: 'resumed', latencyMs: event.latencyMs });
      else if (event.state === 'disconnected') mirror.lifecycle({ kind: 'disconnected' });
    }
  };
}

export function lifecycleLine(event: LifecycleEvent, botName = 'Clara'): string {
  switch (event.kind) {
    case 'started':
      return `🟢 **${botName} v${event.version} started – logged in as ${defuse(event.user)}**`;
    case 'reconnected':
      return `🔄 **${botName} reconnected**`;
    case 'resumed':
      return `🔄 **${botName} resumed**${event.latencyMs !== undefined && event.latencyMs >= 0 ? ` (${Math.round(event.latencyMs)} ms)` : ''}`;
    case 'disconnected':
      return `🟡 **${botName} disconnected**${event.reason ? ` – ${defuse(event.reason)}` : ''}`;
    case 'shutting-down':
      return `🔴 **${botName} shutting down**`;
  }
}
