/**
 * Graph memory end to end through the real app (ENABLE_GRAPH_MEMORY): relations come from the same extraction call
 * as facts (the fake memory LLM over the wire), land in the main database with provenance, show up as a
 * RELATIONSHIPS section in the next prompt, supersede (lives_in Berlin → Munich) and stay per user.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GRAPH_EXTRACTION_INSTRUCTIONS } from '../../src/memory/extraction/prompt.js';
import { BACKENDS, startTestApp, type TestApp } from '../support/app.js';
import { useFakeLlm } from '../support/hooks.js';
import { extractionInput, memoryBlockOf, memoryEnv, routeMemoryLlm } from '../support/memory-llm.js';
import { turn } from '../support/turns.js';

const BOB = { userId: 'bob', userName: 'bob', displayName: 'Bob', conversationId: 'web-bob' };
const TESS = { userId: 'tester' };

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const systemOf = (request: { body: unknown }): string =>
  String((request.body as { messages?: Array<{ content?: unknown }> }).messages?.[0]?.content ?? '');

describe.each(BACKENDS)('graph memory through the app on %s', (backend) => {
  const llm = useFakeLlm();

  it('relations from the extraction call are stored, shown as RELATIONSHIPS, superseded, and kept per user', async () => {
    const fake = llm.current;
    const router = routeMemoryLlm(fake);
    app = await startTestApp({ backend, fake, env: memoryEnv(fake, { ENABLE_GRAPH_MEMORY: 'true' }) });
    expect(app.memory?.description).toContain('graph: the main database');

    router.extraction(
      JSON.stringify({
        memories: [{ text: 'Has a sister named Lena', event: 'ADD' }],
        relations: [
          { source: 'Lena', relation: 'sister_of', target: 'user' },
          { source: 'user', relation: 'lives_in', target: 'Berlin', exclusive: true },
          { source: '', relation: 'broken', target: 'x' },
        ],
      }),
    );
    await turn(app.engine, 'My sister Lena visited me here in Berlin');
    await app.jobs.idle();
    const [first] = router.extractionRequests();
    expect(systemOf(first!)).toContain(GRAPH_EXTRACTION_INSTRUCTIONS);

    const graph = app.memory!.graph!;
    const stored = await graph.all(TESS);
    expect(stored.map((r) => `${r.source} ${r.relation} ${r.target}`).sort()).toEqual([
      'Lena sister_of user',
      'user lives_in Berlin',
    ]);
    const told = (await app.engine.history('web-tester')).find((m) => m.content.startsWith('My sister Lena'));
    // Provenance: the exchange's messages (the user's message and Clara's reply).
    expect(stored[0]!.sourceMessageIds).toContain(told!.id);

    router.chat('She is doing well, I hope!');
    await turn(app.engine, 'How is Lena doing?');
    await app.jobs.idle();
    const block = memoryBlockOf(router.replyRequests()[1]);
    expect(block).toContain('RELATIONSHIPS');
    expect(block).toContain('Lena — sister_of → user');
    expect(block).toContain('user — lives_in → Berlin');

    router.extraction((request) => {
      // The model sees the known relations so it reuses their names.
      expect(extractionInput(request)).toMatch(/Known relations:\n(.+\n)?user — lives_in → Berlin\n/);
      return JSON.stringify({
        memories: [],
        relations: [{ source: 'user', relation: 'lives_in', target: 'Munich', exclusive: true }],
      });
    });
    await turn(app.engine, 'Big news: I moved to Munich');
    await app.jobs.idle();
    const after = await graph.all(TESS);
    const berlin = after.find((r) => r.target === 'Berlin');
    expect(berlin?.validTo).toBeInstanceOf(Date);
    expect(after.find((r) => r.target === 'Munich')?.validTo).toBeNull();

    router.chat('Munich!');
    await turn(app.engine, 'Where do I live?');
    const latest = memoryBlockOf(router.replyRequests().at(-1));
    expect(latest).toContain('user — lives_in → Munich');
    expect(latest).not.toContain('Berlin');

    // Another person mentioning Lena sees nothing of the first person's graph.
    router.chat('Who is Lena?');
    await turn(app.engine, 'Do you know Lena from Munich?', BOB);
    expect(memoryBlockOf(router.replyRequests().at(-1))).not.toContain('sister_of');
    expect(await graph.all({ userId: 'bob' })).toEqual([]);

    // Forgetting everything of a person also clears their graph.
    await app.memory!.engine.forget(TESS);
    expect(await graph.all(TESS)).toEqual([]);
  });
});

describe('graph memory off or unavailable', () => {
  const llm = useFakeLlm();

  it('off: the extraction prompt carries no relation instructions and nothing is stored as a graph', async () => {
    const fake = llm.current;
    const router = routeMemoryLlm(fake);
    app = await startTestApp({ backend: 'sqlite', fake, env: memoryEnv(fake) });
    expect(app.memory?.graph).toBeUndefined();
    await turn(app.engine, 'My sister Lena visited');
    await app.jobs.idle();
    expect(systemOf(router.extractionRequests()[0]!)).not.toContain('"relations"');
    expect(systemOf(router.extractionRequests()[0]!)).not.toContain(GRAPH_EXTRACTION_INSTRUCTIONS);
  });

  it('a Neo4j server that cannot be reached: Clara starts and replies without relationships, and says why', async () => {
    const fake = llm.current;
    const router = routeMemoryLlm(fake);
    app = await startTestApp({
      backend: 'sqlite',
      fake,
      env: memoryEnv(fake, {
        ENABLE_GRAPH_MEMORY: 'true',
        GRAPH_STORE_PROVIDER: 'neo4j',
        NEO4J_URL: 'bolt://127.0.0.1:9',
        NEO4J_PASSWORD: 'neo4j-password-not-logged',
      }),
    });
    expect(app.memory?.graph).toBeUndefined();
    expect(app.memory?.description).toMatch(/graph: unavailable \(Neo4j at 127\.0\.0\.1:9/);
    router.chat('Hello!');
    const reply = await turn(app.engine, 'Hi');
    expect(reply.last).toMatchObject({ type: 'done', text: 'Hello!' });
    expect(app.logs()).toContain('Graph memory could not be opened');
    expect(app.logs()).not.toContain('neo4j-password-not-logged');
  });
});
