/**
 * Turns the agent's tool calls into short progress lines ("✏️ Editing src/app.ts", "💻 Running npm test") and
 * keeps the tally the final summary needs (tools used, files changed).
 */
import path from 'node:path';

const MAX_DETAIL = 60;
const EDIT_TOOLS = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);

export interface ToolUse {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

function cut(text: string, max = MAX_DETAIL): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A path as the person will recognise it: relative to the working directory when inside it. */
export function displayPath(file: string, cwd: string): string {
  if (!file) return 'a file';
  const absolute = path.resolve(cwd, file);
  const relative = path.relative(cwd, absolute);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
}

function filePathOf(input: Record<string, unknown>): string {
  return str(input.file_path) || str(input.notebook_path) || str(input.path);
}

/** One progress line for a tool call of the agent. */
export function describeToolUse(use: ToolUse, cwd: string): string {
  const { input } = use;
  const file = () => cut(displayPath(filePathOf(input), cwd));
  switch (use.name) {
    case 'Write':
      return `✏️ Writing ${file()}`;
    case 'Edit':
    case 'MultiEdit':
    case 'NotebookEdit':
      return `✏️ Editing ${file()}`;
    case 'Read':
      return `🔍 Reading ${file()}`;
    case 'Bash':
      return `💻 Running ${cut(str(input.command)) || 'a command'}`;
    case 'Glob':
    case 'Grep':
      return `🔎 Searching ${cut(str(input.pattern)) || 'the files'}`;
    case 'LS':
      return `📁 Listing ${file()}`;
    case 'TodoWrite':
      return '📝 Updating its plan';
    case 'WebFetch':
      return `🌐 Fetching ${cut(str(input.url))}`;
    case 'WebSearch':
      return `🌐 Searching the web for ${cut(str(input.query))}`;
    case 'Task':
    case 'Agent':
      return `🤖 Delegating: ${cut(str(input.description)) || 'a subtask'}`;
    default:
      return `🔧 Using ${use.name}`;
  }
}

/** Tally of a run: which tools were used how often, which files the agent wrote or edited. */
export class RunTally {
  readonly toolCounts = new Map<string, number>();
  private readonly edits = new Map<string, string>();

  constructor(private readonly cwd: string) {}

  add(use: ToolUse): void {
    this.toolCounts.set(use.name, (this.toolCounts.get(use.name) ?? 0) + 1);
    const file = filePathOf(use.input);
    if (EDIT_TOOLS.has(use.name) && file) this.edits.set(use.id, displayPath(file, this.cwd));
  }

  /** Files written or edited, minus calls the permission check refused. */
  filesChanged(deniedIds: ReadonlySet<string>): string[] {
    const files = [...this.edits].filter(([id]) => !deniedIds.has(id)).map(([, file]) => file);
    return [...new Set(files)];
  }

  toolsUsed(): string {
    return [...this.toolCounts].map(([name, count]) => (count > 1 ? `${name} ×${count}` : name)).join(', ');
  }
}

/** Tool calls in an assistant message's content (the SDK's BetaMessage content blocks). */
export function toolUsesOf(content: unknown): ToolUse[] {
  if (!Array.isArray(content)) return [];
  const uses: ToolUse[] = [];
  for (const block of content) {
    if (!block || typeof block !== 'object') continue;
    const b = block as { type?: unknown; id?: unknown; name?: unknown; input?: unknown };
    if (b.type !== 'tool_use' || typeof b.name !== 'string') continue;
    const input = b.input && typeof b.input === 'object' ? (b.input as Record<string, unknown>) : {};
    uses.push({ id: typeof b.id === 'string' ? b.id : '', name: b.name, input });
  }
  return uses;
}

/** Text blocks of an assistant message, joined. */
export function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .filter((b): b is { type: 'text'; text: string } => b?.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text)
    .join('');
}
