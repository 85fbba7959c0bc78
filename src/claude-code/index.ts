/**
 * Claude Code delegation (spec §4.9, issue 6): admin-only tools that run the Claude Agent SDK's bundled
 * `claude` binary in a chosen directory, with progress reported as tool status.
 */
import type { ToolRegistry } from '../tools/index.js';
import { ClaudeCode, type ClaudeCodeOptions } from './service.js';
import { CLAUDE_CODE_TOOL_NAMES, claudeCodeTools } from './tools.js';

export { authSource, childEnvironment, QUIET_SWITCHES } from './environment.js';
export { formatOutcome, MAX_RESULT_TEXT } from './format.js';
export { describeToolUse } from './progress.js';
export { DEFAULT_AGENT_TOOLS, type RunOutcome, type RunStatus } from './runner.js';
export {
  ClaudeCode,
  type ClaudeCodeConfig,
  type ClaudeCodeLogger,
  type ClaudeCodeOptions,
  DEFAULT_TIMEOUT_MS,
} from './service.js';
export { CLAUDE_CODE_TOOL_NAMES, claudeCodeTools } from './tools.js';
export { resolveWorkdir, WorkdirError } from './workdir.js';

export function createClaudeCode(options: ClaudeCodeOptions): ClaudeCode {
  return new ClaudeCode(options);
}

/**
 * Offers the four tools to admins when Claude Code is set up; otherwise none is offered and a call to any of
 * them explains exactly which variable to set.
 */
export function registerClaudeCodeTools(registry: ToolRegistry, claudeCode: ClaudeCode): void {
  const reason = claudeCode.unavailableReason;
  if (reason) {
    for (const name of CLAUDE_CODE_TOOL_NAMES) registry.explainUnavailable(name, reason);
    return;
  }
  for (const tool of claudeCodeTools(claudeCode)) registry.register(tool);
}
