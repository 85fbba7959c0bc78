/**
 * Reads `smithery.yaml`'s `startCommand` (type stdio, command, args, env). Smithery files are small; this parses the
 * block-style YAML subset they use (nested maps, `- item` lists, `[a, b]` flow lists, quoted scalars, `|`/`>`
 * blocks). A `commandFunction` (JavaScript) is never evaluated.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export interface SmitheryStartCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
}

type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };

const StartCommand = z.object({
  type: z.string().optional(),
  command: z.string().min(1),
  args: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
});

export function readSmitheryStartCommand(dir: string): SmitheryStartCommand | undefined {
  const file = ['smithery.yaml', 'smithery.yml'].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!file) return undefined;
  const doc = parseYamlSubset(readFileSync(file, 'utf8'));
  const start = typeof doc === 'object' && doc && !Array.isArray(doc) ? doc.startCommand : undefined;
  const parsed = StartCommand.safeParse(start);
  if (!parsed.success) return undefined;
  if (parsed.data.type && parsed.data.type !== 'stdio') return undefined;
  return { command: parsed.data.command, args: parsed.data.args, env: parsed.data.env };
}

interface Line {
  indent: number;
  text: string;
}

export function parseYamlSubset(source: string): Yaml {
  const lines: Line[] = [];
  for (const rawLine of source.split(/\r?\n/)) {
    const withoutComment = stripComment(rawLine);
    if (!withoutComment.trim() || withoutComment.trim() === '---') {
      lines.push({ indent: -1, text: '' });
      continue;
    }
    lines.push({
      indent: withoutComment.length - withoutComment.trimStart().length,
      text: withoutComment.trim(),
    });
  }
  const state = { i: 0 };
  return parseBlock(lines, state, 0);
}

function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

function skipBlank(lines: Line[], state: { i: number }): void {
  while (state.i < lines.length && lines[state.i]!.indent < 0) state.i++;
}

function parseBlock(lines: Line[], state: { i: number }, minIndent: number): Yaml {
  skipBlank(lines, state);
  const first = lines[state.i];
  if (!first || first.indent < minIndent) return null;
  const indent = first.indent;
  if (first.text.startsWith('- ') || first.text === '-') {
    const list: Yaml[] = [];
    while (state.i < lines.length) {
      skipBlank(lines, state);
      const line = lines[state.i];
      if (!line || line.indent !== indent || !(line.text.startsWith('- ') || line.text === '-')) break;
      const rest = line.text.slice(1).trim();
      state.i++;
      if (!rest) list.push(parseBlock(lines, state, indent + 1));
      else if (/^[^"'[{][^:]*:(\s|$)/.test(rest)) {
        // "- key: value" starts a map whose other keys sit at this item's content indent.
        lines[--state.i] = { indent: indent + 2, text: rest };
        list.push(parseBlock(lines, state, indent + 2));
      } else list.push(scalar(rest));
    }
    return list;
  }
  const map: { [key: string]: Yaml } = {};
  while (state.i < lines.length) {
    skipBlank(lines, state);
    const line = lines[state.i];
    if (!line || line.indent !== indent) break;
    const match = /^("[^"]*"|'[^']*'|[^:]+?)\s*:(?:\s+(.*)|$)/.exec(line.text);
    if (!match) break;
    const key = unquote(match[1]!);
    const value = match[2]?.trim() ?? '';
    state.i++;
    if (value === '|' || value === '>' || /^[|>][-+]?$/.test(value))
      map[key] = blockScalar(lines, state, indent);
    else if (value) map[key] = scalar(value);
    else map[key] = parseBlock(lines, state, indent + 1);
  }
  return map;
}

function blockScalar(lines: Line[], state: { i: number }, parentIndent: number): string {
  const parts: string[] = [];
  while (state.i < lines.length) {
    const line = lines[state.i]!;
    if (line.indent >= 0 && line.indent <= parentIndent) break;
    parts.push(line.text);
    state.i++;
  }
  return parts.join('\n');
}

function scalar(text: string): Yaml {
  if (text.startsWith('[') && text.endsWith(']')) {
    const inner = text.slice(1, -1).trim();
    return inner ? splitFlow(inner).map((item) => scalar(item.trim())) : [];
  }
  if (text.startsWith('"') || text.startsWith("'")) return unquote(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null' || text === '~') return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

function splitFlow(text: string): string[] {
  const items: string[] = [];
  let quote: string | null = null;
  let current = '';
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ',') {
      items.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  items.push(current);
  return items;
}

function unquote(text: string): string {
  const t = text.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    try {
      return JSON.parse(t) as string;
    } catch {
      return t.slice(1, -1);
    }
  }
  if (t.length >= 2 && t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
  return t;
}
