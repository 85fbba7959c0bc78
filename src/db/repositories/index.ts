import type { Repositories } from '../types.js';
import { adminAuditRepository } from './admin-audit.js';
import { channelConfigsRepository } from './channel-configs.js';
import { channelSummariesRepository } from './channel-summaries.js';
import type { RepositoryContext } from './context.js';
import { guildConfigsRepository } from './guild-configs.js';
import { logEntriesRepository } from './log-entries.js';
import { messagesRepository } from './messages.js';
import { projectsRepository } from './projects.js';
import { sessionsRepository } from './sessions.js';
import { toolCallsRepository } from './tool-calls.js';
import { usageRepository } from './usage.js';

export type { RepositoryContext } from './context.js';
export { LOG_LEVELS } from './log-entries.js';

export function createRepositories(context: RepositoryContext): Repositories {
  return {
    projects: projectsRepository(context),
    sessions: sessionsRepository(context),
    messages: messagesRepository(context),
    channelSummaries: channelSummariesRepository(context),
    channelConfigs: channelConfigsRepository(context),
    logEntries: logEntriesRepository(context),
    usage: usageRepository(context),
    toolCalls: toolCallsRepository(context),
    guildConfigs: guildConfigsRepository(context),
    adminAudit: adminAuditRepository(context),
  };
}
