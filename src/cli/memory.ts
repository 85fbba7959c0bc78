/** `clara memory …`: search, list, export, forget, clear, re-embed, and bootstrap from a profile. */
import { type Command, InvalidArgumentError } from 'commander';
import type { Config } from '../config/index.js';
import { bootstrapMemories } from './memory-bootstrap.js';
import { exportMemories, listMemories, searchMemories } from './memory-read.js';
import { clearMemories, forgetMemory, reembedMemories } from './memory-write.js';

/** Wraps an action so it gets the loaded config, and failures become messages and exit codes. */
export type WithConfig = <A extends unknown[]>(
  action: (config: Config, ...args: A) => Promise<number>,
) => (...args: A) => Promise<void>;

function limit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number above 0.');
  return n;
}

const USER = ['--user <id>', 'whose memories (default: USER_ID)'] as const;
const PROJECT = ['--project <id>', 'only this project'] as const;
const YES = ['-y, --yes', 'do not ask for confirmation'] as const;

export function registerMemoryCommands(program: Command, withConfig: WithConfig): void {
  const memory = program
    .command('memory')
    .description('long-term memory: search, list, export, forget, clear, re-embed, bootstrap from a profile');

  memory
    .command('search')
    .description('hybrid (vector + full-text) search over a user’s memories')
    .argument('<query...>', 'what to look for')
    .option(...USER)
    .option(...PROJECT)
    .option('--limit <n>', 'how many hits', limit, 10)
    .option('--include-messages', 'also search indexed conversation turns')
    .option('--json', 'print JSON')
    .action(
      withConfig((config, query: string[], options: Parameters<typeof searchMemories>[2]) =>
        searchMemories(config, query.join(' '), options),
      ),
    );

  memory
    .command('list')
    .description('a user’s current memories, newest first')
    .option(...USER)
    .option(...PROJECT)
    .option('--kind <kind>', 'only this kind (fact, emotional_context, topic_mention, message)')
    .option('--all', 'include ended (superseded or deleted) memories, marked')
    .option('--limit <n>', 'how many', limit, 50)
    .option('--json', 'print JSON')
    .action(
      withConfig((config, options: Parameters<typeof listMemories>[1]) => listMemories(config, options)),
    );

  memory
    .command('export')
    .description('every memory of a user (current and ended) as JSON, with provenance — for privacy requests')
    .option(...USER)
    .option(...PROJECT)
    .option('--include-messages', 'include indexed conversation turns')
    .action(
      withConfig((config, options: Parameters<typeof exportMemories>[1]) => exportMemories(config, options)),
    );

  memory
    .command('forget')
    .description('delete one memory and all its versions for good')
    .argument('<id>', 'the memory id (`clara memory list --all` shows them)')
    .option(...USER)
    .option(...YES)
    .action(
      withConfig((config, id: string, options: Parameters<typeof forgetMemory>[2]) =>
        forgetMemory(config, id, options),
      ),
    );

  memory
    .command('clear')
    .description('delete every memory of one user for good (other users are untouched)')
    .option(...USER)
    .option(...PROJECT)
    .option(...YES)
    .action(
      withConfig((config, options: Parameters<typeof clearMemories>[1]) => clearMemories(config, options)),
    );

  memory
    .command('reembed')
    .description(
      're-embed every memory with the configured embedder (after changing EMBEDDING_MODEL/DIMENSIONS)',
    )
    .option(...YES)
    .action(
      withConfig((config, options: Parameters<typeof reembedMemories>[1]) =>
        reembedMemories(config, options),
      ),
    );

  memory
    .command('bootstrap')
    .description('sort a profile text into memories with one LLM call (dry run unless --apply)')
    .argument('[profile]', 'the profile text file')
    .option('--apply', 'store the facts (default: only write the JSON files)')
    .option('--out <dir>', 'where to write the JSON files (default: <DATA_DIR>/generated)')
    .option('--from <dir>', 'use the JSON files of an earlier run instead of reading a profile')
    .option(...USER)
    .option('--include-sensitive', 'also store restricted:sensitive facts')
    .action(
      withConfig((config, profile: string | undefined, options: Parameters<typeof bootstrapMemories>[2]) =>
        bootstrapMemories(config, profile, options),
      ),
    );
}
