/** Configuration errors: every problem names the variable, what is wrong and how to fix it. */

export interface ConfigProblem {
  /** The environment variable (or option) at fault. */
  readonly variable: string;
  /** What is wrong; contains the received value only when the variable is not secret. */
  readonly problem: string;
  /** How to fix it. */
  readonly fix: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], sources: readonly string[] = []) {
    super(formatProblems(problems, sources));
    this.problems = problems;
  }
}

function formatProblems(problems: readonly ConfigProblem[], sources: readonly string[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = [`Invalid configuration (${count}):`];
  for (const { variable, problem, fix } of problems) {
    lines.push(`  - ${variable}: ${problem}`, `    Fix: ${fix}`);
  }
  if (sources.length > 0) lines.push(`Read from: ${sources.join(', ')}.`);
  return lines.join('\n');
}

/** Renders a received value for an error message (quoted, shortened); secrets are never shown. */
export function describeReceived(value: unknown, secret: boolean): string {
  if (secret) return 'the value (secret, not shown)';
  const text = String(value).trim();
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return `the value ${JSON.stringify(shown)}`;
}
