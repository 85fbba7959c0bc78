/** Loads the configuration from the environment and an optional .env file (process.env is never modified). */
import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import type { z } from 'zod';
import type { VarDef } from './define.js';
import { ConfigError, type ConfigProblem, describeReceived } from './errors.js';
import { crossFieldProblems } from './rules.js';
import { applyDefaults, CONFIG_VARS, type Config, configVar, rawConfigSchema } from './schema.js';

export interface LoadConfigOptions {
  /** Environment variables; defaults to process.env. They win over the .env file. */
  env?: NodeJS.ProcessEnv;
  /** Directory holding the default `.env`; defaults to process.cwd(). */
  cwd?: string;
  /** The .env file to read: a path (relative to cwd), false for none; default CLARA_ENV_FILE, else `<cwd>/.env`. */
  envFile?: string | false;
}

const isSet = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/** Reads and validates the configuration. Throws `ConfigError` listing every problem. */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = readEnvFile(options.envFile, env, cwd);
  const sources = file ? ['environment', file.path] : ['environment'];

  const merged: Record<string, string | undefined> = { ...file?.values };
  for (const [key, value] of Object.entries(env)) {
    if (isSet(value) || merged[key] === undefined) merged[key] = value;
  }

  const parsed = rawConfigSchema.safeParse(merged);
  const problems = parsed.success ? [] : issueProblems(parsed.error.issues, merged);
  // With invalid fields, cross-field rules still run on the valid ones so that every problem is listed at once.
  const config = applyDefaults(parsed.success ? parsed.data : parseValidFields(merged)) as Config;
  problems.push(...crossFieldProblems(config));
  if (problems.length > 0) throw new ConfigError(problems, sources);
  return deepFreeze(config);
}

function parseValidFields(raw: Record<string, string | undefined>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const def of CONFIG_VARS) {
    const result = def.schema.safeParse(raw[def.name]);
    if (result.success) values[def.name] = result.data;
  }
  return values;
}

function readEnvFile(
  option: string | false | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
): { path: string; values: Record<string, string> } | null {
  if (option === false) return null;
  const explicit = option ?? (isSet(env.CLARA_ENV_FILE) ? env.CLARA_ENV_FILE.trim() : undefined);
  const file = path.resolve(cwd, explicit ?? '.env');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    if (explicit === undefined && code === 'ENOENT') return null;
    const variable =
      option !== undefined ? 'envFile option' : explicit !== undefined ? 'CLARA_ENV_FILE' : '.env';
    const fix =
      explicit === undefined
        ? `make ${file} readable or remove it.`
        : `point ${variable} at an existing, readable .env file, or unset it to use ./.env.`;
    throw new ConfigError([{ variable, problem: `the env file ${file} cannot be read (${code}).`, fix }]);
  }
  return { path: file, values: dotenv.parse(text) };
}

function issueProblems(issues: readonly z.core.$ZodIssue[], raw: Record<string, string | undefined>) {
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    const name = String(issue.path[0] ?? '');
    if (seen.has(name)) continue;
    seen.add(name);
    const def = configVar(name);
    if (!def) {
      problems.push({ variable: name || '(config)', problem: issue.message, fix: 'check the value.' });
      continue;
    }
    problems.push({
      variable: name,
      problem: `${describeReceived(raw[name], def.secret)} ${issue.message}.`,
      fix: fixFor(def),
    });
  }
  return problems;
}

function fixFor(def: VarDef): string {
  const unset = def.defaultDoc === '' ? 'or unset it' : `or unset it to use the default (${def.defaultDoc})`;
  return `set ${def.name} to ${def.type.expected}, ${unset}.`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
