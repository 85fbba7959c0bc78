import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS, startTestApp, type TestApp } from '../support/app.js';
import type { FakeLlm, RecordedRequest } from '../support/fake-llm.js';
import { useFakeLlm } from '../support/hooks.js';
import { promptOf, turn } from '../support/turns.js';

/** Summary requests are recognisable by their instruction; everything else is a chat turn. */
const isSummary = (r: RecordedRequest) =>
  JSON.stringify(r.body.messages[0]).includes('Summarize this conversation');

describe.each(BACKENDS)('sessions and summaries on %s', (backend) => {
  const llm = useFakeLlm();
  let fake: FakeLlm;
  let app: TestApp;
  let clock: Date;

  beforeEach(async () => {
    fake = llm.current;
    clock = new Date('2026-11-23T15:00:00Z');
    app = await startTestApp({
      backend,
      fake,
      now: () => clock,
      env: { SESSION_IDLE_MINUTES: '30', SUMMARY_INTERVAL: '4' },
    });
  });
  afterEach(async () => {
    await app.stop();
  });

  const advance = (minutes: number) => {
    clock = new Date(clock.getTime() + minutes * 60_000);
  };

  it('rotates an idle session: the new one links back, carries a snapshot, and the old one is summarised', async () => {
    const summary = 'They bought a blue bike and said it rides well.';
    const answers: Record<string, string> = {
      'I bought a blue bike today': 'I will remember the blue bike.',
      'it rides well': 'Glad to hear it.',
      'hello again': 'Welcome back!',
    };
    const responder = (r: RecordedRequest) =>
      isSummary(r) ? summary : (answers[String(r.body.messages.at(-1).content)] ?? 'unexpected');
    fake.script(...Array.from({ length: 8 }, () => responder));
    const first = await turn(app.engine, 'I bought a blue bike today');
    const firstSession = (first.events[0] as { sessionId: string }).sessionId;
    advance(10);
    const same = await turn(app.engine, 'it rides well');
    expect((same.events[0] as { sessionId: string }).sessionId).toBe(firstSession);
    await app.jobs.idle();

    advance(31);
    const later = await turn(app.engine, 'hello again');
    expect(later.text).toBe('Welcome back!');
    const start = later.events[0] as { sessionId: string; newSession: boolean };
    expect(start.sessionId).not.toBe(firstSession);
    expect(start.newSession).toBe(true);
    await app.jobs.idle();
    fake.reset();

    const newSession = await app.db.repos.sessions.get(start.sessionId);
    expect(newSession?.previousSessionId).toBe(firstSession);
    expect(JSON.parse(newSession?.contextSnapshot ?? '[]')).toEqual([
      { role: 'user', content: 'I bought a blue bike today' },
      { role: 'assistant', content: 'I will remember the blue bike.' },
      { role: 'user', content: 'it rides well' },
      { role: 'assistant', content: 'Glad to hear it.' },
    ]);
    const old = await app.db.repos.sessions.get(firstSession);
    expect(old?.sessionSummary).toBe('They bought a blue bike and said it rides well.');
    expect(old?.archived).toBe(true);

    advance(1);
    fake.script('A blue bike.');
    await turn(app.engine, 'what did I buy?');
    const next = promptOf(fake.chatRequests().at(-1)!);
    const block = String(
      next.find((m) => String(m.content).includes('PREVIOUS CONVERSATION SUMMARY'))?.content,
    );
    expect(block).toContain(summary);
    expect(block).toContain(
      'END OF PREVIOUS CONVERSATION\nUser: I bought a blue bike today\nClara: I will remember',
    );
  });

  it('writes a rolling session summary every SUMMARY_INTERVAL messages and puts it in the prompt', async () => {
    fake.script('a1', 'a2');
    await turn(app.engine, 'q1');
    const second = await turn(app.engine, 'q2');
    const sessionId = (second.events[0] as { sessionId: string }).sessionId;
    // Four messages stored → the summary job runs in the background.
    fake.script('They asked q1 and q2.');
    await app.jobs.idle();
    expect((await app.db.repos.sessions.get(sessionId))?.sessionSummary).toBe('They asked q1 and q2.');
    const summaryRequest = fake.chatRequests().find(isSummary)!;
    expect(summaryRequest.body.messages[1].content).toBe('USER: q1\nASSISTANT: a1\nUSER: q2\nASSISTANT: a2');

    fake.script('a3');
    await turn(app.engine, 'q3');
    const prompt = promptOf(fake.chatRequests().at(-1)!);
    expect(prompt.find((m) => String(m.content).startsWith('THREAD SUMMARY'))?.content).toBe(
      'THREAD SUMMARY\nThey asked q1 and q2.',
    );
  });

  it('/new starts a fresh session that still knows how the last one ended', async () => {
    fake.script('noted');
    const first = await turn(app.engine, 'my cat is called Miso');
    const { sessionId } = await app.engine.startNewSession('web-tester', 'Web chat');
    expect(sessionId).not.toBe((first.events[0] as { sessionId: string }).sessionId);
    fake.script(
      (r) => (isSummary(r) ? 'Their cat is Miso.' : 'Hi!'),
      (r) => (isSummary(r) ? 'Their cat is Miso.' : 'Hi!'),
    );
    await turn(app.engine, 'hi');
    const prompt = promptOf(
      fake
        .chatRequests()
        .filter((r) => !isSummary(r))
        .at(-1)!,
    );
    expect(JSON.stringify(prompt)).toContain('User: my cat is called Miso');
    expect(await app.engine.history('web-tester')).toHaveLength(2);
  });

  it('keeps conversations after a restart on the same database', async () => {
    fake.script('Nice to meet you, Tess.');
    await turn(app.engine, 'I am Tess');
    await app.stop();
    app = await startTestApp({
      backend,
      fake,
      now: () => clock,
      dataDir: app.dataDir,
      databaseUrl: app.databaseUrl,
    });
    fake.script('You are Tess.');
    await turn(app.engine, 'who am I?');
    const prompt = promptOf(fake.chatRequests().at(-1)!);
    expect(prompt.map((m) => m.content)).toContain('Nice to meet you, Tess.');
    expect((await app.engine.history('web-tester')).map((r) => r.content)).toEqual([
      'I am Tess',
      'Nice to meet you, Tess.',
      'who am I?',
      'You are Tess.',
    ]);
  });
});
