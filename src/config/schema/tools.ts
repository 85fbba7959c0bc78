import path from 'node:path';
import { defineVar, derivedFrom } from '../define.js';
import { bool, fernetKey, filePath, int, list, text, url } from '../var-types.js';

const group = 'Tools/MCP';

export const toolVars = [
  defineVar({
    name: 'DISCORD_MAX_TOOL_RESULT_CHARS',
    type: int({ min: 1000, max: 10_000_000, unit: 'of characters' }),
    default: 50000,
    description: 'Tool output longer than this is truncated before it goes back to the model.',
    group,
  }),
  defineVar({
    name: 'TOOL_HOT_RELOAD',
    type: bool(),
    default: false,
    description: 'Watch tool modules and reload them when they change.',
    group,
  }),
  defineVar({
    name: 'TAVILY_API_KEY',
    type: text(),
    description: 'Tavily API key: enables the web_search tool (not offered while unset).',
    group,
    secret: true,
  }),
  defineVar({
    name: 'TAVILY_BASE_URL',
    type: url({ example: 'https://api.tavily.com' }),
    default: 'https://api.tavily.com',
    description:
      'Tavily API base URL (web search posts to <base>/search); change it for a proxy or a test server.',
    group,
    isNew: true,
  }),
  defineVar({
    name: 'GITHUB_TOKEN',
    type: text(),
    description: 'GitHub token: enables the GitHub MCP server and git credentials in the sandbox.',
    group,
    secret: true,
  }),
  defineVar({
    name: 'PLAYWRIGHT_BROWSER',
    type: text(),
    description: 'Browser for the Playwright MCP server (e.g. chromium, firefox); unset = its default.',
    group,
  }),
  defineVar({
    name: 'MCP_SERVERS_DIR',
    type: filePath(),
    default: '.mcp_servers',
    description:
      'Directory holding MCP server configurations (local/ and remote/); relative = inside DATA_DIR.',
    group,
  }),
  defineVar({
    name: 'MCP_OAUTH_DIR',
    type: filePath(),
    default: derivedFrom('MCP_SERVERS_DIR/.oauth', (v) => path.join(v.MCP_SERVERS_DIR as string, '.oauth')),
    description: 'Directory holding OAuth state of remote MCP servers.',
    group,
  }),
  defineVar({
    name: 'CLARA_SECRET_KEY',
    type: fernetKey(),
    description:
      "Fernet key encrypting Clara's secrets at rest (MCP server env/headers, OAuth tokens); unset = generated once into DATA_DIR/secret.key. Generate one with: clara keygen",
    group,
    secret: true,
    isNew: true,
  }),
  defineVar({
    name: 'MCP_START_TIMEOUT_SECONDS',
    type: int({ min: 1, max: 600, unit: 'of seconds' }),
    default: 30,
    description: 'How long an MCP server may take to start and list its tools before it counts as failed.',
    group,
    isNew: true,
  }),
  defineVar({
    name: 'MCP_TOOL_TIMEOUT_SECONDS',
    type: int({ min: 1, max: 3600, unit: 'of seconds' }),
    default: 120,
    description: 'How long one MCP tool call may run before the model gets a timeout error.',
    group,
    isNew: true,
  }),
  defineVar({
    name: 'MCP_HEALTH_CHECK_SECONDS',
    type: int({ min: 0, max: 86_400, unit: 'of seconds' }),
    default: 60,
    description: 'Interval of MCP health checks (ping; a dead server is restarted); 0 turns them off.',
    group,
    isNew: true,
  }),
  defineVar({
    name: 'SMITHERY_API_TOKEN',
    type: text(),
    description: 'Smithery registry token (search and smithery: installs).',
    group,
    secret: true,
  }),
  defineVar({
    name: 'SMITHERY_API_KEY',
    type: text(),
    description: 'Alternative name of SMITHERY_API_TOKEN (used when the token is unset).',
    group,
    secret: true,
  }),
  defineVar({
    name: 'SMITHERY_ACCESS_TOKEN',
    type: text(),
    description: 'Bearer token for hosted Smithery servers, skipping their OAuth flow.',
    group,
    secret: true,
  }),
  defineVar({
    name: 'SMITHERY_REGISTRY_URL',
    type: url({ example: 'https://registry.smithery.ai' }),
    default: 'https://registry.smithery.ai',
    description:
      'Smithery registry API base (smithery_search, smithery: installs); change it for a mirror or a test server.',
    group,
    isNew: true,
  }),
  defineVar({
    name: 'SMITHERY_SERVER_URL',
    type: url({ example: 'https://server.smithery.ai' }),
    default: 'https://server.smithery.ai',
    description:
      'Base URL of hosted Smithery servers (<base>/<name>) when the registry names no deployment URL.',
    group,
    isNew: true,
  }),
  defineVar({
    name: 'CLAUDE_CODE_WORKDIR',
    type: filePath(),
    description:
      'Working directory of the Claude Code tools (claude_code & co. are offered to admins only once it is set).',
    group,
  }),
  defineVar({
    name: 'CLAUDE_CODE_MAX_TURNS',
    type: int({ min: 1, max: 500 }),
    default: 10,
    description: 'Maximum agent turns of one Claude Code run.',
    group,
  }),
  defineVar({
    name: 'CLAUDE_CODE_ALLOWED_ROOTS',
    type: list({ itemExpected: 'absolute directory paths' }),
    description:
      'Directories Claude Code may work in (comma list; claude_code_set_workdir refuses anything outside); unset = CLAUDE_CODE_WORKDIR only.',
    group,
    isNew: true,
  }),
  defineVar({
    name: 'CLAUDE_CODE_OAUTH_TOKEN',
    type: text(),
    description:
      'Claude subscription token for Claude Code (from `claude setup-token`); used when ANTHROPIC_API_KEY is unset.',
    group,
    secret: true,
    isNew: true,
  }),
  defineVar({
    name: 'GOOGLE_CLIENT_ID',
    type: text(),
    description: 'Google OAuth client id (Google Workspace tools).',
    group,
  }),
  defineVar({
    name: 'GOOGLE_CLIENT_SECRET',
    type: text(),
    description: 'Google OAuth client secret.',
    group,
    secret: true,
  }),
  defineVar({
    name: 'GOOGLE_REDIRECT_URI',
    type: url(),
    description: 'Google OAuth redirect URI; unset = <CLARA_API_URL>/oauth/google/callback.',
    group,
  }),
  defineVar({
    name: 'AZURE_DEVOPS_ORG',
    type: text(),
    description: 'Azure DevOps organisation (Azure DevOps tools).',
    group,
  }),
  defineVar({
    name: 'AZURE_DEVOPS_PAT',
    type: text(),
    description: 'Azure DevOps personal access token.',
    group,
    secret: true,
  }),
] as const;
