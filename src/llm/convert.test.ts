import { describe, expect, it } from 'vitest';
import {
  fromToolUse,
  parseDataUrl,
  parseToolInput,
  toAnthropicRequest,
  toAnthropicTools,
  toOpenAIMessages,
  toOpenAITools,
} from './convert.js';
import type { ChatMessage } from './types.js';

const toolTurn: ChatMessage[] = [
  { role: 'system', content: 'Persona.' },
  { role: 'user', content: 'Check two things' },
  {
    role: 'assistant',
    content: 'On it.',
    toolCalls: [
      { id: 't1', name: 'lookup', arguments: '{"q":"a"}' },
      { id: 't2', name: 'fetch', arguments: 'not json' },
    ],
  },
  { role: 'tool', toolCallId: 't1', content: 'A' },
  { role: 'tool', toolCallId: 't2', content: 'Error: bad args' },
  { role: 'user', content: 'thanks' },
];

describe('unified → OpenAI', () => {
  it('converts every role; assistant tool calls keep raw argument strings', () => {
    expect(toOpenAIMessages(toolTurn)).toEqual([
      { role: 'system', content: 'Persona.' },
      { role: 'user', content: 'Check two things' },
      {
        role: 'assistant',
        content: 'On it.',
        tool_calls: [
          { id: 't1', type: 'function', function: { name: 'lookup', arguments: '{"q":"a"}' } },
          { id: 't2', type: 'function', function: { name: 'fetch', arguments: 'not json' } },
        ],
      },
      { role: 'tool', tool_call_id: 't1', content: 'A' },
      { role: 'tool', tool_call_id: 't2', content: 'Error: bad args' },
      { role: 'user', content: 'thanks' },
    ]);
  });

  it('uses null content for a tool-only assistant turn and "" for an empty plain one; {} for empty arguments', () => {
    expect(
      toOpenAIMessages([
        { role: 'assistant', content: '', toolCalls: [{ id: 'x', name: 'n', arguments: '' }] },
        { role: 'assistant', content: null },
      ]),
    ).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'x', type: 'function', function: { name: 'n', arguments: '{}' } }],
      },
      { role: 'assistant', content: '' },
    ]);
  });

  it('converts tools to function tools', () => {
    expect(
      toOpenAITools([{ name: 'n', description: 'd', parameters: { type: 'object', required: ['a'] } }]),
    ).toEqual([
      {
        type: 'function',
        function: { name: 'n', description: 'd', parameters: { type: 'object', required: ['a'] } },
      },
    ]);
  });
});

describe('unified → Anthropic', () => {
  it('joins system messages, turns tool calls into tool_use with parsed input and batches tool results', () => {
    const { system, messages } = toAnthropicRequest([
      { role: 'system', content: 'Extra rules.' },
      ...toolTurn,
    ]);
    expect(system).toBe('Extra rules.\n\nPersona.');
    expect(messages).toEqual([
      { role: 'user', content: 'Check two things' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'On it.' },
          { type: 'tool_use', id: 't1', name: 'lookup', input: { q: 'a' } },
          { type: 'tool_use', id: 't2', name: 'fetch', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', content: 'A' },
          { type: 'tool_result', tool_use_id: 't2', content: 'Error: bad args' },
        ],
      },
      { role: 'user', content: 'thanks' },
    ]);
  });

  it('separate tool turns produce separate result messages; empty assistant turns are dropped', () => {
    const { system, messages } = toAnthropicRequest([
      { role: 'assistant', content: null, toolCalls: [{ id: 'a', name: 'x', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'a', content: '1' },
      { role: 'assistant', content: '' },
      { role: 'assistant', content: null, toolCalls: [{ id: 'b', name: 'x', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'b', content: '2' },
    ]);
    expect(system).toBeUndefined();
    expect(messages.map((m) => m.role)).toEqual(['assistant', 'user', 'assistant', 'user']);
    expect(messages[3]?.content).toEqual([{ type: 'tool_result', tool_use_id: 'b', content: '2' }]);
  });

  it('renders tool turns as text when the request carries no tools', () => {
    const { messages } = toAnthropicRequest(toolTurn, { toolsAvailable: false });
    expect(messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'On it.' },
        { type: 'text', text: '[Called tool lookup with arguments: {"q":"a"}]' },
        { type: 'text', text: '[Called tool fetch with arguments: not json]' },
      ],
    });
    expect(messages[2]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: '[Result of tool lookup: A]' },
        { type: 'text', text: '[Result of tool fetch: Error: bad args]' },
      ],
    });
  });

  it('converts images: base64 parts, data URLs, http URLs; unparsable data URLs stay URLs', () => {
    const { messages } = toAnthropicRequest([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image', mediaType: 'image/webp', base64: 'UklG' },
          { type: 'image_url', url: 'data:image/gif;base64,R0lG' },
          { type: 'image_url', url: 'http://x.example/a.png' },
          { type: 'image_url', url: 'data:image/png,notbase64' },
        ],
      },
    ]);
    expect(messages[0]?.content).toEqual([
      { type: 'text', text: 'look' },
      { type: 'image', source: { type: 'base64', media_type: 'image/webp', data: 'UklG' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/gif', data: 'R0lG' } },
      { type: 'image', source: { type: 'url', url: 'http://x.example/a.png' } },
      { type: 'image', source: { type: 'url', url: 'data:image/png,notbase64' } },
    ]);
  });

  it('converts tools to input_schema, defaulting a missing schema', () => {
    expect(
      toAnthropicTools([
        {
          name: 'a',
          description: 'A',
          parameters: { type: 'object', properties: { q: { type: 'string' } } },
        },
        { name: 'b', description: 'B', parameters: undefined as unknown as Record<string, unknown> },
      ]),
    ).toEqual([
      {
        name: 'a',
        description: 'A',
        input_schema: { type: 'object', properties: { q: { type: 'string' } } },
      },
      { name: 'b', description: 'B', input_schema: { type: 'object', properties: {} } },
    ]);
  });
});

describe('helpers', () => {
  it('parseDataUrl, parseToolInput, fromToolUse', () => {
    expect(parseDataUrl('data:image/png;base64,AAA=')).toEqual({ mediaType: 'image/png', base64: 'AAA=' });
    expect(parseDataUrl('https://x')).toBeUndefined();
    expect(parseToolInput('{"a":1}')).toEqual({ a: 1 });
    expect(parseToolInput('[1,2]')).toEqual({});
    expect(parseToolInput('')).toEqual({});
    expect(parseToolInput('{oops')).toEqual({});
    expect(fromToolUse({ id: 'i', name: 'n', input: { a: [1] } })).toEqual({
      id: 'i',
      name: 'n',
      arguments: '{"a":[1]}',
    });
  });
});
