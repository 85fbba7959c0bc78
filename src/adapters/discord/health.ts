/**
 * Connection health (spec §1.20): every minute read the gateway latency; three checks in a row above 500 ms
 * log a warning and a monitor `system` entry (each minute while it lasts), the recovery is logged once, and a
 * client that is not ready gets a warning. `start()` is idempotent, so a reconnect never starts a second loop
 * (the original started one per `ready`).
 */
import type { DiscordMonitor } from './monitor.js';

export interface HealthLogger {
  info: (fields: Record<string, unknown>, message: string) => void;
  warn: (fields: Record<string, unknown>, message: string) => void;
}

export interface ConnectionHealthOptions {
  /** Gateway latency in ms (discord.js `client.ws.ping`); null or negative = not measured yet. */
  readLatency: () => number | null;
  /** Whether the client is connected and ready (discord.js `client.isReady()`). */
  isReady: () => boolean;
  logger: HealthLogger;
  /** Gets the latency and the `system` entries. */
  monitor?: DiscordMonitor;
  /** Default 60 s. */
  intervalMs?: number;
  /** Default 500 ms. */
  thresholdMs?: number;
  /** High readings in a row before warning (default 3). */
  consecutive?: number;
}

export interface HealthState {
  running: boolean;
  /** Consecutive checks above the threshold. */
  highStreak: number;
  lastLatencyMs: number | null;
  ready: boolean;
}

export class ConnectionHealth {
  private readonly intervalMs: number;
  private readonly thresholdMs: number;
  private readonly consecutive: number;
  private timer: NodeJS.Timeout | null = null;
  private highStreak = 0;
  private lastLatencyMs: number | null = null;
  private ready = true;

  constructor(private readonly options: ConnectionHealthOptions) {
    this.intervalMs = options.intervalMs ?? 60_000;
    this.thresholdMs = options.thresholdMs ?? 500;
    this.consecutive = Math.max(1, options.consecutive ?? 3);
  }

  /** Starts the periodic check; calling it again while running does nothing. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.check(), this.intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  state(): HealthState {
    return {
      running: this.running,
      highStreak: this.highStreak,
      lastLatencyMs: this.lastLatencyMs,
      ready: this.ready,
    };
  }

  /** One check (the timer calls this; exposed for the bot's `ready` handler and tests). */
  check(): void {
    const { logger, monitor } = this.options;
    if (!this.options.isReady()) {
      this.ready = false;
      logger.warn({}, 'Discord client is not ready: the gateway connection is down or still connecting.');
      return;
    }
    this.ready = true;
    const raw = this.options.readLatency();
    if (raw === null || !Number.isFinite(raw) || raw < 0) return;
    const latency = Math.round(raw);
    this.lastLatencyMs = latency;
    monitor?.setLatency(latency);

    if (latency > this.thresholdMs) {
      this.highStreak += 1;
      if (this.highStreak >= this.consecutive) {
        const message = `High Discord latency: ${latency} ms (${this.highStreak} ${this.highStreak === 1 ? 'check' : 'checks'} in a row above ${this.thresholdMs} ms).`;
        logger.warn({ latencyMs: latency, highStreak: this.highStreak }, message);
        monitor?.record({ type: 'system', content: message });
      }
      return;
    }
    if (this.highStreak >= this.consecutive) {
      const message = `Discord latency recovered: ${latency} ms.`;
      logger.info({ latencyMs: latency }, message);
      monitor?.record({ type: 'system', content: message });
    }
    this.highStreak = 0;
  }
}
