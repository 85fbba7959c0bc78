/**
 * Value types for environment variables. Each parses a trimmed, non-empty string (empty = unset is handled by
 * `defineVar`) with a zod schema whose error messages never contain the received value, knows how to render a
 * value for docs, and says what a valid value looks like (used in the "how to fix" part of errors).
 */
import { z } from 'zod';

export type VarKind = 'string' | 'url' | 'boolean' | 'integer' | 'number' | 'list' | 'enum' | 'path';

export interface VarType<T> {
  readonly kind: VarKind;
  /** Parses a trimmed, non-empty string. */
  readonly schema: z.ZodType<T, string>;
  /** Completes the sentence "set NAME to …". */
  readonly expected: string;
  /** Renders a value the way it would be written in a .env file. */
  format(value: T): string;
}

export const LLM_PROVIDERS = ['openrouter', 'nanogpt', 'openai', 'anthropic'] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

const plain = (value: unknown): string => String(value);

export function text(options: { pattern?: RegExp; expected?: string } = {}): VarType<string> {
  const expected = options.expected ?? 'a text value';
  const schema = options.pattern
    ? z.string().regex(options.pattern, { error: `is not ${expected}` })
    : z.string();
  return { kind: 'string', schema, expected, format: plain };
}

/** A filesystem path; relative paths are kept as given (consumers resolve them). */
export function filePath(): VarType<string> {
  return { kind: 'path', schema: z.string(), expected: 'a file or directory path', format: plain };
}

export function url(options: { protocols?: readonly string[]; example?: string } = {}): VarType<string> {
  const protocols = options.protocols ?? ['http', 'https'];
  const example = options.example ?? `${protocols[0]}://…`;
  const schema = z.string().superRefine((value, ctx) => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a valid URL' });
      return;
    }
    const scheme = parsed.protocol.replace(/:$/, '').toLowerCase();
    if (!protocols.includes(scheme)) {
      ctx.addIssue({ code: 'custom', message: `uses the unsupported scheme "${scheme}://"` });
    }
  });
  return {
    kind: 'url',
    schema,
    expected: `a ${protocols.map((p) => `${p}://`).join(' or ')} URL (e.g. ${example})`,
    format: plain,
  };
}

const TRUTHY = ['true', '1', 'yes', 'on'];
const FALSY = ['false', '0', 'no', 'off'];

export function bool(): VarType<boolean> {
  const schema = z.stringbool({
    truthy: TRUTHY,
    falsy: FALSY,
    case: 'insensitive',
    error: 'is not a boolean',
  });
  return { kind: 'boolean', schema, expected: 'true or false (also 1/0, yes/no, on/off)', format: plain };
}

function range(min: number, max: number): string {
  return `between ${min} and ${max}`;
}

export function int(options: { min: number; max: number; unit?: string }): VarType<number> {
  const { min, max } = options;
  const unit = options.unit ? ` ${options.unit}` : '';
  const schema = z
    .string()
    .regex(/^[+-]?\d+$/, { error: 'is not a whole number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `is below the minimum ${min}` })
        .max(max, { error: `is above the maximum ${max}` }),
    );
  return { kind: 'integer', schema, expected: `a whole number${unit} ${range(min, max)}`, format: plain };
}

export function num(options: { min: number; max: number; unit?: string }): VarType<number> {
  const { min, max } = options;
  const unit = options.unit ? ` ${options.unit}` : '';
  const schema = z
    .string()
    .regex(/^[+-]?(\d+\.?\d*|\.\d+)$/, { error: 'is not a number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `is below the minimum ${min}` })
        .max(max, { error: `is above the maximum ${max}` }),
    );
  return { kind: 'number', schema, expected: `a number${unit} ${range(min, max)}`, format: plain };
}

export function port(options: { allowAny?: boolean } = {}): VarType<number> {
  if (options.allowAny) {
    return {
      ...int({ min: 0, max: 65535 }),
      expected: 'a TCP port number between 1 and 65535, or 0 for any free port',
    };
  }
  return { ...int({ min: 1, max: 65535 }), expected: 'a TCP port number between 1 and 65535' };
}

/**
 * One of a fixed set of values, matched case-insensitively; `aliases` map extra accepted spellings to a value.
 * The parsed value is always the canonical lower-case spelling.
 */
export function oneOf<const V extends string>(
  values: readonly V[],
  aliases: Readonly<Record<string, V>> = {},
): VarType<V> {
  const lookup = new Map<string, V>();
  for (const value of values) lookup.set(value.toLowerCase(), value);
  for (const [alias, value] of Object.entries(aliases)) lookup.set(alias.toLowerCase(), value);
  const schema = z.string().transform((raw, ctx) => {
    const value = lookup.get(raw.toLowerCase());
    if (value === undefined) {
      ctx.addIssue({ code: 'custom', message: 'is not one of the accepted values' });
      return z.NEVER;
    }
    return value;
  });
  return { kind: 'enum', schema, expected: `one of: ${values.join(', ')}`, format: plain };
}

/** Comma-separated list: items trimmed, empty items dropped, optionally lower-cased or checked. */
export function list(
  options: { lowercase?: boolean; item?: RegExp; itemExpected?: string } = {},
): VarType<readonly string[]> {
  const itemExpected = options.itemExpected ?? 'text';
  const schema = z.string().transform((raw, ctx) => {
    const items = raw
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
      .map((item) => (options.lowercase ? item.toLowerCase() : item));
    const bad = options.item ? items.filter((item) => !options.item?.test(item)) : [];
    if (bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `contains ${bad.length} item(s) that are not ${itemExpected}`,
      });
      return z.NEVER;
    }
    return items;
  });
  return {
    kind: 'list',
    schema,
    expected: `a comma-separated list of ${itemExpected}`,
    format: (value) => value.join(','),
  };
}

/** Comma list of LLM provider names (case-insensitive, duplicates removed, order kept). */
export function providerList(): VarType<readonly LlmProvider[]> {
  const known = new Set<string>(LLM_PROVIDERS);
  const schema = z.string().transform((raw, ctx) => {
    const items = raw
      .split(',')
      .map((item) => item.trim().toLowerCase())
      .filter((item) => item !== '');
    const unknown = items.filter((item) => !known.has(item));
    if (unknown.length > 0) {
      ctx.addIssue({ code: 'custom', message: `names unknown provider(s): ${unknown.join(', ')}` });
      return z.NEVER;
    }
    return [...new Set(items)] as LlmProvider[];
  });
  return {
    kind: 'list',
    schema,
    expected: `a comma-separated list of: ${LLM_PROVIDERS.join(', ')}`,
    format: (value) => value.join(','),
  };
}

export function timezone(): VarType<string> {
  const schema = z.string().refine(
    (value) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: value });
        return true;
      } catch {
        return false;
      }
    },
    { error: 'is not a known IANA time zone' },
  );
  return { kind: 'string', schema, expected: 'an IANA time zone name such as Europe/Berlin', format: plain };
}

/** A Fernet key: 32 bytes in URL-safe base64 (44 characters). */
export function fernetKey(): VarType<string> {
  const schema = z
    .string()
    .refine((value) => /^[A-Za-z0-9_-]{43}=$/.test(value) && Buffer.from(value, 'base64url').length === 32, {
      error: 'is not a Fernet key (32 bytes of URL-safe base64, 44 characters)',
    });
  return {
    kind: 'string',
    schema,
    expected:
      "a Fernet key; generate one with: node -e \"console.log(require('crypto').randomBytes(32).toString('base64url') + '=')\"",
    format: plain,
  };
}

/** Docker-style memory size such as 512m or 2g. */
export function memorySize(): VarType<string> {
  return text({ pattern: /^\d+(\.\d+)?[bkmg]?$/i, expected: 'a memory size such as 512m or 2g' });
}
