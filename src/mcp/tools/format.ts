/** Text shown to the model and in the CLI about MCP servers (spec §4.5.3). */
import type { CachedMcpTool } from '../config/index.js';
import type { McpServerInfo } from '../manager/index.js';

const STATUS_EMOJI: Record<string, string> = {
  running: '✅',
  stopped: '⚫',
  error: '❌',
  pending_auth: '🔑',
};

export function statusEmoji(status: string): string {
  return STATUS_EMOJI[status] ?? '❓';
}

function line(info: McpServerInfo): string {
  const reload = info.hotReload ? ' 🔄' : '';
  return (
    `${statusEmoji(info.status)} **${info.name}** (${info.sourceType}) – ${info.status}, ` +
    `${info.enabled ? 'enabled' : 'disabled'}, ${info.tools.length} tools${reload}`
  );
}

export function formatServerList(servers: readonly McpServerInfo[]): string {
  if (servers.length === 0) {
    return 'No MCP servers installed. An admin can install one with mcp_install (or `clara mcp install <source>`).';
  }
  const local = servers.filter((s) => s.type === 'local');
  const remote = servers.filter((s) => s.type === 'remote');
  const parts: string[] = [];
  if (local.length > 0) parts.push(['**Local Servers**', ...local.map(line)].join('\n'));
  if (remote.length > 0) parts.push(['**Remote Servers**', ...remote.map(line)].join('\n'));
  return parts.join('\n\n');
}

export function formatTotals(servers: readonly McpServerInfo[]): string {
  const local = servers.filter((s) => s.type === 'local').length;
  const enabled = servers.filter((s) => s.enabled).length;
  const connected = servers.filter((s) => s.connected).length;
  const tools = servers.filter((s) => s.connected).reduce((sum, s) => sum + s.tools.length, 0);
  return [
    `MCP servers: ${servers.length} (${local} local, ${servers.length - local} remote)`,
    `Enabled: ${enabled}`,
    `Connected: ${connected} (${tools} tools)`,
  ].join('\n');
}

export function formatServerStatus(info: McpServerInfo): string {
  const lines = [
    `${statusEmoji(info.status)} **${info.name}**${info.displayName !== info.name ? ` (${info.displayName})` : ''}`,
    `Type: ${info.type} (${info.sourceType})`,
    `Status: ${info.status}${info.restarts > 0 ? ` (automatic restarts: ${info.restarts})` : ''}`,
    `Connected: ${info.connected ? 'yes' : 'no'}`,
    `Enabled: ${info.enabled ? 'yes' : 'no'}`,
  ];
  if (info.type === 'local') {
    lines.push(`Command: ${info.command ?? ''}`);
    lines.push(`Hot reload: ${info.hotReload ? 'on' : 'off'}`);
  } else {
    lines.push(`URL: ${info.url ?? ''} (${info.transport ?? 'streamable-http'})`);
    if (info.oauthRequired) lines.push('OAuth required: yes');
  }
  if (info.lastError)
    lines.push(`Last error: ${info.lastError}${info.lastErrorAt ? ` (${info.lastErrorAt})` : ''}`);
  lines.push(`Tools: ${info.tools.length}`);
  const names = info.tools.slice(0, 15).map((t) => `- ${t.name}`);
  if (names.length > 0) lines.push(...names);
  if (info.tools.length > 15) lines.push(`…and ${info.tools.length - 15} more`);
  return lines.join('\n');
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function formatServerTools(server: string, tools: readonly CachedMcpTool[]): string {
  if (tools.length === 0) return `The MCP server "${server}" offers no tools.`;
  return [
    `Tools of ${server} (${tools.length}), called as ${server}__<tool>:`,
    ...tools.map((t) => `- ${t.name}: ${clip(t.description.replace(/\s+/g, ' '), 80)}`),
  ].join('\n');
}

export function formatAllTools(servers: readonly McpServerInfo[]): string {
  const connected = servers.filter((s) => s.connected);
  if (connected.length === 0) return 'No MCP server is connected.';
  return connected
    .map((s) => {
      const names = s.tools.slice(0, 5).map((t) => t.name);
      const more = s.tools.length > 5 ? ` …and ${s.tools.length - 5} more` : '';
      return `**${s.name}** (${s.tools.length}): ${names.join(', ')}${more}`;
    })
    .join('\n');
}
