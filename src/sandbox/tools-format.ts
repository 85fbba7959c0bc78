/** Small helpers of the sandbox tools: argument aliases (spec §6.2), fenced output and result texts. */
import { z } from 'zod';
import type { ToolResult } from '../tools/index.js';
import type { ExecResult } from './types.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Wraps an object schema so alternative argument names reach their canonical one (`{ code: ['python_code',
 * 'script'] }`): the first alias given fills a missing canonical key; aliases are then dropped. The JSON Schema
 * shown to the model lists only the canonical names.
 */
export function withAliases<Shape extends z.ZodRawShape>(
  aliases: Partial<Record<keyof Shape & string, readonly string[]>>,
  schema: z.ZodObject<Shape>,
) {
  return z.preprocess((value) => {
    if (!isRecord(value)) return value;
    const out: Record<string, unknown> = { ...value };
    for (const [canonical, names] of Object.entries(aliases) as Array<[string, readonly string[]]>) {
      for (const name of names) {
        if (out[canonical] === undefined && out[name] !== undefined) out[canonical] = out[name];
        delete out[name];
      }
    }
    return out;
  }, schema);
}

/** A Markdown code block whose fence is longer than any backtick run inside the text. */
export function fenced(text: string, language = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text.replace(/\n$/, '')}\n${fence}`;
}

export function secondsText(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function basename(path: string): string {
  return path.replace(/\/+$/, '').split('/').pop() || path;
}

export const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** An exec result as the model reads it: output fenced, errors marked `Error:` so the registry records a failure. */
export function execText(what: string, result: ExecResult): string | ToolResult {
  const output = result.output && result.output !== '(no output)' ? fenced(result.output) : '';
  if (result.ok)
    return `${what} finished in ${secondsText(result.durationMs)}.${output ? `\n${output}` : ' (no output)'}`;
  const code = result.exitCode !== undefined && !result.timedOut ? ` with exit code ${result.exitCode}` : '';
  const error = (result.error ?? '').trim();
  const sentence = error && !error.includes('\n') && !/^Exit code: \d+$/.test(error) ? ` ${error}` : '';
  const stderr = error.includes('\n') ? `\nstderr:\n${fenced(error)}` : '';
  return {
    content: `Error: ${what} failed${code}.${sentence}${output ? `\nOutput:\n${output}` : ''}${stderr}`,
    isError: true,
  };
}
