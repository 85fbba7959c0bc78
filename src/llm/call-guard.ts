/**
 * One provider call's cancellation and watchdog: links the caller's signal to the SDK request, aborts when
 * nothing arrives within `timeoutMs` (headers or the next chunk), and maps every failure to an `LlmError`.
 */
import { type CallContext, toLlmError } from './errors.js';
import type { StreamEvent } from './types.js';

export class CallGuard {
  readonly controller = new AbortController();
  timedOut = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onOuterAbort = (): void => this.controller.abort();

  constructor(
    readonly timeoutMs: number,
    private readonly outer: AbortSignal | undefined,
  ) {
    if (outer?.aborted) this.controller.abort();
    else outer?.addEventListener('abort', this.onOuterAbort, { once: true });
    this.arm();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.outer?.aborted ?? false;
  }

  /** (Re)starts the watchdog: call whenever the server shows a sign of life. */
  arm(): void {
    this.pause();
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, this.timeoutMs);
  }

  /** Stops the watchdog while the consumer (not the server) holds up the stream. */
  pause(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.pause();
    this.outer?.removeEventListener('abort', this.onOuterAbort);
    // Releases the connection if the consumer stopped early; a no-op for a finished request.
    this.controller.abort();
  }
}

/**
 * Runs `body` under a guard and yields its events. Any failure (including a stream that ended quietly because
 * it was aborted) surfaces as an `LlmError` classified with the guard's state.
 */
export async function* guardedStream(
  context: Omit<CallContext, 'timedOut' | 'aborted' | 'timeoutMs'>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  body: (guard: CallGuard) => AsyncGenerator<StreamEvent>,
): AsyncGenerator<StreamEvent> {
  const guard = new CallGuard(timeoutMs, signal);
  const classify = (error: unknown) =>
    toLlmError(error, { ...context, timeoutMs, timedOut: guard.timedOut, aborted: guard.aborted });
  try {
    for await (const event of body(guard)) {
      if (guard.signal.aborted) throw classify(new Error('request aborted'));
      guard.pause();
      yield event;
      guard.arm();
    }
    if (guard.signal.aborted) throw classify(new Error('request aborted'));
  } catch (error) {
    throw classify(error);
  } finally {
    guard.dispose();
  }
}
