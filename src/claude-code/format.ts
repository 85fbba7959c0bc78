/** Texts the Claude Code tools give back to the model: a run's result and the status report. */
import type { RunOutcome } from './runner.js';

/** The agent's final text is cut here (the rest of the answer is the summary). */
export const MAX_RESULT_TEXT = 8000;

function cap(text: string): string {
  return text.length > MAX_RESULT_TEXT
    ? `${text.slice(0, MAX_RESULT_TEXT)}\n… (cut: the full answer was ${text.length} characters)`
    : text;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "3 turns · $0.0211 · 5162 in / 22 out tokens · 12.3 s" */
export function runFigures(outcome: RunOutcome, maxTurns: number): string {
  const parts: string[] = [];
  if (outcome.turns !== undefined) parts.push(`${outcome.turns} of at most ${maxTurns} turns`);
  if (outcome.costUsd !== undefined) parts.push(`$${outcome.costUsd.toFixed(4)}`);
  if (outcome.inputTokens !== undefined && outcome.outputTokens !== undefined) {
    parts.push(`${outcome.inputTokens} in / ${outcome.outputTokens} out tokens`);
  }
  parts.push(seconds(outcome.durationMs));
  return parts.join(' · ');
}

function details(outcome: RunOutcome, cwd: string, maxTurns: number): string[] {
  const lines = [`Claude Code (${runFigures(outcome, maxTurns)}) in ${cwd}`];
  if (outcome.filesChanged.length > 0) lines.push(`Files changed: ${outcome.filesChanged.join(', ')}`);
  if (outcome.toolsUsed) lines.push(`Tools used: ${outcome.toolsUsed}`);
  if (outcome.denied.length > 0) lines.push(`Refused (not allowed here): ${outcome.denied.join(', ')}`);
  return lines;
}

/** The tool result of one run; failures start with `Error:` so the registry records them as such. */
export function formatOutcome(outcome: RunOutcome, cwd: string, maxTurns: number): string {
  const info = details(outcome, cwd, maxTurns).join('\n');
  const said = outcome.text.trim() ? `\n\nWhat it said last:\n${cap(outcome.text.trim())}` : '';
  switch (outcome.status) {
    case 'success':
      return `${cap(outcome.text.trim()) || '(Claude Code finished without a final message.)'}\n\n---\n${info}`;
    case 'max_turns':
      return (
        `Claude Code stopped at its turn limit (${maxTurns} turns) before finishing. Call claude_code again ` +
        `to continue, with a larger max_turns, or raise CLAUDE_CODE_MAX_TURNS.\n${info}${said}`
      );
    case 'cancelled':
      return `Error: the Claude Code run was stopped before it finished.\n${info}${said}`;
    case 'error': {
      const why = outcome.errors.filter(Boolean).join('; ') || 'unknown error';
      return `Error: Claude Code failed: ${why}\n${info}${said}`;
    }
  }
}
