import path from 'node:path';
import { defineVar, derivedFrom } from '../define.js';
import { bool, filePath, int, text, url } from '../var-types.js';

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
    description: 'Directory holding MCP server configurations (local/ and remote/).',
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
    name: 'CLAUDE_CODE_WORKDIR',
    type: filePath(),
    description: 'Default working directory of the Claude Code tool.',
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
