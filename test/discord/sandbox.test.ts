/**
 * The code sandbox per Discord server, end to end: the real app and Discord adapter against the fake Discord, the
 * local Docker backend against the fake Docker engine, and the remote backend against our own sandbox service
 * (real python3 in bubblewrap). With SANDBOX_MODE=auto and the remote service configured, one server pins
 * `/sandbox mode local` and its code runs in a Docker container; the other keeps the default (follow SANDBOX_MODE)
 * and its code runs in the remote service. `/sandbox status` shows each server's effective mode and the numbers of
 * the backend it uses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discordUserId } from '../../src/domain/index.js';
import { API_KEY, type RunningService, startService } from '../sandbox/service-harness.js';
import { type DiscordWorld, startDiscordWorld, waitUntil } from '../support/discord-bot.js';
import { Perm } from '../support/fake-discord.js';
import { type FakeDocker, startFakeDocker } from '../support/fake-docker.js';

interface Embed {
  title?: string;
  description?: string;
  fields?: Array<{ name: string; value: string }>;
}

describe('the code sandbox per Discord server', () => {
  let docker: FakeDocker;
  let service: RunningService;
  let w: DiscordWorld;
  let lab: string;

  beforeAll(async () => {
    docker = await startFakeDocker({ images: ['python:3.12-slim'] });
    service = await startService();
    w = await startDiscordWorld({
      env: {
        SANDBOX_MODE: 'auto',
        DOCKER_HOST: docker.dockerHost,
        SANDBOX_API_URL: service.url,
        SANDBOX_API_KEY: API_KEY,
      },
    });
    const second = w.fake.addGuild({
      name: 'Second Server',
      roles: [{ name: 'Clara-Admin', permissions: Perm.ManageChannels }],
      channels: [{ name: 'lab' }],
    });
    w.fake.addMember(second.id, w.aliceId, { roleIds: [second.roles['Clara-Admin'] as string] });
    lab = second.channels.lab as string;
    await waitUntil('the bot sees both servers', () => w.discord.status().guilds === 2);
  });
  afterAll(async () => {
    await w?.close();
    await service?.stop();
    await docker?.close();
  });

  /** Runs a slash command as Alice in `channelId` and returns the first embed of its final answer. */
  async function slash(name: string, options: Record<string, string>, channelId: string): Promise<Embed> {
    const interaction = w.fake.slashCommand(name, options, { userId: w.aliceId, channelId });
    return w.fake.waitFor(`the answer to /${name}`, () => {
      const id = w.fake.interaction(interaction.id)?.originalMessageId;
      const message = id ? w.fake.message(id) : undefined;
      if (!message || message.flags & 128) return undefined;
      return message.embeds[0] as Embed | undefined;
    });
  }
  const field = (embed: Embed, name: string) => embed.fields?.find((f) => f.name === name)?.value;

  /** Alice asks Clara in `channelId`; the scripted model runs `code` with execute_python. */
  async function runIn(channelId: string, code: string, reply: string): Promise<string> {
    w.llm.script({ toolCalls: [{ name: 'execute_python', arguments: { code } }] }, reply);
    w.fake.userSays(channelId, w.aliceId, 'please run my code', { mentionsBot: true });
    await w.fake.waitForMessage(channelId, (m) => m.content === reply, 30_000);
    const toolMessages = w.llm
      .chatRequests()
      .flatMap((r) => (r.body.messages ?? []) as Array<{ role: string; content: string }>)
      .filter((m) => m.role === 'tool');
    return toolMessages.at(-1)?.content ?? '';
  }

  it('runs each server’s code on the backend its mode picks, and shows it in /sandbox status', async () => {
    const set = await slash('sandbox mode', { mode: 'local' }, w.general);
    expect(set.title).toContain('Sandbox mode: local');
    expect(set.description).toContain('uses the local Docker sandbox only');
    expect(set.description).toContain('In effect now: local (docker)');
    expect((await w.app.db.repos.guildConfigs.get(w.guild.id))?.sandboxMode).toBe('local');

    const pinned = await slash('sandbox status', {}, w.general);
    expect(field(pinned, 'Available')).toBe('✅ yes');
    expect(field(pinned, 'Mode')).toBe('local (docker)');
    expect(field(pinned, 'Server setting')).toBe('local (this server)');
    expect(field(pinned, 'Detail')).toContain('backend: docker');
    expect(field(pinned, 'Detail')).toContain('image: python:3.12-slim');
    expect(field(pinned, 'Detail')).toContain('activeContainers: 0');

    const following = await slash('sandbox status', {}, lab);
    expect(field(following, 'Available')).toBe('✅ yes');
    expect(field(following, 'Mode')).toBe('auto → remote');
    expect(field(following, 'Server setting')).toBe('auto (follows SANDBOX_MODE)');
    expect(field(following, 'Detail')).toContain('backend: bubblewrap');
    expect(field(following, 'Detail')).toContain('active_sandboxes: 0');

    const alice = discordUserId(w.aliceId);
    const first = await runIn(w.general, 'print("hello from", "the first server")', 'Ran it here.');
    expect(first).toContain('hello from the first server');
    expect(docker.find('POST', /^\/containers\/create$/)).toHaveLength(1);
    expect(service.service.sessions.get(alice)).toBeUndefined();

    const second = await runIn(lab, 'print("hello from", "the second server")', 'Ran it there.');
    expect(second).toContain('hello from the second server');
    expect(service.service.sessions.get(alice)?.executionCount).toBe(1);
    expect(docker.find('POST', /^\/containers\/create$/)).toHaveLength(1);

    const afterRun = await slash('sandbox status', {}, w.general);
    expect(field(afterRun, 'Detail')).toContain('activeContainers: 1');
  });

  it('a server set back to auto follows SANDBOX_MODE again', async () => {
    const reset = await slash('sandbox mode', { mode: 'auto' }, w.general);
    expect(reset.description).toContain("follows Clara's SANDBOX_MODE");
    expect(reset.description).toContain('In effect now: auto → remote');
    const before = docker.find('POST', /\/exec$/).length;
    const output = await runIn(w.general, 'print(6 * 7)', 'Back on the service.');
    expect(output).toContain('42');
    expect(docker.find('POST', /\/exec$/)).toHaveLength(before);
    expect(service.service.sessions.get(discordUserId(w.aliceId))?.executionCount).toBe(2);
  });
});
