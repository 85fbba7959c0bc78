/** Argument coercion (spec §4.3), validation messages, result capping and schema emission of the registry. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  capToolResult,
  coerceArguments,
  defineTool,
  registerBuiltinTools,
  type ToolContext,
  ToolRegistry,
  toolParameters,
} from '../../src/tools/index.js';

const context: ToolContext = {
  userId: 'u',
  conversationId: 'c',
  sessionId: '',
  platform: 'cli',
  isAdmin: true,
};

const schema = z.object({
  count: z.number().int().optional(),
  ratio: z.number().optional(),
  flag: z.boolean().optional(),
  names: z.array(z.string()).optional(),
  ids: z.array(z.number()).optional(),
  label: z.string().optional(),
  maybe: z.string().nullable().optional(),
  nested: z.object({ depth: z.number() }).optional(),
});
const parameters = toolParameters('t', schema);

describe('lenient coercion before validation', () => {
  it('turns strings into numbers, booleans, lists and objects where the schema wants them', () => {
    expect(
      coerceArguments(
        {
          count: ' 7 ',
          ratio: '0.25',
          flag: 'Yes',
          names: '["a", "b"]',
          ids: '[1, "2"]',
          label: 42,
          nested: '{"depth": "3"}',
          extra: 'kept',
        },
        parameters,
      ),
    ).toEqual({
      count: 7,
      ratio: 0.25,
      flag: true,
      names: ['a', 'b'],
      ids: [1, 2],
      label: '42',
      nested: { depth: 3 },
      extra: 'kept',
    });
  });

  it('wraps a bare value in a list, reads false words, and drops null for optional members', () => {
    expect(
      coerceArguments({ names: 'solo', ids: 5, flag: 'off', count: null, maybe: null }, parameters),
    ).toEqual({
      names: ['solo'],
      ids: [5],
      flag: false,
      maybe: null,
    });
  });

  it('leaves what it cannot coerce for validation to report', () => {
    expect(coerceArguments({ count: 'many', flag: 'perhaps', names: '[broken' }, parameters)).toEqual({
      count: 'many',
      flag: 'perhaps',
      names: '[broken',
    });
    expect(coerceArguments('not an object', parameters)).toBe('not an object');
  });
});

describe('validation messages', () => {
  const registry = new ToolRegistry();
  registry.register(
    defineTool({
      name: 'make_note',
      description: 'Makes a note.',
      schema: z.object({
        title: z.string().min(3),
        body: z.string(),
        priority: z.number().int().min(1).max(5).optional(),
        tags: z.array(z.string()).optional(),
      }),
      run: async (args) => `noted ${args.title}`,
    }),
  );
  const run = (args: unknown) =>
    registry.execute({ name: 'make_note', arguments: JSON.stringify(args) }, context);

  it('names each wrong argument, what was expected and what came, then lists the parameters', async () => {
    expect(await run({ title: 'ab', priority: 9, tags: [{}] })).toEqual({
      isError: true,
      content:
        'Error: invalid arguments for make_note: title: expected string to have >=3 characters, got string "ab"; ' +
        'body: missing (required, expected string); priority: expected number to be <=5, got number 9; ' +
        'tags.0: expected string, got object {}. Fix the arguments and call make_note again. ' +
        'Its parameters: title: string (required); body: string (required); priority: integer; tags: array of string.',
    });
    expect((await run(['x'])).content).toMatch(
      /^Error: invalid arguments for make_note: \(arguments\): expected object, got array \["x"\]/,
    );
    expect(await run({ title: 'abc', body: 'b', priority: '2' })).toEqual({ content: 'noted abc' });
  });
});

describe('results and schemas', () => {
  it('caps a long result within the limit, note included, and leaves short ones alone', () => {
    expect(capToolResult('short', 1000)).toEqual({ content: 'short', truncated: false });
    const long = 'y'.repeat(120_000);
    const capped = capToolResult(long, 50_000);
    expect(capped.truncated).toBe(true);
    expect(capped.content.length).toBeLessThanOrEqual(50_000);
    const kept = capped.content.indexOf('\n\n[Output truncated');
    expect(capped.content).toContain(
      `showing the first ${kept.toLocaleString('en-US')} of 120,000 characters`,
    );
    // Capping again at the same size (the tool loop's) changes nothing.
    expect(capToolResult(capped.content, 50_000)).toEqual({ content: capped.content, truncated: false });
  });

  it('emits object schemas without $schema and refuses a tool whose schema is not an object', () => {
    expect(toolParameters('x', z.object({}))).toEqual({ type: 'object', properties: {} });
    const registry = new ToolRegistry();
    expect(() =>
      registry.register(
        defineTool({ name: 'bad', description: 'd', schema: z.string(), run: async () => '' }),
      ),
    ).toThrow('Tool "bad": its schema must be a z.object(...)');
  });
});

describe('what the prompt mentions exists', () => {
  it('every snake_case name in the personas, the tool instructions and the tool descriptions is a tool or parameter', () => {
    const registry = new ToolRegistry();
    registerBuiltinTools(registry, {
      chatHistory: { messages: { byConversation: async () => [] }, botName: 'Clara' },
      systemLogs: { logEntries: { query: async () => [] } },
      webSearch: { apiKey: 'tvly-unused-123' },
    });
    const specs = registry.specs(context);
    const known = new Set<string>(specs.map((s) => s.name));
    for (const spec of specs)
      for (const name of Object.keys(spec.parameters.properties as object)) known.add(name);
    const dir = join(import.meta.dirname, '../../personalities');
    const texts = [
      ...readdirSync(dir).map((file) => readFileSync(join(dir, file), 'utf8')),
      registry.instructions(context),
      ...specs.map((s) => s.description),
    ];
    const mentioned = new Set(texts.flatMap((text) => text.match(/\b[a-z]+(?:_[a-z]+)+\b/g) ?? []));
    expect([...mentioned].filter((name) => !known.has(name))).toEqual([]);
    expect(specs.map((s) => s.name).sort()).toEqual(
      [
        'get_chat_history',
        'get_error_logs',
        'get_recent_logs',
        'search_chat_history',
        'search_logs',
        'web_search',
      ].sort(),
    );
  });
});
