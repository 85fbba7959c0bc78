import { describe, expect, it } from 'vitest';
import { StreamErrorPayload } from './errors.js';
import { parseSse, responsePayloads } from './sse.js';

function bodyOf(...pieces: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      controller.close();
    },
  });
}

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

describe('parseSse', () => {
  it('handles events split across chunks, CRLF, comments and multi-line data', async () => {
    let activity = 0;
    const events = await all(
      parseSse(
        bodyOf(': hello\r\n\r\nevent: a\r\nda', 'ta: 1\r\n\r\ndata: x\ndata: y\n\n', 'data: tail'),
        () => {
          activity++;
        },
      ),
    );
    expect(events).toEqual([
      { event: 'a', data: '1' },
      { event: null, data: 'x\ny' },
      { event: null, data: 'tail' },
    ]);
    expect(activity).toBeGreaterThanOrEqual(3);
  });
});

describe('responsePayloads', () => {
  const sse = (text: string) =>
    new Response(bodyOf(text), { headers: { 'content-type': 'text/event-stream' } });

  it('yields JSON payloads, skipping pings and non-JSON lines, stopping at [DONE]', async () => {
    const payloads = await all(
      responsePayloads(
        sse('data: {"a":1}\n\ndata: oops\n\nevent: ping\ndata: {}\n\ndata: [DONE]\n\ndata: {"b":2}\n\n'),
        () => {},
      ),
    );
    expect(payloads).toEqual([{ a: 1 }]);
  });

  it('throws StreamErrorPayload for error events and error payloads', async () => {
    await expect(
      all(
        responsePayloads(
          sse(
            'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"busy"}}\n\n',
          ),
          () => {},
        ),
      ),
    ).rejects.toMatchObject({ type: 'overloaded_error', message: 'busy' });
    await expect(
      all(responsePayloads(sse('data: {"error":{"message":"bad"}}\n\n'), () => {})),
    ).rejects.toBeInstanceOf(StreamErrorPayload);
  });

  it('reads a non-SSE body as one payload: JSON or bare text', async () => {
    const json = new Response('{"choices":[]}', { headers: { 'content-type': 'application/json' } });
    expect(await all(responsePayloads(json, () => {}))).toEqual([{ choices: [] }]);
    const text = new Response('plain words', { headers: { 'content-type': 'text/plain' } });
    expect(await all(responsePayloads(text, () => {}))).toEqual(['plain words']);
  });
});
