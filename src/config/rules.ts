/**
 * Rules that span several variables. A missing LLM key is deliberately not one of them: Clara starts without an
 * LLM and reports what to set (see `llmSetupStatus`).
 */
import type { ConfigProblem } from './errors.js';
import { isLoopbackHost } from './helpers.js';
import type { Config } from './schema.js';

export function crossFieldProblems(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [];

  if (config.DISCORD_MONITOR_ENABLED && !isLoopbackHost(config.CLARA_WEB_HOST) && !config.CLARA_WEB_TOKEN) {
    problems.push({
      variable: 'CLARA_WEB_TOKEN',
      problem: `is required because CLARA_WEB_HOST (${config.CLARA_WEB_HOST}) is not a loopback address, so the web server would be reachable from other machines without authentication.`,
      fix: 'set CLARA_WEB_TOKEN to a random secret of at least 16 characters (e.g. the output of `openssl rand -hex 32`), or set CLARA_WEB_HOST=127.0.0.1.',
    });
  }

  if (config.SANDBOX_MODE === 'remote') {
    const missing = (['SANDBOX_API_URL', 'SANDBOX_API_KEY'] as const).filter((name) => !config[name]);
    if (missing.length > 0) {
      problems.push({
        variable: 'SANDBOX_MODE',
        problem: `is remote but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set.`,
        fix: `set ${missing.join(' and ')} to reach the sandbox service, or set SANDBOX_MODE=auto.`,
      });
    }
  }

  if (config.S3_ENABLED) {
    const missing = (['S3_ACCESS_KEY', 'S3_SECRET_KEY'] as const).filter((name) => !config[name]);
    if (missing.length > 0) {
      problems.push({
        variable: 'S3_ENABLED',
        problem: `is true but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set.`,
        fix: `set ${missing.join(' and ')}, or set S3_ENABLED=false to store files in CLARA_FILES_DIR.`,
      });
    }
  }

  if (config.EMAIL_MONITORING_ENABLED && !config.EMAIL_ENCRYPTION_KEY) {
    problems.push({
      variable: 'EMAIL_ENCRYPTION_KEY',
      problem: 'is required when EMAIL_MONITORING_ENABLED is true (mailbox passwords are stored encrypted).',
      fix: 'set EMAIL_ENCRYPTION_KEY to a Fernet key (keep the one you already use; `clara keygen` prints a new one), or set EMAIL_MONITORING_ENABLED=false.',
    });
  }

  if (config.ENABLE_GRAPH_MEMORY && config.GRAPH_STORE_PROVIDER === 'neo4j' && !config.NEO4J_URL) {
    problems.push({
      variable: 'NEO4J_URL',
      problem: 'is required because ENABLE_GRAPH_MEMORY is true and GRAPH_STORE_PROVIDER is neo4j.',
      fix: 'set NEO4J_URL (e.g. bolt://localhost:7687) with NEO4J_USERNAME and NEO4J_PASSWORD, or set GRAPH_STORE_PROVIDER=database to keep the graph in the main database.',
    });
  }

  return problems;
}
