import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeLlmEnv } from '../support/app.js';
import { runClara, spawnClara } from '../support/cli.js';
import { freshSqliteDir } from '../support/databases.js';
import type { FakeLlm } from '../support/fake-llm.js';
import { useFakeLlm } from '../support/hooks.js';
import { MEMORY_MODEL, memoryEnv, routeMemoryLlm } from '../support/memory-llm.js';

const PROFILE_ANSWER = JSON.stringify({
  profile_bio: [
    { key: 'Name.Full', value: 'Is called Ana Lima.', confidence: 0.95 },
    { key: 'location.city', value: 'Lives in Lisbon with her partner Rui.', confidence: 1.4 },
    { key: 'name.full', value: 'A duplicate key that is dropped.' },
  ],
  interaction_style: [
    { key: 'tone', value: 'Prefers short, direct answers without emoji.', confidence: 0.8 },
  ],
  project_seed: [],
  creative_portfolio: [{ key: 'project.harbor.medium', value: 'Paints a watercolour series called Harbor.' }],
  'restricted:sensitive': [
    { key: 'health.anxiety', value: 'Has been treated for anxiety.', confidence: 0.7 },
  ],
});

const SLOW = 120_000;

describe('clara memory', () => {
  const llm = useFakeLlm();
  let fake: FakeLlm;
  let env: Record<string, string>;
  let profile: string;

  beforeEach(async () => {
    fake = llm.current;
    const dataDir = await freshSqliteDir('clara-memory-cli-');
    env = { ...fakeLlmEnv(fake), ...memoryEnv(fake), DATA_DIR: dataDir, USER_ID: 'ana' };
    profile = join(dataDir, 'profile.txt');
    await writeFile(
      profile,
      'I am Ana Lima. I live in Lisbon with Rui. Keep answers short. I paint watercolours.',
    );
  });

  it(
    'bootstrap: a dry run writes the namespace files; --apply stores them once; list and search show them',
    async () => {
      fake.script(PROFILE_ANSWER);
      const dry = await runClara(['memory', 'bootstrap', profile], { env });
      expect(dry.stderr).toBe('');
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('Dry run: nothing was stored');
      expect(dry.stdout).toContain('1 sensitive facts, not shown here');
      expect(dry.stdout).not.toContain('anxiety');
      const request = fake.chatRequests()[0];
      expect(request?.body.model).toBe(MEMORY_MODEL);
      expect(request?.body.messages[1].content).toContain('I am Ana Lima.');
      const generated = join(env.DATA_DIR!, 'generated');
      const bio = JSON.parse(await readFile(join(generated, 'profile_bio.json'), 'utf8'));
      expect(bio).toEqual([
        { key: 'location.city', value: 'Lives in Lisbon with her partner Rui.', confidence: 1 },
        { key: 'name.full', value: 'Is called Ana Lima.', confidence: 0.95 },
      ]);
      const creative = JSON.parse(
        await readFile(join(generated, 'project_context_creative_portfolio.json'), 'utf8'),
      );
      expect(creative).toEqual([
        {
          key: 'project.harbor.medium',
          value: 'Paints a watercolour series called Harbor.',
          confidence: 0.85,
        },
      ]);
      const policy = JSON.parse(await readFile(join(generated, 'memory_policy.json'), 'utf8'));
      expect(policy.always_load).toEqual(['profile_bio', 'interaction_style', 'project_seed']);

      fake.script(PROFILE_ANSWER);
      const applied = await runClara(['memory', 'bootstrap', profile, '--apply'], { env });
      expect(applied.code).toBe(0);
      expect(applied.stdout).toContain('Stored for user ana: 4 new, 0 updated, 0 already known.');
      expect(applied.stdout).toContain('1 sensitive facts were not stored (add --include-sensitive');

      const again = await runClara(['memory', 'bootstrap', '--from', generated, '--apply'], { env });
      expect(again.stdout).toContain('Stored for user ana: 0 new, 0 updated, 4 already known.');
      expect(fake.chatRequests()).toHaveLength(2);

      const list = await runClara(['memory', 'list'], { env });
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(/fact\s+\[KEY\] Is called Ana Lima\./);
      expect(list.stdout).toMatch(/fact\s+Prefers short, direct answers without emoji\./);
      expect(list.stdout).not.toMatch(/\[KEY\] Prefers short/);
      expect(list.stdout).toContain('4 current memories.');

      const search = await runClara(['memory', 'search', 'watercolour', 'Harbor', '--json'], { env });
      const hits = JSON.parse(search.stdout) as Array<{ score: number; memory: Record<string, unknown> }>;
      expect(hits[0]?.memory).toMatchObject({
        text: 'Paints a watercolour series called Harbor.',
        agentId: null,
        metadata: {
          namespace: 'project_context:creative_portfolio',
          category: 'project.harbor',
          source: 'profile',
          bootstrap: true,
          sensitive: false,
          confidence: 0.85,
        },
      });
    },
    SLOW,
  );

  it(
    'export, forget and clear: provenance in the export, one memory forgotten, only that user cleared',
    async () => {
      const router = routeMemoryLlm(fake);
      router.chat('Noted, Ana.');
      router.extraction(
        JSON.stringify({
          memories: [
            { text: 'Lives in Lisbon', is_key: true, event: 'ADD' },
            { text: 'Plays the cello', is_key: false, event: 'ADD' },
          ],
        }),
      );
      const chat = await runClara(['chat'], { env, input: 'I live in Lisbon and I play the cello' });
      expect(chat.stdout).toBe('Noted, Ana.\n');
      expect(router.extractionRequests()).toHaveLength(1);

      const otherDir = await mkdtemp(join(tmpdir(), 'clara-profile-'));
      await writeFile(
        join(otherDir, 'profile_bio.json'),
        JSON.stringify([{ key: 'name', value: 'Is called Otto.', confidence: 0.9 }]),
      );
      const otto = await runClara(['memory', 'bootstrap', '--from', otherDir, '--apply', '--user', 'otto'], {
        env,
      });
      expect(otto.stdout).toContain('Stored for user otto: 1 new');

      const exported = await runClara(['memory', 'export', '--user', 'ana'], { env });
      expect(exported.code).toBe(0);
      const document = JSON.parse(exported.stdout);
      expect(document).toMatchObject({ userId: 'ana', count: 2 });
      const cello = document.memories.find((m: { text: string }) => m.text === 'Plays the cello');
      expect(cello).toMatchObject({ userId: 'ana', kind: 'fact', validTo: null, supersedes: null });
      expect(cello.sourceMessageIds).toHaveLength(2);
      expect(typeof cello.validFrom).toBe('string');
      expect(JSON.stringify(document)).not.toContain('Otto');

      const refused = await runClara(['memory', 'forget', cello.id], { env });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/Refusing to delete a memory without confirmation.*--yes/);
      const asked = spawnClara(['memory', 'forget', cello.id], { env, tty: true });
      await asked.waitFor(/Delete the memory "Plays the cello" \(it\) for good\? \[y\/N\]/);
      asked.write('n\r');
      expect(await asked.exited).toBe(1);
      expect(asked.output()).toContain('Nothing was deleted.');
      const forgot = await runClara(['memory', 'forget', cello.id, '--yes'], { env });
      expect(forgot.stdout).toBe(`Deleted memory ${cello.id} (1 version).\n`);

      const cleared = await runClara(['memory', 'clear', '--yes'], { env });
      expect(cleared.code).toBe(0);
      expect(cleared.stdout).toContain('Deleted 1 memories of user ana.');
      expect(cleared.stdout).toContain('Checked: no memories of user ana are left.');
      const others = await runClara(['memory', 'list', '--user', 'otto'], { env });
      expect(others.stdout).toMatch(/\[KEY\] Is called Otto\./);
    },
    SLOW,
  );

  it(
    'graph memory: chat stores relations, export includes them with provenance, doctor counts them, clear removes them',
    async () => {
      const graphEnv = { ...env, ENABLE_GRAPH_MEMORY: 'true' };
      const router = routeMemoryLlm(fake);
      router.chat('Say hi to Rui!');
      router.extraction(
        JSON.stringify({
          memories: [{ text: 'Lives with Rui', event: 'ADD' }],
          relations: [{ source: 'Rui', relation: 'partner_of', target: 'user' }],
        }),
      );
      const chat = await runClara(['chat'], { env: graphEnv, input: 'I live with my partner Rui' });
      expect(chat.stdout).toBe('Say hi to Rui!\n');

      const exported = await runClara(['memory', 'export', '--user', 'ana'], { env: graphEnv });
      expect(exported.code).toBe(0);
      const document = JSON.parse(exported.stdout);
      expect(document.relations).toHaveLength(1);
      expect(document.relations[0]).toMatchObject({ source: 'Rui', relation: 'partner_of', target: 'user' });
      expect(document.relations[0].sourceMessageIds).toHaveLength(2);

      const doctor = await runClara(['doctor'], { env: graphEnv });
      expect(doctor.stdout).toMatch(
        /Graph memory.*the main database \(SQLite\): 1 current relations for ana/,
      );

      const cleared = await runClara(['memory', 'clear', '--yes'], { env: graphEnv });
      expect(cleared.stdout).toContain('Deleted 1 memories and 1 graph relations of user ana.');
      const after = JSON.parse(
        (await runClara(['memory', 'export', '--user', 'ana'], { env: graphEnv })).stdout,
      );
      expect(after.relations).toEqual([]);
    },
    SLOW,
  );

  it(
    'piped chat with the default extraction delay: the batched extraction runs before the process exits cleanly',
    async () => {
      const router = routeMemoryLlm(fake);
      router.chat('Noted!');
      router.extraction(JSON.stringify({ memories: [{ text: 'Keeps bees', event: 'ADD' }] }));
      const chat = await runClara(['chat'], {
        env: { ...env, MEMORY_EXTRACTION_DELAY_SECONDS: '5' },
        input: 'I keep bees on my roof',
      });
      expect(chat.stderr).toBe('');
      expect(chat.code).toBe(0);
      expect(router.extractionRequests()).toHaveLength(1);
      const listed = await runClara(['memory', 'list'], { env });
      expect(listed.stdout).toContain('Keeps bees');
    },
    SLOW,
  );

  it(
    'reembed: refuses without an embedder; a dimension change stops chat with the fix, and reembed repairs it',
    async () => {
      const noEmbedder = { ...env, OPENAI_API_KEY: '', EMBEDDING_BASE_URL: '' };
      const refused = await runClara(['memory', 'reembed', '--yes'], { env: noEmbedder });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/No embedder is configured.*OPENAI_API_KEY.*EMBEDDING_BASE_URL/);

      const dir = await mkdtemp(join(tmpdir(), 'clara-profile-'));
      await writeFile(
        join(dir, 'profile_bio.json'),
        JSON.stringify([{ key: 'name', value: 'Is called Ana.', confidence: 0.9 }]),
      );
      const seeded = await runClara(['memory', 'bootstrap', '--from', dir, '--apply'], {
        env: { ...env, EMBEDDING_DIMENSIONS: '8' },
      });
      expect(seeded.stdout).toContain('1 new');

      const chat = await runClara(['chat'], { env: { ...env, EMBEDDING_DIMENSIONS: '16' }, input: 'hi' });
      expect(chat.code).toBe(1);
      expect(chat.stdout).toBe('');
      expect(chat.stderr).toMatch(/holds 8-dimensional vectors.*configured for 16.*clara memory reembed/s);
      expect(chat.stderr).not.toMatch(/Unexpected error|\n\s+at /);

      const start = await runClara(['start'], { env: { ...env, EMBEDDING_DIMENSIONS: '16', PORT: '0' } });
      expect(start.code).toBe(1);
      expect(start.stderr).toContain('Run `clara memory reembed`');
      expect(start.stderr).not.toMatch(/Unexpected error|\n\s+at /);

      const broken = await runClara(['doctor'], { env: { ...env, EMBEDDING_DIMENSIONS: '16' } });
      expect(broken.code).toBe(1);
      expect(broken.stdout).toMatch(/✗ Memory\s+the store holds 8-dimensional vectors/);
      expect(broken.stdout).toMatch(/fix: run `clara memory reembed`/);

      const reembedded = await runClara(['memory', 'reembed', '--yes'], {
        env: { ...env, EMBEDDING_DIMENSIONS: '16' },
      });
      expect(reembedded.code).toBe(0);
      expect(reembedded.stdout).toContain('8 → 16 dimensions');
      expect(reembedded.stdout).toContain('1/1 memories');
      expect(reembedded.stdout).toMatch(/Re-embedded 1 memories; .* now holds 16-dimensional vectors\./);

      const healthy = await runClara(['doctor'], { env: { ...env, EMBEDDING_DIMENSIONS: '16' } });
      expect(healthy.stdout).toMatch(/✓ Memory\s+SQLite \(assistant\.db\): 1 current memory for ana/);
      expect(healthy.stdout).toMatch(/✓ Memory embeddings\s+text-embedding-3-small \(16 dims\) answered/);
      expect(healthy.stdout).toMatch(/✓ Memory extraction\s+openai fake-memory-model answered/);
      expect(healthy.code).toBe(0);
    },
    SLOW,
  );
});
