/** `clara chat`: terminal chat (interactive on a TTY, one message in / reply out when piped). */
import { Writable } from 'node:stream';
import { runInteractiveChat, runPipedChat } from '../adapters/cli/index.js';
import { buildApp, localIdentity } from '../app/index.js';
import type { Config } from '../config/index.js';

export async function runChat(config: Config): Promise<number> {
  const interactive = process.stdin.isTTY === true;
  // The conversation owns the terminal: logs go to the log files and the database only (LOG_LEVEL=debug also
  // shows them on stderr), and failures reach the person as short messages.
  const verbose = ['debug', 'trace'].includes(config.LOG_LEVEL);
  const app = await buildApp({
    config,
    logDestination: verbose ? process.stderr : new Writable({ write: (_chunk, _encoding, done) => done() }),
    prettyLogs: process.stderr.isTTY === true,
  });
  app.jobs.start();
  const identity = localIdentity(config, 'cli');
  const io = { input: process.stdin, output: process.stdout, errors: process.stderr };
  let code: number;
  try {
    if (interactive) {
      const intro = app.llm.llm
        ? `${app.persona.botName} is here (${app.llm.llm.primary}, ${app.llm.llm.modelFor(config.MODEL_TIER)}; ${app.databaseLabel}).`
        : `${app.persona.botName} has no language model yet. ${app.llm.setupHint}`;
      code = await runInteractiveChat(app.engine, identity, io, intro);
    } else {
      code = await runPipedChat(app.engine, identity, io);
    }
  } finally {
    // Stopping runs this conversation's batched background work (summaries, memory) now rather than after its
    // delay, and waits for it (at most 20 s) before the process leaves.
    await app.stop({ timeoutMs: 20_000 });
  }
  return code;
}
