/**
 * `defineVar`: declares one environment variable once, with everything derived from it — its zod schema, its
 * documentation (.env.example, README table) and how it is masked when printed.
 */
import { z } from 'zod';
import type { VarType } from './var-types.js';

export const VAR_GROUPS = [
  'LLM',
  'Memory',
  'Discord',
  'Tools/MCP',
  'Sandbox',
  'Files',
  'Email',
  'Proactive',
  'Database',
  'Web',
  'Logging',
  'Backups',
  'Misc',
] as const;
export type VarGroup = (typeof VAR_GROUPS)[number];

/** A default computed from other (non-derived) variables, e.g. "same as OPENROUTER_MODEL". */
export interface DerivedDefault<T> {
  /** How the default reads in the docs, e.g. "value of OPENROUTER_MODEL". */
  readonly doc: string;
  readonly compute: (values: Readonly<Record<string, unknown>>) => T;
}

export interface VarSpec<N extends string, T> {
  readonly name: N;
  readonly type: VarType<T>;
  readonly description: string;
  readonly group: VarGroup;
  /** The value used when the variable is unset or empty. */
  readonly default?: NoInfer<T> | DerivedDefault<NoInfer<T>>;
  /** Overrides how the default is shown in the docs. */
  readonly defaultDoc?: string;
  readonly secret?: boolean;
  /** Not in the original MyPalClara. */
  readonly isNew?: boolean;
  /** Accepted for compatibility; the text says what to do instead. */
  readonly deprecated?: string;
}

export interface VarDef<N extends string = string, T = unknown> {
  readonly name: N;
  readonly type: VarType<unknown>;
  readonly description: string;
  readonly group: VarGroup;
  readonly secret: boolean;
  readonly isNew: boolean;
  readonly deprecated: string | null;
  /** The plain default (undefined when there is none or it is derived). */
  readonly defaultValue: T | undefined;
  readonly derivedDefault: DerivedDefault<T> | null;
  /** The default as shown in the docs ('' = empty). */
  readonly defaultDoc: string;
  /** Parses the raw environment string: empty/blank → undefined, otherwise the typed value. */
  readonly schema: z.ZodType<T | undefined, unknown>;
  /** Phantom field carrying the value type (never set at runtime). */
  readonly __value?: T;
}

function isDerived<T>(value: T | DerivedDefault<T> | undefined): value is DerivedDefault<T> {
  return typeof value === 'object' && value !== null && 'compute' in value && 'doc' in value;
}

/** Declares a variable with a default: its value is always a T. */
export function defineVar<const N extends string, T>(
  spec: VarSpec<N, T> & { default: NoInfer<T> | DerivedDefault<NoInfer<T>> },
): VarDef<N, T>;
/** Declares a variable without a default: its value is T or undefined. */
export function defineVar<const N extends string, T>(spec: VarSpec<N, T>): VarDef<N, T | undefined>;
export function defineVar<const N extends string, T>(spec: VarSpec<N, T>): VarDef<N, T> {
  const derived = isDerived(spec.default) ? spec.default : null;
  const plainDefault = derived ? undefined : (spec.default as T | undefined);
  const defaultDoc =
    spec.defaultDoc ??
    (derived ? derived.doc : plainDefault === undefined ? '' : spec.type.format(plainDefault));
  const schema = z.preprocess((raw) => {
    if (typeof raw !== 'string') return undefined;
    const trimmed = raw.trim();
    return trimmed === '' ? undefined : trimmed;
  }, spec.type.schema.optional());
  return {
    name: spec.name,
    type: spec.type as VarType<unknown>,
    description: spec.description,
    group: spec.group,
    secret: spec.secret ?? false,
    isNew: spec.isNew ?? false,
    deprecated: spec.deprecated ?? null,
    defaultValue: plainDefault,
    derivedDefault: derived,
    defaultDoc,
    schema: schema as z.ZodType<T | undefined, unknown>,
  };
}

/** Shorthand for a derived default. */
export function derivedFrom<T>(doc: string, compute: (values: Readonly<Record<string, unknown>>) => T) {
  return { doc, compute } satisfies DerivedDefault<T>;
}

/** The value type of a variable definition. */
export type VarValue<D> = D extends VarDef<string, infer T> ? T : never;

/** `{ NAME: value }` for a tuple of variable definitions. */
export type ValuesOf<Defs extends readonly VarDef<string, unknown>[]> = {
  readonly [D in Defs[number] as D['name']]: VarValue<D>;
};
