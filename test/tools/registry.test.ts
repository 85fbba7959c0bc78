/**
 * The tool registry as the model meets it: the real app, the real engine and tool loop, the fake LLM over HTTP,
 * and every execution recorded in the database (SQLite and PostgreSQL).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../src/tools/index.js';
import { BACKENDS, startTestApp, type TestApp } from '../support/app.js';
import { useFakeLlm } from '../support/hooks.js';
import { promptOf, turn } from '../support/turns.js';

// biome-ignore lint/suspicious/noExplicitAny: recorded JSON bodies
type Body = any;
const toolMessages = (body: Body): string[] =>
  promptOf({ body })
    .filter((m) => m.role === 'tool')
    .map((m) => m.content as string);
const offeredNames = (body: Body): string[] =>
  (body.tools ?? []).map((t: { function?: { name: string }; name?: string }) => t.function?.name ?? t.name);

const scheduleTool = (runs: unknown[]) =>
  defineTool({
    name: 'schedule_reminder',
    description: 'Schedules a reminder.',
    schema: z.object({
      text: z.string().min(1),
      minutes: z.number().int().positive(),
      urgent: z.boolean().optional(),
      tags: z.array(z.string()).optional(),
      channel: z.enum(['dm', 'here']).optional(),
    }),
    run: async (args, context) => {
      runs.push({ args, userId: context.userId, platform: context.platform, isAdmin: context.isAdmin });
      return `Reminder set in ${args.minutes} minutes.`;
    },
  });

describe.each(BACKENDS)('tool registry through the engine on %s', (backend) => {
  const llm = useFakeLlm();
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('sends argument errors back to the model, which fixes the call; each execution is recorded', async () => {
    app = await startTestApp({ backend, fake: llm.current });
    const runs: unknown[] = [];
    app.tools.register(scheduleTool(runs));
    llm.current.script(
      {
        toolCalls: [
          {
            id: 'c1',
            name: 'schedule_reminder',
            arguments: { text: 'tea', minutes: 'ten', channel: 'email' },
          },
        ],
      },
      // Lenient coercion: "5" → 5, "yes" → true, a bare string → a one-item list, null for an optional → left out.
      {
        toolCalls: [
          {
            id: 'c2',
            name: 'schedule_reminder',
            arguments: { text: 'tea', minutes: '5', urgent: 'yes', tags: 'kitchen', channel: null },
          },
        ],
      },
      'Done: tea in 5 minutes.',
    );
    const result = await turn(app.engine, 'remind me about tea');
    expect(result.last).toMatchObject({ type: 'done', text: 'Done: tea in 5 minutes.' });
    expect(runs).toEqual([
      {
        args: { text: 'tea', minutes: 5, urgent: true, tags: ['kitchen'] },
        userId: 'tester',
        platform: 'web',
        isAdmin: false,
      },
    ]);
    const [, second, third] = llm.current.chatRequests();
    const [error] = toolMessages(second?.body);
    expect(error).toBe(
      'Error: invalid arguments for schedule_reminder: minutes: expected number, got string "ten"; ' +
        'channel: expected one of "dm"|"here", got string "email". Fix the arguments and call schedule_reminder again. ' +
        'Its parameters: text: string (required); minutes: integer (required); urgent: boolean; tags: array of string; ' +
        'channel: one of "dm"|"here".',
    );
    expect(toolMessages(third?.body)).toEqual([error, 'Reminder set in 5 minutes.']);

    const records = await app.db.repos.toolCalls.recent({ toolName: 'schedule_reminder' });
    expect(records).toHaveLength(2);
    const [ok, failed] = records.sort((a, b) => Number(b.ok) - Number(a.ok));
    expect(ok).toMatchObject({
      toolName: 'schedule_reminder',
      userId: 'tester',
      conversationId: 'web-tester',
      platform: 'web',
      ok: true,
      error: null,
      truncated: false,
      resultChars: 'Reminder set in 5 minutes.'.length,
    });
    expect(ok?.sessionId).toBe((result.events[0] as { sessionId: string }).sessionId);
    expect(ok?.durationMs).toBeGreaterThanOrEqual(0);
    expect(failed).toMatchObject({ ok: false, error });
  });

  it('records failures and time-outs with their error, and the reply still completes', async () => {
    app = await startTestApp({ backend, fake: llm.current });
    let sawAbort = false;
    app.tools.register(
      defineTool({
        name: 'flaky_lookup',
        description: 'Fails.',
        schema: z.object({}),
        run: async () => {
          throw new Error('the backend said no');
        },
      }),
    );
    app.tools.register(
      defineTool({
        name: 'slow_lookup',
        description: 'Never finishes.',
        schema: z.object({}),
        timeoutMs: 200,
        run: (_args, context) =>
          new Promise<string>(() => {
            context.signal?.addEventListener('abort', () => {
              sawAbort = true;
            });
          }),
      }),
    );
    llm.current.script(
      {
        toolCalls: [
          { id: 'c1', name: 'flaky_lookup', arguments: {} },
          { id: 'c2', name: 'slow_lookup', arguments: '' },
          { id: 'c3', name: 'no_such_tool', arguments: {} },
          { id: 'c4', name: 'flaky_lookup', arguments: '{"broken' },
        ],
      },
      'Sorry, those lookups failed.',
    );
    const result = await turn(app.engine, 'look it up');
    expect(result.last).toMatchObject({ type: 'done', text: 'Sorry, those lookups failed.' });
    const messages = toolMessages(llm.current.chatRequests()[1]?.body);
    expect(messages[0]).toBe('Error: flaky_lookup failed: the backend said no');
    expect(messages[1]).toBe('Error: slow_lookup did not finish within 0.2 seconds and was stopped.');
    expect(messages[2]).toMatch(
      /^Error: there is no tool named "no_such_tool"\. Available tools: .*flaky_lookup/,
    );
    expect(messages[3]).toMatch(
      /^Error: the arguments for flaky_lookup are not valid JSON \(.+\)\. Send one JSON object\./,
    );
    expect(sawAbort).toBe(true);
    const endEvents = result.events.filter((e) => e.type === 'tool_end');
    expect(endEvents.map((e) => (e as { ok: boolean }).ok)).toEqual([false, false, false, false]);

    const records = await app.db.repos.toolCalls.recent({});
    expect(records.map((r) => [r.toolName, r.ok, r.error]).sort()).toEqual(
      [
        ['flaky_lookup', false, messages[0]],
        ['flaky_lookup', false, messages[3]],
        ['no_such_tool', false, messages[2]],
        ['slow_lookup', false, messages[1]],
      ].sort(),
    );
    expect(records.find((r) => r.toolName === 'slow_lookup')?.durationMs).toBeGreaterThanOrEqual(150);
  });
});

describe('tool registry: truncation, filtering, providers', () => {
  const llm = useFakeLlm();
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('cuts results at DISCORD_MAX_TOOL_RESULT_CHARS with a note, and records the full length', async () => {
    app = await startTestApp({
      backend: 'sqlite',
      fake: llm.current,
      env: { DISCORD_MAX_TOOL_RESULT_CHARS: '1000' },
    });
    const long = 'abcdefghij'.repeat(500);
    app.tools.register(
      defineTool({ name: 'dump_data', description: 'Dumps.', schema: z.object({}), run: async () => long }),
    );
    llm.current.script({ toolCalls: [{ id: 'c1', name: 'dump_data', arguments: {} }] }, 'It is long.');
    await turn(app.engine, 'dump it');
    const [content] = toolMessages(llm.current.chatRequests()[1]?.body);
    expect(content?.length).toBeLessThanOrEqual(1000);
    expect(content?.length).toBeGreaterThan(700);
    expect(long.startsWith(content?.split('\n\n[Output truncated')[0] ?? 'x')).toBe(true);
    expect(content).toMatch(/\[Output truncated: showing the first \d+ of 5,000 characters\. Use pagination/);
    const [record] = await app.db.repos.toolCalls.recent({ toolName: 'dump_data' });
    expect(record).toMatchObject({ ok: true, truncated: true, resultChars: 5000 });
  });

  it('offers platform tools only on their platform and admin tools only to admins', async () => {
    app = await startTestApp({ backend: 'sqlite', fake: llm.current });
    const runs: string[] = [];
    app.tools.register(
      defineTool({
        name: 'discord_only',
        description: 'Discord.',
        schema: z.object({}),
        platforms: ['discord'],
        run: async () => {
          runs.push('discord_only');
          return 'ok';
        },
      }),
    );
    app.tools.register(
      defineTool({
        name: 'admin_only',
        description: 'Admin.',
        schema: z.object({}),
        adminOnly: true,
        run: async () => {
          runs.push('admin_only');
          return 'ok';
        },
      }),
    );
    llm.current.script(
      {
        toolCalls: [
          { id: 'c1', name: 'admin_only', arguments: {} },
          { id: 'c2', name: 'discord_only', arguments: {} },
        ],
      },
      'Not allowed.',
      'Hi admin.',
    );
    await turn(app.engine, 'do admin things');
    const [asUser, afterRefusal] = llm.current.chatRequests();
    const userTools = offeredNames(asUser?.body);
    expect(userTools).not.toContain('admin_only');
    expect(userTools).not.toContain('discord_only');
    expect(userTools).not.toContain('search_logs');
    expect(toolMessages(afterRefusal?.body)).toEqual([
      'Error: the tool admin_only is only for admins.',
      'Error: the tool discord_only is not offered on web.',
    ]);
    expect(runs).toEqual([]);

    await turn(app.engine, 'hello', { isAdmin: true });
    const adminTools = offeredNames(llm.current.chatRequests()[2]?.body);
    expect(adminTools).toEqual(
      expect.arrayContaining(['admin_only', 'search_logs', 'get_recent_logs', 'get_error_logs']),
    );
    expect(adminTools).not.toContain('discord_only');
    const onDiscord = app.tools.specs({
      userId: 'discord-1',
      conversationId: 'discord-dm-1',
      sessionId: '',
      platform: 'discord',
      isAdmin: false,
    });
    expect(onDiscord.map((s) => s.name)).toContain('discord_only');
  });

  it('sends every built-in tool to Anthropic as an object input_schema', async () => {
    app = await startTestApp({
      backend: 'sqlite',
      fake: llm.current,
      env: {
        LLM_PROVIDER: 'anthropic',
        ANTHROPIC_API_KEY: 'anthropic-test-key-123',
        ANTHROPIC_BASE_URL: llm.current.anthropicBaseUrl,
        TAVILY_API_KEY: 'tvly-unused-key-123',
      },
    });
    llm.current.script('Hello.');
    await turn(app.engine, 'hi', { isAdmin: true });
    const [request] = llm.current.chatRequests();
    expect(request?.protocol).toBe('anthropic');
    const tools = request?.body.tools as Array<{ name: string; input_schema: Record<string, unknown> }>;
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'get_chat_history',
        'get_error_logs',
        'get_recent_logs',
        'search_chat_history',
        'search_logs',
        'web_search',
      ]),
    );
    for (const tool of tools) {
      expect(tool.input_schema).toMatchObject({ type: 'object', properties: expect.any(Object) });
      expect(tool.input_schema.$schema).toBeUndefined();
    }
    expect(tools.find((t) => t.name === 'search_logs')?.input_schema.properties).toMatchObject({
      level: { type: 'string', enum: ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] },
    });
  });

  it.each([
    ['an admin', true],
    ['a non-admin', false],
  ])(
    'mentions no tool in the system prompt or tool descriptions that is not offered to %s',
    async (_who, isAdmin) => {
      app = await startTestApp({
        backend: 'sqlite',
        fake: llm.current,
        env: { TAVILY_API_KEY: 'tvly-unused-123' },
      });
      llm.current.script('Hello.');
      await turn(app.engine, 'hi', { isAdmin });
      const body = llm.current.chatRequests()[0]?.body;
      const tools = (
        body.tools as Array<{ function: { name: string; description: string; parameters: object } }>
      ).map((t) => t.function);
      const known = new Set<string>();
      const collect = (schema: unknown) => {
        if (typeof schema !== 'object' || schema === null) return;
        const properties = (schema as { properties?: Record<string, unknown> }).properties ?? {};
        for (const [name, member] of Object.entries(properties)) {
          known.add(name);
          collect(member);
          collect((member as { items?: unknown }).items);
        }
      };
      for (const tool of tools) {
        known.add(tool.name);
        collect(tool.parameters);
      }
      const system = promptOf({ body })
        .filter((m) => m.role === 'system')
        .map((m) => String(m.content));
      const texts = [...system, ...tools.map((t) => t.description)];
      const mentioned = new Set(texts.flatMap((text) => text.match(/\b[a-z]+(?:_[a-z]+)+\b/g) ?? []));
      expect(mentioned).toContain('before_hours'); // the scan sees argument names in descriptions
      expect([...mentioned].filter((name) => !known.has(name))).toEqual([]);
    },
  );
});
