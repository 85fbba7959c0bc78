/** `clara memory forget | clear | reembed`: hard deletes (privacy) and rebuilding every vector. */
import { embedderFor } from '../app/index.js';
import type { Config } from '../config/index.js';
import { graphScope } from '../memory/index.js';
import { CliExit } from './load.js';
import { confirm, print } from './memory-format.js';
import { type ScopeOptions, scopeFrom } from './memory-read.js';
import { withCliMemory } from './memory-setup.js';

const ALL = { includeInvalid: true } as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function forgetMemory(
  config: Config,
  id: string,
  options: ScopeOptions & { yes?: boolean },
): Promise<number> {
  if (!UUID.test(id)) {
    throw new CliExit(
      2,
      `"${id}" is not a memory id: ids look like 0b6f8a9e-3c1d-4e2f-9a7b-5c4d3e2f1a0b (\`clara memory list\` shows them).`,
    );
  }
  return withCliMemory(config, async ({ engine }) => {
    const scope = scopeFrom(config, options);
    const versions = await engine.history(scope, id);
    const latest = versions.at(-1);
    if (!latest) {
      throw new CliExit(
        1,
        `No memory ${id} for user ${scope.userId}. \`clara memory list --all --user ${scope.userId}\` shows the ids.`,
      );
    }
    const count = versions.length === 1 ? 'it' : `all ${versions.length} versions`;
    const agreed = await confirm(`Delete the memory "${latest.text}" (${count}) for good?`, {
      yes: options.yes,
      action: 'delete a memory',
    });
    if (!agreed) {
      print('Nothing was deleted.');
      return 1;
    }
    const removed = await engine.forget(scope, id);
    print(`Deleted memory ${id} (${removed} version${removed === 1 ? '' : 's'}).`);
    return 0;
  });
}

/** Spec §3.10, with its bug fixed: only this user's memories go (the original wiped the whole local store). */
export async function clearMemories(
  config: Config,
  options: ScopeOptions & { yes?: boolean },
): Promise<number> {
  return withCliMemory(config, async ({ engine, where, graph }) => {
    const scope = scopeFrom(config, options);
    const who = `user ${scope.userId}${scope.projectId ? ` in project ${scope.projectId}` : ''}`;
    const before = await engine.count(scope, ALL);
    // engine.forget also clears the person's graph when no project is given.
    const relations = graph && !scope.projectId ? (await graph.all(graphScope(scope))).length : 0;
    if (before === 0 && relations === 0) {
      print(`Nothing to delete: ${who} has no memories in ${where}.`);
      return 0;
    }
    const withRelations = relations > 0 ? ` and ${relations} graph relations` : '';
    const agreed = await confirm(
      `Delete all ${before} memories${withRelations} of ${who} (current, ended and conversation-search entries) from ${where} for good?`,
      { yes: options.yes, action: `delete the memories of ${who}` },
    );
    if (!agreed) {
      print('Nothing was deleted.');
      return 1;
    }
    const removed = await engine.forget(scope);
    const left = await engine.count(scope, ALL);
    print(`Deleted ${removed} memories${withRelations} of ${who}.`);
    if (left > 0) {
      process.stderr.write(
        `${left} memories of ${who} are still there (written while clearing?); run the command again.\n`,
      );
      return 1;
    }
    print(`Checked: no memories of ${who} are left.`);
    return 0;
  });
}

export const NO_EMBEDDER_MESSAGE =
  'No embedder is configured, so there is nothing to re-embed with. Set OPENAI_API_KEY (OpenAI ' +
  'text-embedding-3-small), or EMBEDDING_BASE_URL with EMBEDDING_MODEL and EMBEDDING_DIMENSIONS for a local ' +
  'OpenAI-compatible server (Ollama, vLLM …), then run `clara memory reembed` again.';

export async function reembedMemories(config: Config, options: { yes?: boolean }): Promise<number> {
  const configured = embedderFor(config);
  if (!configured) throw new CliExit(2, NO_EMBEDDER_MESSAGE);
  return withCliMemory(
    config,
    async ({ store, embedder, where }) => {
      const using = embedder ?? configured;
      const change =
        store.dimension === using.dimension
          ? `${using.dimension} dimensions`
          : `${store.dimension} → ${using.dimension} dimensions`;
      const agreed = await confirm(
        `Re-embed every memory in ${where} with ${using.model} (${change})? This calls the embeddings endpoint for each memory.`,
        { yes: options.yes, action: 're-embed every memory' },
      );
      if (!agreed) {
        print('Nothing was changed.');
        return 1;
      }
      print(`Re-embedding every memory in ${where} with ${using.model} (${change})…`);
      const tty = process.stdout.isTTY === true;
      const count = await store.reembed(
        (texts) => using.embed(texts),
        using.dimension,
        (done, total) => {
          if (tty) process.stdout.write(`\r  ${done}/${total} memories`);
          else if (done > 0 || total === 0) print(`  ${done}/${total} memories`);
        },
      );
      if (tty) process.stdout.write('\n');
      print(`Re-embedded ${count} memories; ${where} now holds ${using.dimension}-dimensional vectors.`);
      return 0;
    },
    { acceptStoredDimension: true },
  );
}
