import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_VARS, ConfigError, loadConfig } from './index.js';

const load = (env: Record<string, string>) => loadConfig({ env, envFile: false });

describe('loadConfig defaults', () => {
  it('gives every variable its seed default when nothing is set', () => {
    const config = load({});
    expect(config.LLM_PROVIDER).toBe('openrouter');
    expect(config.OPENROUTER_MODEL).toBe('anthropic/claude-sonnet-4');
    expect(config.OPENROUTER_MODEL_HIGH).toBe('anthropic/claude-opus-4');
    expect(config.ANTHROPIC_MODEL_LOW).toBe('claude-haiku-4-5');
    expect(config.CUSTOM_OPENAI_BASE_URL).toBe('https://api.openai.com/v1');
    expect(config.MEM0_MODEL).toBe('openai/gpt-4o-mini');
    expect(config.DISCORD_MAX_MESSAGES).toBe(25);
    expect(config.DISCORD_STOP_PHRASES).toEqual(['clara stop', 'stop clara', 'nevermind', 'never mind']);
    expect(config.DISCORD_AUTO_CONTINUE).toBe(true);
    expect(config.DISCORD_MONITOR_PORT).toBe(8001);
    expect(config.CLARA_MAX_FILE_SIZE).toBe(52428800);
    expect(config.DOCKER_SANDBOX_CPU).toBe(1);
    expect(config.DEFAULT_TIMEZONE).toBe('America/New_York');
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.PORT).toBeUndefined();
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.OPENROUTER_API_KEY).toBeUndefined();
  });

  it('gives the new variables their documented defaults', () => {
    const config = load({});
    expect(config.LLM_FALLBACK_PROVIDERS).toEqual([]);
    expect(config.LLM_TIMEOUT_SECONDS).toBe(120);
    expect(config.LLM_MAX_RETRIES).toBe(2);
    expect(config.SESSION_IDLE_MINUTES).toBe(30);
    expect(config.CONTEXT_MESSAGE_COUNT).toBe(15);
    expect(config.SUMMARY_INTERVAL).toBe(10);
    expect(config.MAX_TOOL_ITERATIONS).toBe(75);
    expect(config.CLARA_WEB_HOST).toBe('127.0.0.1');
    expect(config.CLARA_WEB_TOKEN).toBeUndefined();
    expect(config.CLARA_PERSONALITY).toBe('clara');
    expect(config.CLARA_LOG_DIR).toBe('logs');
    expect(config.CLARA_MAX_INPUT_CHARS).toBe(32000);
  });

  it('computes derived defaults from other variables', () => {
    const config = load({ OPENROUTER_MODEL: 'x/base', PROACTIVE_ENABLED: 'true', PORT: '3000' });
    expect(config.OPENROUTER_MODEL_MID).toBe('x/base');
    expect(config.NANOGPT_MODEL_MID).toBe('moonshotai/Kimi-K2-Instruct-0905');
    expect(config.ORS_ENABLED).toBe(true);
    expect(config.HEALTH_PORT).toBe(3000);
    expect(load({}).HEALTH_PORT).toBe(8080);
    expect(load({ MCP_SERVERS_DIR: '/srv/mcp' }).MCP_OAUTH_DIR).toBe(path.join('/srv/mcp', '.oauth'));
    expect(load({ ORS_ENABLED: 'false', PROACTIVE_ENABLED: 'true' }).ORS_ENABLED).toBe(false);
  });

  it('returns a deeply frozen object keyed by every variable name', () => {
    const config = load({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.DISCORD_STOP_PHRASES)).toBe(true);
    expect(Object.keys(config).sort()).toEqual(CONFIG_VARS.map((def) => def.name).sort());
  });
});

describe('loadConfig coercions', () => {
  it('treats empty and blank strings as unset', () => {
    const config = load({ LLM_PROVIDER: '', DISCORD_MAX_MESSAGES: '   ', OPENROUTER_API_KEY: '' });
    expect(config.LLM_PROVIDER).toBe('openrouter');
    expect(config.DISCORD_MAX_MESSAGES).toBe(25);
    expect(config.OPENROUTER_API_KEY).toBeUndefined();
  });

  it.each([
    ['true', true],
    ['FALSE', false],
    ['1', true],
    ['0', false],
    ['Yes', true],
    ['no', false],
    ['ON', true],
    ['off', false],
  ])('reads boolean %s as %s', (raw, expected) => {
    expect(
      load({ S3_ENABLED: raw, S3_ACCESS_KEY: 'access-key-1', S3_SECRET_KEY: 'secret-key-1' }).S3_ENABLED,
    ).toBe(expected);
  });

  it('trims list items and drops empty ones', () => {
    const config = load({
      DISCORD_ALLOWED_SERVERS: ' 123 ,, 456 ,',
      DISCORD_STOP_PHRASES: 'Halt Clara, ,STOP',
    });
    expect(config.DISCORD_ALLOWED_SERVERS).toEqual(['123', '456']);
    expect(config.DISCORD_STOP_PHRASES).toEqual(['halt clara', 'stop']);
  });

  it('matches providers case-insensitively and de-duplicates the fallback list', () => {
    const config = load({ LLM_PROVIDER: 'AnThRoPiC', LLM_FALLBACK_PROVIDERS: 'OpenAI, nanogpt ,openai' });
    expect(config.LLM_PROVIDER).toBe('anthropic');
    expect(config.LLM_FALLBACK_PROVIDERS).toEqual(['openai', 'nanogpt']);
    expect(load({ MEM0_PROVIDER: 'openai-custom' }).MEM0_PROVIDER).toBe('openai');
  });

  it.each([
    ['debug', 'debug'],
    ['INFO', 'info'],
    ['warn', 'warn'],
    ['Warning', 'warn'],
    ['ERROR', 'error'],
    ['critical', 'fatal'],
  ])('accepts LOG_LEVEL %s', (raw, expected) => {
    expect(load({ LOG_LEVEL: raw }).LOG_LEVEL).toBe(expected);
  });

  it('parses numbers, trimming whitespace', () => {
    const config = load({ DISCORD_MAX_CHARS: ' 5000 ', ORS_MIN_SPEAK_GAP_HOURS: '0.5', PORT: '3000' });
    expect(config.DISCORD_MAX_CHARS).toBe(5000);
    expect(config.ORS_MIN_SPEAK_GAP_HOURS).toBe(0.5);
    expect(config.PORT).toBe(3000);
  });

  it('accepts valid URLs, time zones and Fernet keys', () => {
    const key = Buffer.alloc(32, 7).toString('base64url');
    const config = load({
      DATABASE_URL: 'postgresql://clara:pw@db:5432/clara',
      NEO4J_URL: 'bolt://localhost:7687',
      DEFAULT_TIMEZONE: 'Europe/Berlin',
      EMAIL_ENCRYPTION_KEY: `${key}=`,
    });
    expect(config.DATABASE_URL).toBe('postgresql://clara:pw@db:5432/clara');
    expect(config.NEO4J_URL).toBe('bolt://localhost:7687');
    expect(config.DEFAULT_TIMEZONE).toBe('Europe/Berlin');
    expect(config.EMAIL_ENCRYPTION_KEY).toBe(`${key}=`);
  });
});

describe('loadConfig .env handling', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-config-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads <cwd>/.env and lets real environment variables win', () => {
    fs.writeFileSync(
      path.join(dir, '.env'),
      'LLM_PROVIDER=nanogpt\nBOT_NAME="Flo"\nDISCORD_MAX_MESSAGES=5\n',
    );
    const config = loadConfig({ cwd: dir, env: { DISCORD_MAX_MESSAGES: '7' } });
    expect(config.LLM_PROVIDER).toBe('nanogpt');
    expect(config.BOT_NAME).toBe('Flo');
    expect(config.DISCORD_MAX_MESSAGES).toBe(7);
  });

  it('falls back to the file when the real variable is empty', () => {
    fs.writeFileSync(path.join(dir, '.env'), 'BOT_NAME=Flo\n');
    expect(loadConfig({ cwd: dir, env: { BOT_NAME: '' } }).BOT_NAME).toBe('Flo');
  });

  it('never writes to process.env', () => {
    fs.writeFileSync(path.join(dir, '.env'), 'CLARA_TEST_ONLY_MARKER=1\nBOT_NAME=Flo\n');
    const before = { ...process.env };
    loadConfig({ cwd: dir });
    expect(process.env).toEqual(before);
  });

  it('works without a .env file and ignores it with envFile: false', () => {
    expect(loadConfig({ cwd: dir, env: {} }).BOT_NAME).toBe('Clara');
    fs.writeFileSync(path.join(dir, '.env'), 'BOT_NAME=Flo\n');
    expect(loadConfig({ cwd: dir, env: {}, envFile: false }).BOT_NAME).toBe('Clara');
  });

  it('loads the file named by CLARA_ENV_FILE or by the envFile option', () => {
    fs.writeFileSync(path.join(dir, 'a.env'), 'BOT_NAME=Ann\n');
    fs.writeFileSync(path.join(dir, 'b.env'), 'BOT_NAME=Bea\n');
    expect(loadConfig({ cwd: dir, env: { CLARA_ENV_FILE: 'a.env' } }).BOT_NAME).toBe('Ann');
    expect(
      loadConfig({ cwd: dir, env: { CLARA_ENV_FILE: 'a.env' }, envFile: path.join(dir, 'b.env') }).BOT_NAME,
    ).toBe('Bea');
  });

  it('fails clearly when an explicitly named env file is missing or unreadable', () => {
    expect(() => loadConfig({ cwd: dir, env: { CLARA_ENV_FILE: 'missing.env' } })).toThrow(
      /CLARA_ENV_FILE: the env file .*missing\.env cannot be read \(ENOENT\)[\s\S]*Fix: point CLARA_ENV_FILE at/,
    );
    expect(() => loadConfig({ cwd: dir, env: {}, envFile: 'nope.env' })).toThrow(
      /envFile option: .*nope\.env/,
    );
    fs.mkdirSync(path.join(dir, '.env'));
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrow(
      /\.env: the env file .* cannot be read \(EISDIR\)/,
    );
  });

  it('reports the .env file among the sources of an invalid value', () => {
    fs.writeFileSync(path.join(dir, '.env'), 'LLM_PROVIDER=bogus\n');
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrow(/Read from: environment, .*\.env\./);
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrow(ConfigError);
  });
});
