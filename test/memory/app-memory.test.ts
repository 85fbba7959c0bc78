/**
 * Long-term memory end to end through the real app: the engine's turn, the background extraction job, the memory
 * LLM and the embeddings endpoint (both the fake, over the wire), the store, and the next turn's prompt.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ReplyEvent } from '../../src/domain/index.js';
import type { MemoryScope } from '../../src/memory/index.js';
import { BACKENDS, startTestApp, type TestApp } from '../support/app.js';
import type { FakeLlm } from '../support/fake-llm.js';
import { useFakeLlm } from '../support/hooks.js';
import {
  extractionInput,
  isExtraction,
  memoryBlockOf,
  memoryEnv,
  routeMemoryLlm,
} from '../support/memory-llm.js';
import { inbound, turn } from '../support/turns.js';

const TESS: MemoryScope = { userId: 'tester' };
const BOB = { userId: 'bob', userName: 'bob', displayName: 'Bob', conversationId: 'web-bob' };

const add = (text: string, isKey = true) =>
  JSON.stringify({ memories: [{ text, is_key: isKey, event: 'ADD' }] });

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function start(
  fake: FakeLlm,
  backend: 'sqlite' | 'postgres' = 'sqlite',
  env: Record<string, string> = {},
) {
  app = await startTestApp({ backend, fake, env: memoryEnv(fake, env) });
  return app;
}

/** Runs a turn and records which requests the fake had received when `done` reached the adapter. */
async function turnWatchingDone(fake: FakeLlm, running: TestApp, content: string) {
  const events: ReplyEvent[] = [];
  let requestsAtDone = -1;
  for await (const event of running.engine.handle(inbound(content))) {
    if (event.type === 'done') requestsAtDone = fake.requests.length;
    events.push(event);
  }
  return { events, requestsAtDone };
}

describe.each(BACKENDS)('memory through the app on %s', (backend) => {
  const llm = useFakeLlm();

  it('a fact told in one turn is extracted in the background and shown in the next prompt; a contradiction supersedes it', async () => {
    const fake = llm.current;
    const router = routeMemoryLlm(fake);
    const running = await start(fake, backend);
    router.chat('Berlin, lovely!');
    router.extraction(add('Lives in Berlin'));

    const first = await turnWatchingDone(fake, running, 'I live in Berlin');
    expect(first.events.at(-1)).toMatchObject({ type: 'done', text: 'Berlin, lovely!' });
    // The reply was complete before the extraction request was even made.
    expect(fake.requests.slice(0, first.requestsAtDone).some(isExtraction)).toBe(false);
    await running.jobs.idle();
    expect(router.extractionRequests()).toHaveLength(1);
    expect(fake.requests.findIndex(isExtraction)).toBeGreaterThanOrEqual(first.requestsAtDone);
    expect(extractionInput(router.extractionRequests()[0]!)).toContain('User: I live in Berlin');

    router.chat('You live in Berlin.');
    await turn(running.engine, 'Where do I live?');
    await running.jobs.idle();
    const block = memoryBlockOf(router.replyRequests()[1]);
    expect(block).toMatch(/USER MEMORIES\n- \[KEY\] Lives in Berlin/);

    router.chat('Munich, exciting!');
    router.extraction((request) => {
      expect(extractionInput(request)).toMatch(/1\. Lives in Berlin \(key\)/);
      return JSON.stringify({ memories: [{ text: 'Lives in Munich', event: 'UPDATE', target: 1 }] });
    });
    await turn(running.engine, 'I moved to Munich last week');
    await running.jobs.idle();

    router.chat('In Munich.');
    await turn(running.engine, 'Where do I live now?');
    const after = memoryBlockOf(router.replyRequests()[3]);
    expect(after).toContain('[KEY] Lives in Munich');
    expect(after).not.toContain('Berlin');

    const [current] = await running.memory!.engine.list(TESS, { kinds: ['fact'] });
    expect(current).toMatchObject({ text: 'Lives in Munich', isKey: true, validTo: null });
    const versions = await running.memory!.engine.history(TESS, current!.id);
    expect(versions.map((v) => [v.text, v.validTo === null])).toEqual([
      ['Lives in Berlin', false],
      ['Lives in Munich', true],
    ]);
    // Provenance: the new version points at the message it came from.
    const stored = await running.engine.history('web-tester');
    const told = stored.find((m) => m.content === 'I moved to Munich last week');
    expect(current!.sourceMessageIds).toContain(told!.id);
  });

  it('a graceful shutdown extracts the exchanges still waiting out the extraction delay; a restart finds them', async () => {
    const fake = llm.current;
    const router = routeMemoryLlm(fake);
    const first = await start(fake, backend, { MEMORY_EXTRACTION_DELAY_SECONDS: '3600' });
    router.chat('A cat, lovely!');
    router.extraction(add('Has a cat called Miso'));
    await turn(first.engine, 'My cat is called Miso');
    expect(router.extractionRequests()).toHaveLength(0); // waiting for the delay
    app = undefined;
    await first.stop({ timeoutMs: 10_000 });
    expect(router.extractionRequests()).toHaveLength(1);
    expect(first.logs()).not.toMatch(/jobs still pending/);

    const second = await startTestApp({
      backend,
      fake,
      dataDir: first.dataDir,
      ...(first.databaseUrl ? { databaseUrl: first.databaseUrl } : {}),
      env: memoryEnv(fake, { MEMORY_EXTRACTION_DELAY_SECONDS: '3600' }),
    });
    app = second;
    const facts = await second.memory!.engine.list(TESS, { kinds: ['fact'] });
    expect(facts.map((f) => f.text)).toEqual(['Has a cat called Miso']);
  });

  it("isolation: another user's turn never sees the first user's memories", async () => {
    const fake = llm.current;
    const router = routeMemoryLlm(fake);
    const running = await start(fake, backend);
    router.extraction(
      JSON.stringify({
        memories: [
          { text: 'Lives in Berlin', is_key: true, event: 'ADD' },
          { text: 'Has a dog named Rex', is_key: false, event: 'ADD' },
        ],
      }),
    );
    await turn(running.engine, 'I live in Berlin and I have a dog named Rex');
    await running.jobs.idle();

    await turn(running.engine, 'Do I live in Berlin with my dog Rex?', BOB);
    await running.jobs.idle();
    const bobsPrompt = JSON.stringify(router.replyRequests()[1]?.body.messages);
    expect(bobsPrompt).toContain('Do I live in Berlin with my dog Rex?');
    expect(bobsPrompt).not.toContain('Lives in Berlin');
    expect(bobsPrompt).not.toContain('Has a dog named Rex');
    expect(memoryBlockOf(router.replyRequests()[1])).toBe('');
    // Bob's own extraction compared against none of Tess's memories.
    expect(extractionInput(router.extractionRequests()[1]!)).toMatch(/^Existing memories:\n\(none\)/);

    await turn(running.engine, 'What do you know about me?');
    expect(memoryBlockOf(router.replyRequests()[2])).toContain('[KEY] Lives in Berlin');
    expect(await running.memory!.engine.count(TESS, { kinds: ['fact'] })).toBe(2);
    expect(await running.memory!.engine.count({ userId: 'bob' }, { kinds: ['fact'] })).toBe(0);
  });
});

describe('memory faults through the app', () => {
  const llm = useFakeLlm();

  it('an extraction LLM that answers garbage twice: nothing stored, a warning in log_entries, the reply unaffected', async () => {
    const fake = llm.current;
    const router = routeMemoryLlm(fake);
    const running = await start(fake);
    router.chat('Noted!');
    router.extraction('Sure! I will remember that.', 'memories: Lives in Berlin');
    const result = await turn(running.engine, 'I live in Berlin');
    expect(result.last).toMatchObject({ type: 'done', text: 'Noted!' });
    await running.jobs.idle();
    expect(router.extractionRequests()).toHaveLength(2);
    expect(await running.memory!.engine.count(TESS, { includeInvalid: true })).toBe(0);
    await running.log.flush();
    const warnings = await running.db.repos.logEntries.query({ minLevel: 'WARNING' });
    expect(warnings.some((w) => /Memory extraction gave up/.test(w.message))).toBe(true);
    expect(JSON.stringify(warnings)).not.toContain('mem0-key-not-secret-456');
  });

  it('an embeddings endpoint answering 500: the reply goes out, the memory is stored text-only and still found', async () => {
    const fake = llm.current;
    fake.scriptEmbeddings(
      ...Array.from({ length: 120 }, () => ({ status: 500, headers: { 'retry-after': '0' } })),
    );
    const router = routeMemoryLlm(fake);
    const running = await start(fake);
    router.chat('A cellist!');
    router.extraction(add('Plays the cello in an amateur orchestra', false));
    const result = await turn(running.engine, 'I play the cello in an amateur orchestra');
    expect(result.last).toMatchObject({ type: 'done', text: 'A cellist!' });
    await running.jobs.idle();
    expect(await running.memory!.engine.count(TESS, {})).toBe(1);

    router.chat('Yes, practise!');
    await turn(running.engine, 'Should I practise the cello tonight?');
    expect(memoryBlockOf(router.replyRequests()[1])).toContain('- Plays the cello in an amateur orchestra');
    expect(fake.requests.filter((r) => r.protocol === 'embeddings').length).toBeGreaterThan(0);
    await running.log.flush();
    const warnings = await running.db.repos.logEntries.query({ minLevel: 'WARNING' });
    expect(warnings.some((w) => /Embedding failed/.test(w.message))).toBe(true);
  });

  it('an extraction LLM that is down: the job is retried later and succeeds, with nothing lost or duplicated', async () => {
    const fake = llm.current;
    const router = routeMemoryLlm(fake);
    const running = await start(fake);
    router.extraction({ status: 500 }, (request) => {
      const input = extractionInput(request);
      expect(input).toContain('User: I live in Berlin');
      expect(input).toContain('User: I also have a cat called Miso');
      return JSON.stringify({
        memories: [
          { text: 'Lives in Berlin', is_key: true, event: 'ADD' },
          { text: 'Has a cat called Miso', is_key: false, event: 'ADD' },
        ],
      });
    });
    const first = await turn(running.engine, 'I live in Berlin');
    expect(first.last).toMatchObject({ type: 'done' });
    await expect.poll(() => router.extractionRequests().length).toBe(1);
    // Told while the failed job waits for its retry: kept and extracted together with the first exchange.
    await turn(running.engine, 'I also have a cat called Miso');
    await running.jobs.idle();
    expect(router.extractionRequests()).toHaveLength(2);
    const facts = await running.memory!.engine.list(TESS, { includeInvalid: true });
    expect(facts.map((f) => f.text).sort()).toEqual(['Has a cat called Miso', 'Lives in Berlin']);
    expect(running.jobs.stats().failed).toBe(0);
  });

  it('memory disabled: no memory calls at all', async () => {
    const fake = llm.current;
    const running = await start(fake, 'sqlite', { MEMORY_ENABLED: 'false' });
    fake.script('Hello!');
    const result = await turn(running.engine, 'I live in Berlin');
    expect(result.last).toMatchObject({ type: 'done', text: 'Hello!' });
    await running.jobs.idle();
    expect(running.memory).toBeUndefined();
    expect(fake.requests.map((r) => r.protocol)).toEqual(['openai']);
  });
});
