/** The log tools over real `log_entries` rows on SQLite and PostgreSQL, and over Clara's own log lines. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LogEntryInput } from '../../src/db/index.js';
import {
  defineTool,
  formatLogTime,
  systemLogTools,
  type ToolContext,
  ToolRegistry,
} from '../../src/tools/index.js';
import { DIALECTS, type OpenTarget, openMigrated } from '../db/targets.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { useFakeLlm } from '../support/hooks.js';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const admin: ToolContext = {
  userId: 'discord-1',
  conversationId: 'discord-dm-1',
  sessionId: 's-1',
  platform: 'discord',
  isAdmin: true,
};

const ROWS: LogEntryInput[] = [
  {
    timestamp: hoursAgo(1),
    level: 'INFO',
    loggerName: 'discord.gateway',
    message: 'Connected as Clara#0001',
  },
  {
    timestamp: hoursAgo(2),
    level: 'ERROR',
    loggerName: 'email.imap',
    message: 'IMAP login failed for a@b.c',
    exception:
      'Traceback (most recent call last):\n  File "a.py", line 1\n  File "b.py", line 2\n  File "c.py", line 3\nLoginError: bad password',
  },
  { timestamp: hoursAgo(3), level: 'WARNING', loggerName: 'llm', message: 'Rate limited 50% of the time' },
  { timestamp: hoursAgo(5), level: 'CRITICAL', loggerName: 'db', message: 'Database unreachable' },
  {
    timestamp: hoursAgo(30),
    level: 'ERROR',
    loggerName: 'email.imap',
    message: 'IMAP login failed long ago',
  },
  { timestamp: hoursAgo(0.5), level: 'DEBUG', loggerName: 'tools', message: 'x'.repeat(400) },
];

describe.each(DIALECTS)('log tools on %s', (dialect) => {
  let target: OpenTarget;
  let registry: ToolRegistry;
  const run = (name: string, args: Record<string, unknown> = {}, context = admin) =>
    registry.execute({ name, arguments: JSON.stringify(args) }, context);

  beforeAll(async () => {
    target = await openMigrated(dialect);
    await target.db.repos.logEntries.insertMany(ROWS);
    registry = new ToolRegistry();
    for (const tool of systemLogTools({ logEntries: target.db.repos.logEntries, now: () => NOW })) {
      registry.register(tool);
    }
  });
  afterAll(async () => {
    await target.cleanup();
  });

  it('search_logs: message text (case-insensitive), window, level in any case, traceback tail', async () => {
    const result = await run('search_logs', { query: 'imap LOGIN', level: 'error' });
    expect(result.content).toBe(
      'Found 1 log entry (newest first):\n\n' +
        `[${formatLogTime(hoursAgo(2))}] **ERROR** \`email.imap\`: IMAP login failed for a@b.c\n` +
        '```\n  File "b.py", line 2\n  File "c.py", line 3\nLoginError: bad password\n```',
    );
    expect(formatLogTime(hoursAgo(2))).toBe('03-10 10:00:00');
    const wider = await run('search_logs', { query: 'imap login', hours: 48 });
    expect(wider.content).toMatch(/^Found 2 log entries/);
    // `%` and `_` are literal, not wildcards.
    expect((await run('search_logs', { query: '50%' })).content).toContain('Rate limited 50% of the time');
    expect((await run('search_logs', { query: '_' })).content).toMatch(/^No log entries found/);
  });

  it('search_logs: no results name the filters; messages are cut at 200 characters', async () => {
    const none = await run('search_logs', { query: 'nothing like this', logger_name: 'web', level: 'WARN' });
    expect(none.content).toBe(
      "No log entries found (message contains 'nothing like this', logger contains 'web', level WARNING, last 24 hours).",
    );
    const debug = await run('search_logs', { logger_name: 'TOOLS' });
    expect(debug.content).toContain(`\`tools\`: ${'x'.repeat(200)}…`);
    const bad = await run('search_logs', { level: 'loud' });
    expect(bad.content).toMatch(
      /^Error: invalid arguments for search_logs: level: expected one of "DEBUG"\|/,
    );
  });

  it('get_recent_logs: newest first, logger filter, limit capped at 100', async () => {
    const result = await run('get_recent_logs', { limit: '3' });
    const lines = result.content.split('\n');
    expect(lines[0]).toBe('Latest 3 log entries (newest first):');
    expect(lines.slice(1).map((l) => l.split(': ')[0])).toEqual([
      `[${formatLogTime(hoursAgo(0.5))}] DEBUG tools`,
      `[${formatLogTime(hoursAgo(1))}] INFO discord.gateway`,
      `[${formatLogTime(hoursAgo(2))}] ERROR email.imap`,
    ]);
    expect(lines[1]).toHaveLength(`[03-10 11:30:00] DEBUG tools: `.length + 151);
    const imap = await run('get_recent_logs', { logger_name: 'imap', limit: 500 });
    expect(imap.content.split('\n').slice(1)).toHaveLength(2);
  });

  it('get_error_logs: errors and criticals in the window, warnings on request, traceback start', async () => {
    const result = await run('get_error_logs');
    expect(result.content).toMatch(/^2 errors in the last 24 hours \(newest first\):/);
    expect(result.content).toContain(
      `### [${formatLogTime(hoursAgo(2))}] ERROR \`email.imap\`\nIMAP login failed for a@b.c\n\`\`\`\nTraceback`,
    );
    expect(result.content).toContain('CRITICAL `db`\nDatabase unreachable');
    expect(result.content).not.toContain('long ago');
    const withWarnings = await run('get_error_logs', { include_warnings: 'true', hours: 72 });
    expect(withWarnings.content).toMatch(/^4 errors or warnings in the last 72 hours/);
    const none = await run('get_error_logs', { hours: 0.1 });
    expect(none.content).toBe('No errors in the last 0.1 hours.');
  });

  it('are admin only: not offered to others, and refused when called anyway', async () => {
    const user = { ...admin, isAdmin: false };
    expect(registry.specs(user)).toEqual([]);
    expect(registry.specs(admin).map((s) => s.name)).toEqual([
      'search_logs',
      'get_recent_logs',
      'get_error_logs',
    ]);
    expect(await run('get_recent_logs', {}, user)).toEqual({
      content: 'Error: the tool get_recent_logs is only for admins.',
      isError: true,
    });
  });
});

describe('log tools in the app', () => {
  const llm = useFakeLlm();
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it("find Clara's own warning about a failed tool call", async () => {
    app = await startTestApp({ backend: 'sqlite', fake: llm.current });
    app.tools.register(
      defineTool({
        name: 'broken_tool',
        description: 'Always fails.',
        schema: z.object({}),
        run: async () => {
          throw new Error('disk on fire');
        },
      }),
    );
    const context = { ...admin, platform: 'web' };
    await app.tools.execute({ name: 'broken_tool', arguments: '{}' }, context);
    await app.log.flush();
    const result = await app.tools.execute(
      { name: 'get_error_logs', arguments: '{"include_warnings": true}' },
      context,
    );
    expect(result.content).toMatch(/^\d+ errors? or warnings? in the last 24 hours/);
    expect(result.content).toContain('WARNING `tools`\ntool broken_tool failed');
    const rows = await app.db.repos.logEntries.query({ search: 'tool broken_tool failed' });
    expect(rows[0]).toMatchObject({ userId: 'discord-1', sessionId: 's-1', level: 'WARNING' });
    expect(rows[0]?.extraData).toMatchObject({
      tool: 'broken_tool',
      ok: false,
      error: expect.stringContaining('disk on fire'),
    });
  });
});
