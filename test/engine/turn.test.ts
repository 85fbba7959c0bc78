import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS, startTestApp, type TestApp } from '../support/app.js';
import type { FakeLlm } from '../support/fake-llm.js';
import { useFakeLlm } from '../support/hooks.js';
import { collect, inbound, promptOf, turn } from '../support/turns.js';

describe.each(BACKENDS)('engine turn pipeline on %s', (backend) => {
  const llm = useFakeLlm();
  let fake: FakeLlm;
  let app: TestApp;

  beforeEach(async () => {
    fake = llm.current;
    app = await startTestApp({ backend, fake });
  });
  afterEach(async () => {
    await app.stop();
  });

  it('streams a reply, stores both messages and records usage, with exactly one LLM call', async () => {
    fake.script({
      text: 'Hello Tess, nice to meet you.',
      chunks: 3,
      usage: { inputTokens: 42, outputTokens: 7 },
    });
    const result = await turn(app.engine, 'Hi Clara!');
    expect(result.types[0]).toBe('start');
    expect(result.types.filter((t) => t === 'text').length).toBeGreaterThan(1);
    expect(result.last).toMatchObject({
      type: 'done',
      text: 'Hello Tess, nice to meet you.',
      model: 'fake-model',
    });
    expect(result.text).toBe('Hello Tess, nice to meet you.');
    expect(fake.chatRequests()).toHaveLength(1);

    const rows = await app.engine.history('web-tester');
    expect(rows.map((r) => [r.role, r.content])).toEqual([
      ['user', 'Hi Clara!'],
      ['assistant', 'Hello Tess, nice to meet you.'],
    ]);
    const done = result.last as { assistantMessageId: number };
    expect(done.assistantMessageId).toBe(rows[1]?.id);
    const start = result.events[0] as { sessionId: string };
    const totals = await app.db.repos.usage.totals({ sessionId: start.sessionId });
    expect(totals).toMatchObject({ calls: 1, inputTokens: 42, outputTokens: 7 });
  });

  it('assembles the prompt in order: persona, context, history with times, current message', async () => {
    fake.script('First answer.', 'Second answer.');
    await turn(app.engine, 'first question');
    await turn(app.engine, 'second question');
    const messages = promptOf(fake.chatRequests()[1]!);
    // Tool instructions first (the chat history tools are always on offer), then persona and context.
    expect(messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('You have tools') });
    expect(messages[1]).toMatchObject({ role: 'system' });
    expect(messages[1]?.content).toContain('You are Clara');
    expect(messages[2]?.content).toContain('Current time:');
    expect(messages[2]?.content).toContain('Speaking with: Tess (@tess, tester)');
    expect(messages[2]?.content).toContain('web chat');
    const rest = messages.slice(3).map((m) => [m.role, m.content]);
    expect(rest).toEqual([
      ['user', expect.stringMatching(/^\[\d{1,2}:\d{2} [AP]M\] first question$/)],
      ['assistant', 'First answer.'],
      ['user', 'second question'],
    ]);
  });

  it('stores the user message before calling the LLM, so a failed call loses nothing', async () => {
    fake.script({ status: 500 });
    const result = await turn(app.engine, 'please remember this message');
    expect(result.last).toMatchObject({ type: 'error', code: 'llm_unavailable' });
    const rows = await app.engine.history('web-tester');
    expect(rows.map((r) => [r.role, r.content])).toEqual([['user', 'please remember this message']]);

    fake.script({ text: 'Partial rep', dropAfterChunks: 1, chunks: 4 });
    const dropped = await turn(app.engine, 'and this one');
    expect(dropped.last?.type).toBe('error');
    expect((await app.engine.history('web-tester')).map((r) => r.content)).toEqual([
      'please remember this message',
      'and this one',
    ]);
  });

  it('turns an LLM 401 into a short message and a warning in log_entries', async () => {
    fake.script({ status: 401 });
    const result = await turn(app.engine, 'hello?');
    expect(result.last).toMatchObject({ type: 'error', code: 'llm_auth' });
    expect((result.last as { message: string }).message).toMatch(/rejected my API key/);
    await app.log.flush();
    const entries = await app.db.repos.logEntries.query({ minLevel: 'WARNING' });
    expect(entries.some((e) => /LLM call failed/.test(e.message))).toBe(true);
    expect(JSON.stringify(entries)).not.toContain('test-key-not-secret-123');
  });

  it('uses the tier from a !high prefix and strips it from the stored message', async () => {
    fake.script('Deep answer.');
    const result = await turn(app.engine, '!high why do we dream?');
    expect(result.events).toContainEqual(
      expect.objectContaining({ type: 'tier', tier: 'high', auto: false }),
    );
    expect(fake.chatRequests()[0]?.body.model).toBe('claude-opus-4');
    expect((await app.engine.history('web-tester'))[0]?.content).toBe('why do we dream?');
  });

  it('refuses empty and oversized messages with a clear reason and stores nothing', async () => {
    const empty = await turn(app.engine, '   ');
    expect(empty.last).toMatchObject({ type: 'error', code: 'input_rejected' });
    const huge = await turn(app.engine, 'x'.repeat(40_000));
    expect(huge.last).toMatchObject({ type: 'error', code: 'input_rejected' });
    expect((huge.last as { message: string }).message).toMatch(/40000 characters.*limit is 32000/);
    expect(await app.engine.history('web-tester')).toEqual([]);
    expect(fake.chatRequests()).toHaveLength(0);
  });

  it('ignores a message id it has already handled', async () => {
    fake.script('Once.');
    await turn(app.engine, 'hello', { platformMessageId: 'web-abc' });
    const again = await turn(app.engine, 'hello', { platformMessageId: 'web-abc' });
    expect(again.last).toMatchObject({ type: 'error', code: 'duplicate' });
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('serialises concurrent turns of one conversation', async () => {
    fake.script({ text: 'one', delayMs: 30 }, 'two');
    const [a, b] = await Promise.all([
      collect(app.engine.handle(inbound('first'))),
      collect(app.engine.handle(inbound('second'))),
    ]);
    expect(a.at(-1)).toMatchObject({ type: 'done', text: 'one' });
    expect(b.at(-1)).toMatchObject({ type: 'done', text: 'two' });
    expect((await app.engine.history('web-tester')).map((r) => r.content)).toEqual([
      'first',
      'one',
      'second',
      'two',
    ]);
    const second = promptOf(fake.chatRequests()[1]!);
    expect(second.at(-2)).toMatchObject({ role: 'assistant', content: 'one' });
  });
});
