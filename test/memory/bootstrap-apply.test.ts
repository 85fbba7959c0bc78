import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyProfile, consolidateProfile, type ProfileFacts } from '../../src/memory/index.js';
import { useFakeLlm } from '../support/hooks.js';
import { type Harness, startHarness } from './engine-harness.js';

const profile = (city: string): ProfileFacts =>
  consolidateProfile({
    profile_bio: [
      { key: 'name', value: 'Is called Ana.', confidence: 0.9 },
      { key: 'location.city', value: `Lives in ${city}.`, confidence: 0.8 },
    ],
    interaction_style: [{ key: 'tone', value: 'Likes short answers.' }],
    project_seed: [],
    'project_context:creative_portfolio': [],
    'restricted:sensitive': [{ key: 'health', value: 'Has asthma.', confidence: 0.6 }],
  });

describe('applying a profile to memory', () => {
  const llm = useFakeLlm();
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness(llm.current);
  });
  afterEach(async () => {
    await harness.close();
  });

  it('stores user-scoped facts without an agent, visible to agent-scoped reads; key memories for the biography', async () => {
    const summary = await applyProfile(harness.engine, 'ana', profile('Lisbon'));
    expect(summary).toEqual({ added: 3, updated: 0, unchanged: 0, skipped: 1 });
    const asClara = await harness.engine.list({ userId: 'ana', agentId: 'clara' }, { isKey: true });
    expect(asClara.map((m) => m.text).sort()).toEqual(['Is called Ana.', 'Lives in Lisbon.']);
    expect(asClara[0]).toMatchObject({ agentId: null, projectId: null, kind: 'fact' });
    expect(await harness.engine.count({ userId: 'someone-else' }, {})).toBe(0);
  });

  it('is idempotent, supersedes a changed value under the same key, and stores sensitive facts only when asked', async () => {
    await applyProfile(harness.engine, 'ana', profile('Lisbon'));
    expect(await applyProfile(harness.engine, 'ana', profile('Lisbon'))).toEqual({
      added: 0,
      updated: 0,
      unchanged: 3,
      skipped: 1,
    });
    expect(await applyProfile(harness.engine, 'ana', profile('Porto'), { includeSensitive: true })).toEqual({
      added: 1,
      updated: 1,
      unchanged: 2,
      skipped: 0,
    });
    const current = await harness.engine.list({ userId: 'ana' }, {});
    expect(current.map((m) => m.text).sort()).toEqual([
      'Has asthma.',
      'Is called Ana.',
      'Likes short answers.',
      'Lives in Porto.',
    ]);
    const porto = current.find((m) => m.text === 'Lives in Porto.')!;
    expect((await harness.engine.history({ userId: 'ana' }, porto.id)).map((m) => m.text)).toEqual([
      'Lives in Lisbon.',
      'Lives in Porto.',
    ]);
    expect(current.find((m) => m.text === 'Has asthma.')?.metadata).toMatchObject({
      namespace: 'restricted:sensitive',
      sensitive: true,
      bootstrap: true,
      source: 'profile',
    });
  });
});
