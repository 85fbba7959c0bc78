/**
 * An exec's outcome as the backend contract's ExecResult (spec §6.2 wording): Python keeps stdout as output and
 * stderr as the error; shell commands combine both (`[stderr]` section) and report "Exit code: N".
 */
import { type ExecOutcome, seconds } from './docker-exec.js';
import type { ExecResult } from './types.js';

/** `combine`: shell-style (stderr joined to the output); otherwise stderr is the error of a failed run. */
export function execResult(outcome: ExecOutcome, timeoutMs: number, combine: boolean): ExecResult {
  const { stdout, stderr, exitCode } = outcome;
  const base = {
    durationMs: outcome.durationMs,
    ...(outcome.truncated ? { truncated: true } : {}),
    ...(exitCode !== null ? { exitCode } : {}),
  };
  const withStderr = stderr
    ? `${stdout}${stdout && !stdout.endsWith('\n') ? '\n' : ''}[stderr]\n${stderr}`
    : stdout;
  if (outcome.timedOut) {
    return {
      ok: false,
      output: withStderr,
      error: `Timed out after ${seconds(timeoutMs)} s: the run was stopped.`,
      timedOut: true,
      ...base,
    };
  }
  if (outcome.stopped === 'flood') {
    return {
      ok: false,
      output: withStderr,
      error:
        'The output was too large: the run was stopped. Print less, or write results to a file and read part of it.',
      ...base,
      truncated: true,
    };
  }
  if (outcome.stopped === 'cancelled')
    return { ok: false, output: withStderr, error: 'The run was cancelled.', ...base };
  if (outcome.stopped === 'lost' || exitCode === null) {
    return {
      ok: false,
      output: withStderr,
      error:
        'The sandbox stopped during the run (its container went away). Files in /workspace are kept; try again.',
      ...base,
    };
  }
  if (exitCode !== 0) {
    return combine
      ? { ok: false, output: withStderr, error: `Exit code: ${exitCode}`, ...base }
      : { ok: false, output: stdout, error: stderr || `Exit code: ${exitCode}`, ...base };
  }
  return { ok: true, output: withStderr || '(no output)', ...base };
}
