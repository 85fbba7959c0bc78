/**
 * Every environment variable of Clara, declared once (see `define.ts`). The zod object, the `Config` type, the
 * docs (.env.example, README table) and secret masking are all derived from `CONFIG_VARS`.
 */
import { z } from 'zod';
import { VAR_GROUPS, type ValuesOf, type VarDef } from './define.js';
import { discordVars } from './schema/discord.js';
import { llmVars } from './schema/llm.js';
import { memoryVars } from './schema/memory.js';
import { sandboxVars } from './schema/sandbox.js';
import { emailVars, fileVars, proactiveVars } from './schema/services.js';
import { backupVars, databaseVars, loggingVars, miscVars, webVars } from './schema/system.js';
import { toolVars } from './schema/tools.js';

export const CONFIG_VARS = [
  ...llmVars,
  ...memoryVars,
  ...discordVars,
  ...toolVars,
  ...sandboxVars,
  ...fileVars,
  ...emailVars,
  ...proactiveVars,
  ...databaseVars,
  ...webVars,
  ...loggingVars,
  ...backupVars,
  ...miscVars,
] as const;

/** The validated configuration: keys are the environment variable names. */
export type Config = ValuesOf<typeof CONFIG_VARS>;
export type ConfigKey = keyof Config;

const byName = new Map<string, VarDef>(CONFIG_VARS.map((def) => [def.name, def]));

/** The definition of one variable (undefined for names Clara does not know). */
export function configVar(name: string): VarDef | undefined {
  return byName.get(name);
}

/** Variables in documentation order: by group, then declaration order. */
export function varsByGroup(): { group: (typeof VAR_GROUPS)[number]; vars: VarDef[] }[] {
  return VAR_GROUPS.map((group) => ({
    group,
    vars: CONFIG_VARS.filter((def) => def.group === group) as VarDef[],
  })).filter((entry) => entry.vars.length > 0);
}

/** zod object over the raw environment: each key parses to its typed value or undefined when unset. */
export const rawConfigSchema = z.object(
  Object.fromEntries(CONFIG_VARS.map((def) => [def.name, def.schema])) as Record<string, z.ZodType>,
);

/** Fills in plain defaults, then derived defaults (which may read only non-derived values). */
export function applyDefaults(parsed: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const def of CONFIG_VARS) values[def.name] = parsed[def.name] ?? def.defaultValue;
  const plain = { ...values };
  for (const def of CONFIG_VARS) {
    if (values[def.name] === undefined && def.derivedDefault) {
      values[def.name] = def.derivedDefault.compute(plain);
    }
  }
  return values;
}

/** The default a variable has under the given configuration (derived defaults are computed). */
export function defaultFor(def: VarDef, config: Readonly<Record<string, unknown>>): unknown {
  return def.derivedDefault ? def.derivedDefault.compute(config) : def.defaultValue;
}
