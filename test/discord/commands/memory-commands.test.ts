/**
 * `/memory` against Clara's real configured memory (SQLite + sqlite-vec, embeddings from the fake LLM), under the
 * pipeline's user id `discord-<id>`; `/memory clear` through the confirm buttons (other person, cancel, expiry).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlashCommandDeps } from '../../../src/adapters/discord/commands/index.js';
import type { MemoryEngine } from '../../../src/memory/index.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { useFakeLlm } from '../../support/hooks.js';
import { memoryEnv } from '../../support/memory-llm.js';
import { commandDepsFromApp, componentIds, eventually, type Harness, startHarness } from './harness.js';

describe('/memory', { timeout: 60_000 }, () => {
  const llm = useFakeLlm();
  let app: TestApp;
  let h: Harness;
  let deps: SlashCommandDeps;
  let engine: MemoryEngine;
  let offsetMs = 0;
  let bob: string;
  let ada: string;

  beforeAll(async () => {
    app = await startTestApp({ backend: 'sqlite', fake: llm.current, env: memoryEnv(llm.current) });
    engine = app.memory?.engine as MemoryEngine;
    deps = commandDepsFromApp(app, { now: () => new Date(Date.now() + offsetMs) });
    h = await startHarness(deps);
    bob = h.users.member;
    ada = h.users.admin;
    await engine.add({ userId: `discord-${bob}` }, 'Likes green tea in the morning', { isKey: true });
    await engine.add({ userId: `discord-${bob}`, agentId: 'clara' }, 'Plays the cello on weekends');
    await engine.add({ userId: `discord-${ada}` }, 'Likes black tea');
    // The original's defect: the raw id without the prefix. Nothing the commands do may touch this.
    await engine.add({ userId: bob }, 'Stored under the raw id');
  });
  afterAll(async () => {
    await h?.close();
    await app?.stop();
  });

  it('status counts the caller’s memories under discord-<id>', async () => {
    const { embed, message } = await h.answer(h.slash('memory status', {}, bob), /Your memories/);
    expect(embed.fields).toEqual([
      expect.objectContaining({ name: 'Memories', value: '2' }),
      expect.objectContaining({ name: 'Key facts', value: '1' }),
    ]);
    expect(message.flags & 64).toBe(64);
  });

  it('search finds the caller’s memories only', async () => {
    const { embed } = await h.answer(h.slash('memory search', { query: 'tea' }, bob), /Memories matching/);
    expect(embed.description).toContain('🔑 Likes green tea in the morning');
    expect(embed.description).not.toContain('black tea');
    expect(embed.description).not.toContain('raw id');
  });

  it('clear asks first; other people, Cancel and an expired confirmation change nothing; Confirm deletes', async () => {
    const ask = async () => {
      const { message, embed } = await h.answer(h.slash('memory clear', {}, bob), /Delete everything/);
      expect(embed.description).toContain('2 memories');
      const [yes, no] = componentIds(message);
      expect(yes).toMatch(/^clara:cf:yes:memory-clear:/);
      return { message, yes: yes as string, no: no as string };
    };

    const first = await ask();
    const stranger = h.fake.clickButton(first.message.id, first.yes, { userId: ada });
    await h.fake.waitForInteractionResponse(stranger.id);
    expect((await h.answer(stranger.id, /Not your button/)).embed.description).toContain('Only the person');
    const cancel = h.fake.clickButton(first.message.id, first.no, { userId: bob });
    await h.fake.waitForInteractionResponse(cancel.id);
    expect((await h.messageWith(first.message.id, /Cancelled/)).message.components).toEqual([]);
    expect(await engine.count({ userId: `discord-${bob}` })).toBe(2);

    const second = await ask();
    offsetMs = 61_000;
    try {
      const late = h.fake.clickButton(second.message.id, second.yes, { userId: bob });
      await h.fake.waitForInteractionResponse(late.id);
      await h.messageWith(second.message.id, /Confirmation expired/);
    } finally {
      offsetMs = 0;
    }
    expect(await engine.count({ userId: `discord-${bob}` })).toBe(2);

    const third = await ask();
    const confirm = h.fake.clickButton(third.message.id, third.yes, { userId: bob });
    await h.fake.waitForInteractionResponse(confirm.id);
    await h.messageWith(third.message.id, /Memories deleted/);
    expect(await engine.count({ userId: `discord-${bob}` })).toBe(0);
    expect(await engine.count({ userId: `discord-${ada}` })).toBe(1);
    expect(await engine.count({ userId: bob })).toBe(1);
    const rows = await eventually('the audit row', async () => {
      const found = await app.db.repos.adminAudit.recent({ action: '/memory clear (confirm)' });
      return found.length > 0 && found;
    });
    expect(rows[0]).toMatchObject({ actorId: `discord-${bob}`, result: 'ok', target: `discord-${bob}` });
  });

  it('removes the buttons when nobody answers in time', async () => {
    deps.confirmTimeoutMs = 200;
    try {
      const { message } = await h.answer(h.slash('memory clear', {}, ada), /Delete everything/);
      expect(componentIds(message)).toHaveLength(2);
      const timedOut = await h.messageWith(message.id, /Confirmation timed out/);
      expect(timedOut.message.components).toEqual([]);
      expect(await engine.count({ userId: `discord-${ada}` })).toBe(1);
    } finally {
      deps.confirmTimeoutMs = undefined;
    }
  });

  it('says so when long-term memory is off', async () => {
    const memory = deps.memory;
    deps.memory = undefined;
    try {
      const { embed } = await h.answer(h.slash('memory status', {}, bob));
      expect(embed.title).toBe('❌ Memory is off');
      expect(embed.description).toContain('MEMORY_ENABLED=false');
    } finally {
      deps.memory = memory;
    }
  });
});
