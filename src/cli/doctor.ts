/**
 * `clara doctor`: checks configuration, the database and LLM reachability (one tiny request per configured
 * provider), then prints what is enabled, what is missing and the fix for each.
 */

import { SHIPPED_PERSONALITIES } from '../app/paths.js';
import { type Config, dataPath, llmSetupStatus, redactUrl, webPort } from '../config/index.js';
import { openDatabase } from '../db/index.js';
import { listPersonalities, loadPersona } from '../engine/index.js';
import { createLlm, LlmError, type ProviderName, providerSettingsFromEnv } from '../llm/index.js';
import { memoryDoctorLines } from './doctor-memory.js';

type Mark = 'ok' | 'fail' | 'warn' | 'off';
const SYMBOL: Record<Mark, string> = { ok: '✓', fail: '✗', warn: '!', off: '–' };

export interface DoctorLine {
  mark: Mark;
  area: string;
  detail: string;
  fix?: string;
}

async function checkDatabase(config: Config): Promise<DoctorLine> {
  const where = config.DATABASE_URL
    ? `PostgreSQL ${redactUrl(config.DATABASE_URL)}`
    : `SQLite ${dataPath(config, 'assistant.db')}`;
  try {
    const db = await openDatabase({ url: config.DATABASE_URL, dataDir: dataPath(config) });
    await db.ping();
    await db.close();
    return { mark: 'ok', area: 'Database', detail: `${where} is reachable` };
  } catch (error) {
    return {
      mark: 'fail',
      area: 'Database',
      detail: error instanceof Error ? error.message : String(error),
      fix: config.DATABASE_URL
        ? 'check DATABASE_URL (host, port, user, password, database) and that the server is running, or unset it to use the embedded SQLite file'
        : 'check that DATA_DIR points to a writable folder',
    };
  }
}

async function checkProvider(config: Config, name: ProviderName, role: string): Promise<DoctorLine> {
  const env = config as unknown as Readonly<Record<string, string | undefined>>;
  const area = `LLM (${role})`;
  try {
    const llm = createLlm({
      primary: providerSettingsFromEnv(name, env, {
        timeoutMs: Math.min(config.LLM_TIMEOUT_SECONDS, 30) * 1_000,
      }),
      maxRetries: 0,
    });
    const started = Date.now();
    const result = await llm.complete({
      messages: [{ role: 'user', content: 'Reply with the single word OK.' }],
      maxTokens: 5,
      purpose: 'doctor',
    });
    return {
      mark: 'ok',
      area,
      detail: `${name} answered with ${result.model} in ${Date.now() - started} ms`,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const fix =
      error instanceof LlmError && error.kind === 'not_found'
        ? 'check the model names (`clara config` shows them) and the base URL'
        : error instanceof LlmError && error.kind === 'auth'
          ? 'check the API key'
          : 'check the base URL and your network';
    return { mark: 'fail', area, detail: `${name}: ${message}`, fix };
  }
}

export async function doctorReport(config: Config): Promise<DoctorLine[]> {
  const lines: DoctorLine[] = [{ mark: 'ok', area: 'Config', detail: 'all variables are valid' }];
  lines.push(await checkDatabase(config));

  const status = llmSetupStatus(config);
  const providers = [
    { setup: status, role: 'primary' },
    ...status.fallbacks.map((setup) => ({ setup, role: 'fallback' })),
  ];
  for (const { setup, role } of providers) {
    if (setup.ready) lines.push(await checkProvider(config, setup.provider, role));
    else {
      lines.push({
        mark: 'fail',
        area: `LLM (${role})`,
        detail: `${setup.provider}: ${setup.missing.join(', ')} not set`,
        fix: setup.fix,
      });
    }
  }

  const directories = [dataPath(config, 'personalities'), SHIPPED_PERSONALITIES];
  const persona = loadPersona({
    file: config.BOT_PERSONALITY_FILE,
    text: config.BOT_PERSONALITY,
    name: config.CLARA_PERSONALITY,
    directories,
    botName: config.BOT_NAME,
  });
  lines.push({
    mark: persona.source === 'built-in' ? 'warn' : 'ok',
    area: 'Persona',
    detail: `${persona.botName} from ${persona.source} (available: ${listPersonalities(directories).join(', ')})`,
    fix: persona.source === 'built-in' ? 'set CLARA_PERSONALITY to one of the available names' : undefined,
  });

  lines.push(...(await memoryDoctorLines(config)));

  lines.push(
    config.DISCORD_MONITOR_ENABLED
      ? {
          mark: 'ok',
          area: 'Web',
          detail: `chat page on http://${config.CLARA_WEB_HOST}:${webPort(config)}/${config.CLARA_WEB_TOKEN ? ' (token required)' : ''}`,
        }
      : {
          mark: 'off',
          area: 'Web',
          detail: 'disabled',
          fix: 'set DISCORD_MONITOR_ENABLED=true to serve the chat page',
        },
  );
  lines.push({ mark: 'ok', area: 'Terminal', detail: '`clara chat` is available' });
  lines.push(
    config.DISCORD_BOT_TOKEN
      ? {
          mark: 'warn',
          area: 'Discord',
          detail: 'DISCORD_BOT_TOKEN is set, but this build has no Discord adapter yet',
        }
      : {
          mark: 'off',
          area: 'Discord',
          detail: 'not configured',
          fix: 'set DISCORD_BOT_TOKEN once the Discord adapter is available',
        },
  );
  return lines;
}

export function formatDoctor(lines: readonly DoctorLine[]): string {
  const width = Math.max(...lines.map((l) => l.area.length));
  return lines
    .map((l) => {
      const head = `${SYMBOL[l.mark]} ${l.area.padEnd(width)}  ${l.detail}`;
      return l.fix && l.mark !== 'ok' ? `${head}\n  ${' '.repeat(width)}  fix: ${l.fix}` : head;
    })
    .join('\n');
}

export async function runDoctor(config: Config): Promise<number> {
  const lines = await doctorReport(config);
  process.stdout.write(`${formatDoctor(lines)}\n`);
  return lines.some((l) => l.mark === 'fail') ? 1 : 0;
}
