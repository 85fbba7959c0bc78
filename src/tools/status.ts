/** Status lines shown while tools run (spec §1.11.5). MCP names (`server__tool`) use the tool part for the emoji. */
import { MCP_TOOL_SEPARATOR } from '../domain/index.js';

const EMOJI: Readonly<Record<string, string>> = {
  execute_python: '🐍',
  install_package: '📦',
  read_file: '📖',
  write_file: '💾',
  list_files: '📁',
  run_shell: '💻',
  unzip_file: '📂',
  web_search: '🔍',
  run_claude_code: '🤖',
  claude_code: '🤖',
  check_email: '📬',
  search_email: '🔎',
  send_email: '📤',
  save_to_local: '💾',
  list_local_files: '📁',
  read_local_file: '📖',
  delete_local_file: '🗑️',
  download_from_sandbox: '⬇️',
  upload_to_sandbox: '⬆️',
  send_local_file: '📤',
  create_file_attachment: '📎',
  search_chat_history: '🔎',
  get_chat_history: '📜',
  github_get_me: '🐙',
  github_search_repositories: '🔍',
  github_get_repository: '📂',
  github_list_issues: '📋',
  github_get_issue: '🔖',
  github_create_issue: '➕',
  github_list_pull_requests: '🔀',
  github_create_pull_request: '🔀',
  github_get_pull_request: '📑',
  github_list_commits: '📝',
  github_get_file_contents: '📄',
  github_search_code: '🔎',
  github_list_workflow_runs: '⚙️',
  github_run_workflow: '▶️',
};

export function baseToolName(name: string): string {
  const at = name.indexOf(MCP_TOOL_SEPARATOR);
  return at >= 0 ? name.slice(at + MCP_TOOL_SEPARATOR.length) : name;
}

export function toolEmoji(name: string, declared?: string): string {
  return declared ?? EMOJI[baseToolName(name)] ?? '⚙️';
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** Generic status from well-known argument names, for tools that declare no status of their own. */
export function genericStatus(name: string, args: Record<string, unknown>): string {
  const base = baseToolName(name);
  const str = (key: string) => (typeof args[key] === 'string' ? (args[key] as string) : undefined);
  if (base === 'execute_python') return str('description') ?? 'Running Python';
  if (base === 'install_package' && str('package')) return `Installing \`${str('package')}\``;
  if (base === 'run_shell' && str('command')) return `Running \`${clip(str('command')!, 30)}\``;
  if (base === 'web_search' && str('query')) return `Searching the web for "${clip(str('query')!, 40)}"`;
  if (base === 'search_chat_history' && str('query'))
    return `Searching chat history for "${clip(str('query')!, 30)}"`;
  if (base === 'get_chat_history')
    return `Reading ${typeof args.count === 'number' ? args.count : 'recent'} messages`;
  const file = str('filename') ?? str('path') ?? str('file');
  if (file) return `${base.replace(/_/g, ' ')}: ${file.split('/').pop()}`;
  return 'Working…';
}
