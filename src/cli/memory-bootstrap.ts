/**
 * `clara memory bootstrap [profile.txt] [--apply] [--out DIR] [--from DIR]` (spec §3.9): one LLM call sorts a profile
 * into five namespaces; a dry run writes the JSON files for review, `--apply` stores the facts for the user.
 * `--from DIR` applies (or re-applies) files written earlier, possibly edited, without calling the LLM.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildLlm } from '../app/index.js';
import { type Config, dataPath } from '../config/index.js';
import type { Llm } from '../llm/index.js';
import {
  applyProfile,
  consolidateProfile,
  countFacts,
  createMemoryLlm,
  extractProfile,
  memoryPolicy,
  NAMESPACE_FILES,
  POLICY_FILE,
  PROFILE_NAMESPACES,
  ProfileExtractionError,
  type ProfileFacts,
  type RawFact,
  SENSITIVE_NAMESPACE,
} from '../memory/index.js';
import { CliExit } from './load.js';
import { print } from './memory-format.js';
import { withCliMemory } from './memory-setup.js';

export interface BootstrapOptions {
  apply?: boolean;
  out?: string;
  from?: string;
  user?: string;
  includeSensitive?: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The memory LLM (MEM0_*), else the chat LLM; says what to set when there is neither. */
function profileLlm(config: Config): { llm: Llm; label: string } {
  const timeoutMs = Math.max(config.LLM_TIMEOUT_SECONDS, 120) * 1_000;
  const memory = createMemoryLlm(config as unknown as Env, { timeoutMs });
  if (memory.llm) return { llm: memory.llm, label: `${memory.provider} ${memory.model}` };
  const chat = buildLlm(config).llm;
  if (chat) return { llm: chat, label: `${chat.primary} ${chat.modelFor(undefined, 'memory')} (chat model)` };
  throw new CliExit(
    3,
    `Reading a profile needs a language model. ${memory.reason} Or configure the chat model (LLM_PROVIDER and its API key; \`clara doctor\` shows what is missing).`,
  );
}

async function readProfile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CliExit(2, `Cannot read the profile ${path}: ${(error as Error).message}`);
  }
}

async function extractFromProfile(config: Config, path: string): Promise<ProfileFacts> {
  const text = await readProfile(path);
  const { llm, label } = profileLlm(config);
  print(`Reading ${path} with ${label}…`);
  try {
    const result = await extractProfile(llm, text);
    if (result.truncated) process.stderr.write('The profile is very long; only its beginning was read.\n');
    return result.facts;
  } catch (error) {
    if (error instanceof ProfileExtractionError) throw new CliExit(1, error.message);
    throw error;
  }
}

/** Reads the namespace files of an earlier run (validated and consolidated again: they may have been edited). */
async function loadGenerated(dir: string): Promise<ProfileFacts> {
  const raw = {} as Record<(typeof PROFILE_NAMESPACES)[number], RawFact[]>;
  let found = 0;
  for (const namespace of PROFILE_NAMESPACES) {
    const file = join(dir, NAMESPACE_FILES[namespace]);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      raw[namespace] = [];
      continue;
    }
    let items: unknown;
    try {
      items = JSON.parse(text);
    } catch (error) {
      throw new CliExit(2, `${file} is not valid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(items))
      throw new CliExit(2, `${file} must hold a JSON array of {key, value, confidence}.`);
    raw[namespace] = items.filter((i): i is RawFact => typeof i === 'object' && i !== null);
    found++;
  }
  if (found === 0) {
    throw new CliExit(2, `No profile files in ${dir}: run \`clara memory bootstrap <profile.txt>\` first.`);
  }
  return consolidateProfile(raw);
}

async function writeGenerated(dir: string, facts: ProfileFacts): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const namespace of PROFILE_NAMESPACES) {
    await writeFile(join(dir, NAMESPACE_FILES[namespace]), `${JSON.stringify(facts[namespace], null, 2)}\n`);
  }
  await writeFile(join(dir, POLICY_FILE), `${JSON.stringify(memoryPolicy(), null, 2)}\n`);
}

function printSummary(facts: ProfileFacts): void {
  for (const namespace of PROFILE_NAMESPACES) {
    const items = facts[namespace];
    print(`${namespace} (${items.length})`);
    if (namespace === SENSITIVE_NAMESPACE) {
      if (items.length > 0) print(`  ${items.length} sensitive facts, not shown here (see the file)`);
      continue;
    }
    for (const fact of items) print(`  ${fact.key}: ${fact.value} (${fact.confidence.toFixed(2)})`);
  }
}

export async function bootstrapMemories(
  config: Config,
  profilePath: string | undefined,
  options: BootstrapOptions,
): Promise<number> {
  if (!profilePath && !options.from) {
    throw new CliExit(2, 'Give the profile file (`clara memory bootstrap profile.txt`) or --from DIR.');
  }
  const userId = options.user?.trim() || config.USER_ID;
  let facts: ProfileFacts;
  if (options.from) {
    facts = await loadGenerated(resolve(options.from));
    print(`Read ${countFacts(facts)} facts from ${resolve(options.from)}.`);
  } else {
    facts = await extractFromProfile(config, profilePath as string);
    const out = resolve(options.out ?? dataPath(config, 'generated'));
    await writeGenerated(out, facts);
    print(
      `Wrote ${countFacts(facts)} facts to ${out} (${PROFILE_NAMESPACES.length} namespace files and ${POLICY_FILE}).`,
    );
  }
  printSummary(facts);
  if (!options.apply) {
    print(
      `Dry run: nothing was stored. Review the files, then add --apply to store the facts for user ${userId}.`,
    );
    return 0;
  }
  const summary = await withCliMemory(config, ({ engine }) =>
    applyProfile(engine, userId, facts, { includeSensitive: options.includeSensitive === true }),
  );
  print(
    `Stored for user ${userId}: ${summary.added} new, ${summary.updated} updated, ${summary.unchanged} already known.`,
  );
  if (summary.skipped > 0) {
    print(`${summary.skipped} sensitive facts were not stored (add --include-sensitive to store them).`);
  }
  return 0;
}
