/** Printable view of a loaded configuration: secrets masked, passwords in URLs redacted. */
import { isDeepStrictEqual } from 'node:util';
import type { VarDef, VarGroup } from './define.js';
import { maskSecret, redactUrl } from './redact.js';
import { CONFIG_VARS, type Config, defaultFor } from './schema.js';

export interface ConfigRow {
  readonly name: string;
  readonly group: VarGroup;
  /** Safe to print: secrets masked, URL passwords redacted, '(not set)' when unset. */
  readonly value: string;
  readonly isDefault: boolean;
  readonly secret: boolean;
}

/** One row per variable in schema order; `onlySet` keeps only values that differ from their default. */
export function describeConfig(config: Config, options: { onlySet?: boolean } = {}): ConfigRow[] {
  const values = config as unknown as Readonly<Record<string, unknown>>;
  const rows: ConfigRow[] = [];
  for (const def of CONFIG_VARS as readonly VarDef[]) {
    const value = values[def.name];
    const isDefault = isDeepStrictEqual(value, defaultFor(def, values));
    if (options.onlySet && isDefault) continue;
    rows.push({
      name: def.name,
      group: def.group,
      value: printable(def, value),
      isDefault,
      secret: def.secret,
    });
  }
  return rows;
}

function printable(def: VarDef, value: unknown): string {
  if (def.secret) return maskSecret(value === undefined ? undefined : String(value));
  if (value === undefined) return '(not set)';
  const text = def.type.format(value);
  return def.type.kind === 'url' ? redactUrl(text) : text;
}
