import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  dataPath,
  describeConfig,
  isLoopbackHost,
  loadConfig,
  logDir,
  s3Buckets,
  scrubSecrets,
  secretValues,
  webPort,
} from './index.js';

const load = (env: Record<string, string>) => loadConfig({ env, envFile: false });

describe('describeConfig', () => {
  const config = load({
    OPENROUTER_API_KEY: 'sk-or-v1-abcdefghijklmnop',
    DATABASE_URL: 'postgresql://clara:hunter2hunter2@db:5432/clara',
    DISCORD_ALLOWED_SERVERS: '1,2',
    BOT_NAME: 'Flo',
  });
  const rows = describeConfig(config);
  const row = (name: string) => rows.find((r) => r.name === name);

  it('has one row per variable with its group', () => {
    expect(row('LLM_PROVIDER')).toEqual({
      name: 'LLM_PROVIDER',
      group: 'LLM',
      value: 'openrouter',
      isDefault: true,
      secret: false,
    });
    expect(row('BOT_NAME')).toMatchObject({ value: 'Flo', isDefault: false, group: 'Misc' });
    expect(row('DISCORD_ALLOWED_SERVERS')).toMatchObject({ value: '1,2', isDefault: false });
    expect(row('PORT')).toMatchObject({ value: '(not set)', isDefault: true });
  });

  it('masks secrets and redacts URL passwords', () => {
    expect(row('OPENROUTER_API_KEY')).toMatchObject({
      value: '**** (set, 25 chars)',
      secret: true,
      isDefault: false,
    });
    expect(row('ANTHROPIC_API_KEY')).toMatchObject({ value: '(not set)', secret: true, isDefault: true });
    expect(row('DATABASE_URL')?.value).toBe('postgresql://clara:****@db:5432/clara');
    const printed = JSON.stringify(rows);
    expect(printed).not.toContain('abcdefghijklmnop');
    expect(printed).not.toContain('hunter2hunter2');
  });

  it('treats a value equal to its (derived) default as default', () => {
    const derived = describeConfig(load({ OPENROUTER_MODEL: 'a/b' }));
    expect(derived.find((r) => r.name === 'OPENROUTER_MODEL_MID')).toMatchObject({
      value: 'a/b',
      isDefault: true,
    });
    expect(derived.find((r) => r.name === 'OPENROUTER_MODEL')).toMatchObject({ isDefault: false });
  });

  it('onlySet keeps the values that differ from their defaults', () => {
    expect(describeConfig(config, { onlySet: true }).map((r) => r.name)).toEqual([
      'OPENROUTER_API_KEY',
      'DISCORD_ALLOWED_SERVERS',
      'DATABASE_URL',
      'BOT_NAME',
    ]);
  });
});

describe('secretValues', () => {
  it('collects secret values and passwords embedded in URLs (raw and decoded)', () => {
    const config = load({
      OPENROUTER_API_KEY: 'sk-or-v1-abcdefghijklmnop',
      DISCORD_BOT_TOKEN: 'discord-token-value',
      DATABASE_URL: 'postgresql://clara:p%40ssw0rd!@db/clara',
      MEM0_DATABASE_URL: 'postgresql://mem:vectorpass@db/mem',
      CUSTOM_OPENAI_BASE_URL: 'https://llm.example/v1',
    });
    expect(secretValues(config).sort()).toEqual(
      ['sk-or-v1-abcdefghijklmnop', 'discord-token-value', 'p%40ssw0rd!', 'p@ssw0rd!', 'vectorpass'].sort(),
    );
  });

  it('feeds scrubSecrets so that none of them survive in a log line', () => {
    const config = load({
      TAVILY_API_KEY: 'tvly-secret-123456',
      DATABASE_URL: 'postgres://u:dbpassword1@h/d',
    });
    const line = 'calling tavily with tvly-secret-123456 after connecting to postgres://u:dbpassword1@h/d';
    const scrubbed = scrubSecrets(line, secretValues(config));
    expect(scrubbed).not.toContain('tvly-secret-123456');
    expect(scrubbed).not.toContain('dbpassword1');
  });

  it('is empty when no secret is set', () => {
    expect(secretValues(load({}))).toEqual([]);
  });
});

describe('derived helpers', () => {
  it('webPort prefers PORT over DISCORD_MONITOR_PORT', () => {
    expect(webPort(load({}))).toBe(8001);
    expect(webPort(load({ DISCORD_MONITOR_PORT: '9000' }))).toBe(9000);
    expect(webPort(load({ DISCORD_MONITOR_PORT: '9000', PORT: '3000' }))).toBe(3000);
  });

  it('dataPath and logDir resolve against DATA_DIR; logDir is null when off', () => {
    const config = load({ DATA_DIR: '/var/lib/clara' });
    expect(dataPath(config, 'assistant.db')).toBe(path.join('/var/lib/clara', 'assistant.db'));
    expect(logDir(config)).toBe(path.join('/var/lib/clara', 'logs'));
    expect(logDir(load({ DATA_DIR: '/d', CLARA_LOG_DIR: '/var/log/clara' }))).toBe('/var/log/clara');
    expect(logDir(load({ CLARA_LOG_DIR: 'OFF' }))).toBeNull();
    expect(dataPath(load({}), 'x')).toBe(path.resolve('x'));
  });

  it('s3Buckets keeps the separate defaults unless S3_BUCKET is set', () => {
    expect(s3Buckets(load({}))).toEqual({ files: 'clara-files', backups: 'clara-backups' });
    expect(s3Buckets(load({ S3_BUCKET: 'mine' }))).toEqual({ files: 'mine', backups: 'mine' });
  });

  it('isLoopbackHost', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host)).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com', '10.0.0.1']) {
      expect(isLoopbackHost(host)).toBe(false);
    }
  });
});
