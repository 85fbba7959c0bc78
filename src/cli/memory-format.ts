/** Plain-text rendering of memories for the terminal, and the confirmation question for destructive commands. */
import { createInterface } from 'node:readline/promises';
import type { MemoryHit, MemoryRecord } from '../memory/index.js';
import { CliExit } from './load.js';

const day = (date: Date) => date.toISOString().slice(0, 10);
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

function body(record: MemoryRecord): string {
  const marks = [record.isKey ? '[KEY]' : '', record.validTo ? `[ended ${day(record.validTo)}]` : ''].filter(
    Boolean,
  );
  return [...marks, oneLine(record.text)].join(' ');
}

/** `0.0328  fact     2025-05-01  [KEY] Lives in Munich  (id …)` */
export function hitLine(hit: MemoryHit, kindWidth: number): string {
  const m = hit.memory;
  return `${hit.score.toFixed(4)}  ${m.kind.padEnd(kindWidth)}  ${day(m.createdAt)}  ${body(m)}  (id ${m.id})`;
}

/** `2025-05-01  fact     [KEY] Lives in Munich  (id …)` */
export function recordLine(record: MemoryRecord, kindWidth: number): string {
  return `${day(record.createdAt)}  ${record.kind.padEnd(kindWidth)}  ${body(record)}  (id ${record.id})`;
}

export const kindWidth = (records: readonly MemoryRecord[]) =>
  Math.max(4, ...records.map((r) => r.kind.length));

export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * True when the person agreed (or `--yes` was given). Without a terminal to ask on, refuses with exit code 2 so a
 * script never deletes anything by accident.
 */
export async function confirm(
  question: string,
  options: { yes?: boolean; action: string },
): Promise<boolean> {
  if (options.yes) return true;
  if (!process.stdin.isTTY) {
    throw new CliExit(
      2,
      `Refusing to ${options.action} without confirmation: there is no terminal to ask on. Add --yes to confirm.`,
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    rl.close();
  }
}
