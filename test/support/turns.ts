/** Helpers to drive the engine in tests. */
import type { InboundMessage, ReplyEvent } from '../../src/domain/index.js';
import type { Engine } from '../../src/engine/index.js';

export function inbound(content: string, overrides: Partial<InboundMessage> = {}): InboundMessage {
  return {
    platform: 'web',
    userId: 'tester',
    userName: 'tess',
    displayName: 'Tess',
    conversationId: 'web-tester',
    conversationTitle: 'Web chat',
    content,
    environment: { kind: 'web' },
    ...overrides,
  };
}

export async function collect(stream: AsyncIterable<ReplyEvent>): Promise<ReplyEvent[]> {
  const events: ReplyEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

export async function turn(engine: Engine, content: string, overrides: Partial<InboundMessage> = {}) {
  const events = await collect(engine.handle(inbound(content, overrides)));
  const last = events.at(-1);
  return {
    events,
    last,
    text: events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join(''),
    types: events.map((e) => e.type),
  };
}

/** The messages array of a recorded OpenAI chat request. */
// biome-ignore lint/suspicious/noExplicitAny: recorded JSON bodies
export function promptOf(request: { body: any }): Array<{ role: string; content: any }> {
  return request.body.messages;
}
