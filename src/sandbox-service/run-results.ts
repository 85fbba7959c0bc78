/** Turning a finished isolated run into the ExecResult the tools show: output, stderr, exit code, why it stopped. */
import type { ExecResult, RunOptions } from '../sandbox/index.js';
import type { RunOutcome } from './process-runner.js';

export function stoppedReason(outcome: RunOutcome, options: RunOptions): string | undefined {
  if (outcome.timedOut)
    return `Execution timed out after ${Math.ceil(options.timeoutMs / 1000)} seconds (the run was stopped).`;
  if (outcome.flooded) return 'The run wrote too much output and was stopped.';
  if (outcome.cancelled) return 'The run was cancelled.';
  return undefined;
}

export function pythonResult(outcome: RunOutcome, options: RunOptions): ExecResult {
  const base = baseResult(outcome);
  const stopped = stoppedReason(outcome, options);
  if (stopped || outcome.exitCode !== 0) {
    return {
      ...base,
      ok: false,
      output: withNote(outcome.stdout, outcome.truncated),
      error: stopped ?? (outcome.stderr.trim() || `Exit code: ${outcome.exitCode}`),
    };
  }
  const output = joinStderr(outcome.stdout, outcome.stderr);
  return { ...base, ok: true, output: withNote(output, outcome.truncated) || '(no output)' };
}

export function shellResult(outcome: RunOutcome, options: RunOptions): ExecResult {
  const base = baseResult(outcome);
  const output = withNote(joinStderr(outcome.stdout, outcome.stderr), outcome.truncated);
  const stopped = stoppedReason(outcome, options);
  if (stopped || outcome.exitCode !== 0) {
    return { ...base, ok: false, output, error: stopped ?? `Exit code: ${outcome.exitCode}` };
  }
  return { ...base, ok: true, output: output || '(no output)' };
}

function baseResult(outcome: RunOutcome): ExecResult {
  const result: ExecResult = { ok: false, output: '', durationMs: outcome.durationMs };
  if (outcome.exitCode !== null && !outcome.timedOut && !outcome.flooded) result.exitCode = outcome.exitCode;
  if (outcome.timedOut) result.timedOut = true;
  if (outcome.truncated) result.truncated = true;
  return result;
}

/** stdout, then stderr marked `[stderr]:` on its own line. */
function joinStderr(stdout: string, stderr: string): string {
  if (!stderr.trim()) return stdout;
  const gap = stdout === '' || stdout.endsWith('\n') ? '' : '\n';
  return `${stdout}${gap}[stderr]: ${stderr}`;
}

function withNote(text: string, truncated: boolean): string {
  return truncated ? `${text}\n… [output truncated]` : text;
}
