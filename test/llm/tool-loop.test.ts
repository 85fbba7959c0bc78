import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createLlm,
  type Llm,
  runToolLoop,
  type ToolCall,
  type ToolExecutor,
  type ToolLoopEvent,
  type ToolLoopOptions,
  WRAP_UP_NOTICE,
  WRAP_UP_PROMPT,
} from '../../src/llm/index.js';
import { type FakeLlm, startFakeLlm } from '../support/fake-llm.js';
import { anthropicSettings, collect, failureOf, openAISettings } from './helpers.js';

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const TOOLS = [
  { name: 'lookup', description: 'Look something up', parameters: { type: 'object', properties: {} } },
  { name: 'fetch_page', description: 'Fetch a page', parameters: { type: 'object', properties: {} } },
];

/** An executor that records calls and answers from a function. */
function executor(
  answer: (call: ToolCall) => string | Promise<string>,
): ToolExecutor & { calls: ToolCall[] } {
  const calls: ToolCall[] = [];
  return {
    calls,
    async execute(call) {
      calls.push(call);
      return { content: await answer(call) };
    },
  };
}

function options(overrides: Partial<ToolLoopOptions> & Pick<ToolLoopOptions, 'executor'>): ToolLoopOptions {
  return {
    messages: [
      { role: 'system', content: 'You are Clara.' },
      { role: 'user', content: 'What is the tide today?' },
    ],
    tools: TOOLS,
    maxIterations: 75,
    maxResultChars: 50_000,
    ...overrides,
  };
}

function openaiLlm(): Llm {
  return createLlm({ primary: openAISettings(fake, { name: 'openai' }), maxRetries: 0 });
}

const of = <T extends ToolLoopEvent['type']>(events: ToolLoopEvent[], type: T) =>
  events.filter((e): e is Extract<ToolLoopEvent, { type: T }> => e.type === type);

describe('runToolLoop', () => {
  it('a plain reply costs exactly one request', async () => {
    fake.script('High tide is at 14:05.');
    const events = await collect(runToolLoop(openaiLlm(), options({ executor: executor(() => 'unused') })));
    expect(fake.chatRequests()).toHaveLength(1);
    expect(fake.requests[0]?.body.tools).toHaveLength(2);
    expect(
      of(events, 'text')
        .map((e) => e.text)
        .join(''),
    ).toBe('High tide is at 14:05.');
    expect(of(events, 'usage')).toHaveLength(1);
    expect(of(events, 'usage')[0]).toMatchObject({ purpose: 'tools', provider: 'openai' });
    expect(events.at(-1)).toMatchObject({ type: 'done', text: 'High tide is at 14:05.', provider: 'openai' });
  });

  it('runs two tool rounds, counting steps across the turn, then answers', async () => {
    fake.script(
      { text: 'Let me check.', toolCalls: [{ id: 'c1', name: 'lookup', arguments: { q: 'tide' } }] },
      {
        toolCalls: [
          { id: 'c2', name: 'fetch_page', arguments: { url: 'https://tides.example' } },
          { id: 'c3', name: 'lookup', arguments: { q: 'moon' } },
        ],
      },
      'High tide is at 14:05.',
    );
    const tools = executor((call) => `result of ${call.name}`);
    const events = await collect(runToolLoop(openaiLlm(), options({ executor: tools })));
    expect(tools.calls.map((c) => c.id)).toEqual(['c1', 'c2', 'c3']);
    expect(of(events, 'tool_start').map((e) => [e.call.id, e.step])).toEqual([
      ['c1', 1],
      ['c2', 2],
      ['c3', 3],
    ]);
    expect(of(events, 'tool_end').every((e) => e.ok)).toBe(true);
    expect(of(events, 'usage')).toHaveLength(3);
    expect(fake.chatRequests()).toHaveLength(3);
    const third = fake.chatRequests()[2]?.body.messages;
    expect(third.slice(2)).toEqual([
      {
        role: 'assistant',
        content: 'Let me check.',
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q":"tide"}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'result of lookup' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'c2',
            type: 'function',
            function: { name: 'fetch_page', arguments: '{"url":"https://tides.example"}' },
          },
          { id: 'c3', type: 'function', function: { name: 'lookup', arguments: '{"q":"moon"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c2', content: 'result of fetch_page' },
      { role: 'tool', tool_call_id: 'c3', content: 'result of lookup' },
    ]);
    const done = events.at(-1);
    expect(done).toMatchObject({ type: 'done', text: 'Let me check.\n\nHigh tide is at 14:05.' });
    expect(
      of(events, 'text')
        .map((e) => e.text)
        .join(''),
    ).toBe('Let me check.\n\nHigh tide is at 14:05.');
    if (done?.type === 'done') {
      const perCall = of(events, 'usage').reduce((sum, e) => sum + e.usage.outputTokens, 0);
      expect(done.usage.outputTokens).toBe(perCall);
    }
  });

  it('truncates long results with a note on how to get the rest', async () => {
    fake.script({ toolCalls: [{ id: 'c1', name: 'lookup', arguments: {} }] }, 'done');
    const events = await collect(
      runToolLoop(openaiLlm(), options({ executor: executor(() => 'x'.repeat(120)), maxResultChars: 50 })),
    );
    const sent = fake.chatRequests()[1]?.body.messages.at(-1).content as string;
    expect(sent.startsWith(`${'x'.repeat(50)}\n\n[Output truncated`)).toBe(true);
    expect(sent).toContain('first 50 of 120 characters');
    expect(sent).toContain('per_page');
    expect(of(events, 'tool_end')[0]?.content).toBe(sent);
  });

  it('reports an executor exception back to the model instead of crashing', async () => {
    fake.script({ toolCalls: [{ id: 'c1', name: 'lookup', arguments: {} }] }, 'Sorry, the lookup failed.');
    const failing: ToolExecutor = {
      execute: async () => {
        throw new Error('database is on fire');
      },
    };
    const events = await collect(runToolLoop(openaiLlm(), options({ executor: failing })));
    expect(of(events, 'tool_end')[0]).toMatchObject({ ok: false, content: 'Error: database is on fire' });
    expect(fake.chatRequests()[1]?.body.messages.at(-1)).toEqual({
      role: 'tool',
      tool_call_id: 'c1',
      content: 'Error: database is on fire',
    });
    expect(events.at(-1)).toMatchObject({ type: 'done', text: 'Sorry, the lookup failed.' });
  });

  it('passes unparseable arguments to the executor as the raw string', async () => {
    fake.script({ toolCalls: [{ id: 'c1', name: 'lookup', arguments: '{"q": "unterminated' }] }, 'ok');
    const tools = executor((call) => {
      try {
        JSON.parse(call.arguments);
        return 'parsed';
      } catch {
        return 'Error: the arguments were not valid JSON';
      }
    });
    const events = await collect(runToolLoop(openaiLlm(), options({ executor: tools })));
    expect(tools.calls[0]?.arguments).toBe('{"q": "unterminated');
    expect(of(events, 'tool_end')[0]?.ok).toBe(false);
  });

  it('after maxIterations: a notice, a summary request without tools, done', async () => {
    const always = { toolCalls: [{ name: 'lookup', arguments: {} }] };
    fake.script(always, always, 'Here is what I found so far.');
    const events = await collect(
      runToolLoop(openaiLlm(), options({ executor: executor(() => 'more'), maxIterations: 2 })),
    );
    expect(fake.chatRequests()).toHaveLength(3);
    expect(of(events, 'notice')).toEqual([{ type: 'notice', text: WRAP_UP_NOTICE }]);
    const last = fake.chatRequests()[2]?.body;
    expect(last.tools).toBeUndefined();
    expect(last.messages.at(-1)).toEqual({ role: 'user', content: WRAP_UP_PROMPT });
    expect(of(events, 'usage').map((e) => e.purpose)).toEqual(['tools', 'tools', 'chat']);
    expect(events.at(-1)).toMatchObject({ type: 'done', text: 'Here is what I found so far.' });
  });

  it('without tools it makes a plain chat call', async () => {
    fake.script('Just chatting.');
    const events = await collect(
      runToolLoop(openaiLlm(), options({ tools: [], executor: executor(() => '') })),
    );
    expect(fake.requests[0]?.body.tools).toBeUndefined();
    expect(of(events, 'usage')[0]?.purpose).toBe('chat');
  });

  it('stops with aborted when the signal fires during a tool', async () => {
    fake.script({ toolCalls: [{ id: 'c1', name: 'lookup', arguments: {} }] }, 'never requested');
    const controller = new AbortController();
    const slow = executor(async () => {
      controller.abort();
      return 'late';
    });
    const error = await failureOf(
      runToolLoop(openaiLlm(), options({ executor: slow, signal: controller.signal })),
    );
    expect(error.kind).toBe('aborted');
    expect(fake.chatRequests()).toHaveLength(1);
  });
});

describe('runToolLoop with Anthropic', () => {
  it('batches the results of one turn into ONE user message of tool_result blocks', async () => {
    fake.script(
      {
        text: 'Two lookups.',
        toolCalls: [
          { id: 'toolu_a', name: 'lookup', arguments: { q: 'a' } },
          { id: 'toolu_b', name: 'lookup', arguments: { q: 'b' } },
        ],
      },
      'Both done.',
    );
    const llm = createLlm({ primary: anthropicSettings(fake), maxRetries: 0 });
    const events = await collect(
      runToolLoop(llm, options({ executor: executor((c) => `got ${c.arguments}`) })),
    );
    const second = fake.chatRequests()[1]?.body;
    expect(second.system).toBe('You are Clara.');
    expect(second.messages).toEqual([
      { role: 'user', content: 'What is the tide today?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Two lookups.' },
          { type: 'tool_use', id: 'toolu_a', name: 'lookup', input: { q: 'a' } },
          { type: 'tool_use', id: 'toolu_b', name: 'lookup', input: { q: 'b' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_a', content: 'got {"q":"a"}' },
          { type: 'tool_result', tool_use_id: 'toolu_b', content: 'got {"q":"b"}' },
        ],
      },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'done', provider: 'anthropic' });
  });

  it('the summary call after the budget renders earlier tool turns as text (no tools in the request)', async () => {
    fake.script({ toolCalls: [{ id: 'toolu_a', name: 'lookup', arguments: { q: 'a' } }] }, 'Summary.');
    const llm = createLlm({ primary: anthropicSettings(fake), maxRetries: 0 });
    await collect(runToolLoop(llm, options({ executor: executor(() => 'found it'), maxIterations: 1 })));
    const last = fake.chatRequests()[1]?.body;
    expect(last.tools).toBeUndefined();
    const blocks = JSON.stringify(last.messages);
    expect(blocks).not.toContain('tool_use');
    expect(blocks).not.toContain('tool_result');
    expect(blocks).toContain('[Called tool lookup with arguments: {\\"q\\":\\"a\\"}]');
    expect(blocks).toContain('[Result of tool lookup: found it]');
  });
});
