import { describe, expect, it } from 'vitest';
import { AnthropicStreamState, anthropicFinishReason, OpenAIStreamState } from './convert-stream.js';

const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  model: 'm-1',
  choices: [{ index: 0, delta, finish_reason: finish }],
});

describe('OpenAIStreamState', () => {
  it('accumulates text, tool-call argument pieces by index, finish reason, usage and cost', () => {
    const state = new OpenAIStreamState();
    const texts = [
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo' }),
      chunk({
        tool_calls: [{ index: 0, id: 'c0', type: 'function', function: { name: 'a', arguments: '' } }],
      }),
      chunk({
        tool_calls: [{ index: 1, id: 'c1', type: 'function', function: { name: 'b', arguments: '{"x"' } }],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: ':2}' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"z"}' } }] }),
      chunk({}, 'tool_calls'),
      { choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, cost: 0.5 } },
    ].map((c) => state.push(c));
    expect(texts.join('')).toBe('Hello');
    expect(state.toolCalls()).toEqual([
      { id: 'c0', name: 'a', arguments: '{"q":"z"}' },
      { id: 'c1', name: 'b', arguments: '{"x":2}' },
    ]);
    expect(state.finishReason).toBe('tool_calls');
    expect(state.usage).toEqual({ inputTokens: 7, outputTokens: 3, cost: 0.5 });
    expect(state.model).toBe('m-1');
  });

  it('tolerates proxies: no index, whole calls at once, object arguments, strings, junk', () => {
    const state = new OpenAIStreamState();
    state.push(chunk({ tool_calls: [{ id: 'a', function: { name: 'one', arguments: '{"k":' } }] }));
    state.push(chunk({ tool_calls: [{ function: { arguments: '1}' } }] }));
    state.push(
      chunk({
        tool_calls: [
          { id: 'b', function: { name: 'two', arguments: { deep: true } } },
          { id: 'c', function: { name: 'three' } },
        ],
      }),
    );
    expect(state.push('bare text')).toBe('bare text');
    expect(state.push(null)).toBe('');
    expect(state.push({ choices: 'nonsense' })).toBe('');
    expect(state.toolCalls()).toEqual([
      { id: 'a', name: 'one', arguments: '{"k":1}' },
      { id: 'b', name: 'two', arguments: '{"deep":true}' },
      { id: 'c', name: 'three', arguments: '{}' },
    ]);
    expect(state.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
  });

  it('reads a whole completion (message instead of delta)', () => {
    const state = new OpenAIStreamState();
    const text = state.push({
      choices: [
        {
          message: { content: 'Hi', tool_calls: [{ id: 't', function: { name: 'n', arguments: '{}' } }] },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 1 },
    });
    expect(text).toBe('Hi');
    expect(state.toolCalls()).toEqual([{ id: 't', name: 'n', arguments: '{}' }]);
  });
});

describe('AnthropicStreamState', () => {
  it('accumulates a streamed message with text and tool_use blocks', () => {
    const state = new AnthropicStreamState();
    const events = [
      {
        type: 'message_start',
        message: {
          model: 'claude-x',
          content: [],
          usage: {
            input_tokens: 10,
            cache_read_input_tokens: 5,
            cache_creation_input_tokens: 1,
            output_tokens: 1,
          },
        },
      },
      { type: 'ping' },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me ' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'check.' } },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'tu1', name: 'search', input: {} },
      },
      {
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: '{"q": "ti' },
      },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: 'des"}' } },
      { type: 'content_block_stop', index: 1 },
      {
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 'tu2', name: 'now', input: {} },
      },
      { type: 'content_block_stop', index: 2 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 42 } },
      { type: 'message_stop' },
    ];
    expect(events.map((e) => state.push(e)).join('')).toBe('Let me check.');
    expect(state.toolCalls()).toEqual([
      { id: 'tu1', name: 'search', arguments: '{"q": "tides"}' },
      { id: 'tu2', name: 'now', arguments: '{}' },
    ]);
    expect(state.usage).toEqual({ inputTokens: 16, outputTokens: 42 });
    expect(state.finishReason).toBe('tool_calls');
    expect(state.model).toBe('claude-x');
  });

  it('reads a whole (non-streamed) message', () => {
    const state = new AnthropicStreamState();
    const text = state.push({
      type: 'message',
      model: 'claude-y',
      content: [
        { type: 'text', text: 'Sure.' },
        { type: 'tool_use', id: 'a', name: 'n', input: { x: 1 } },
      ],
      stop_reason: 'end_turn',
      usage: { input_tokens: 3, output_tokens: 4 },
    });
    expect(text).toBe('Sure.');
    expect(state.toolCalls()).toEqual([{ id: 'a', name: 'n', arguments: '{"x":1}' }]);
    expect(state.usage).toEqual({ inputTokens: 3, outputTokens: 4 });
    expect(state.finishReason).toBe('stop');
  });

  it('maps stop reasons', () => {
    expect(anthropicFinishReason('end_turn')).toBe('stop');
    expect(anthropicFinishReason('max_tokens')).toBe('length');
    expect(anthropicFinishReason('refusal')).toBe('refusal');
    expect(anthropicFinishReason(null)).toBeNull();
  });
});
