/**
 * Which tools the model is offered from a Discord message, with the real discord.js client against the fake
 * Discord and the fake LLM recording each request: a member with the Administrator permission and a member with the
 * role named CLARA_ADMIN_ROLE are admins (the MCP management tools and the admin part of the MCP prompt); a member
 * with Manage Channels only, an ordinary member and anyone in a DM are not (and an admin tool the model calls anyway
 * is refused).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscord, type DiscordHandle } from '../../src/app/discord.js';
import { MCP_INSTRUCTIONS_ADMIN, MCP_INSTRUCTIONS_PUBLIC } from '../../src/mcp/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { discordEnv, NO_IDENTIFY_WAIT, promptText } from '../support/discord-bot.js';
import { type FakeDiscord, Perm, startFakeDiscord } from '../support/fake-discord.js';
import { type FakeLlm, startFakeLlm } from '../support/fake-llm.js';

const ADMIN_TOOLS = ['mcp_install', 'mcp_uninstall', 'mcp_enable', 'mcp_oauth_start', 'get_error_logs'];
const PUBLIC_TOOLS = ['mcp_list', 'mcp_status', 'mcp_tools', 'mcp_oauth_status', 'get_chat_history'];

interface Offer {
  tools: string[];
  system: string;
}

describe('tools offered from Discord by member permissions', () => {
  let fake: FakeDiscord;
  let llm: FakeLlm;
  let app: TestApp;
  let discord: DiscordHandle;
  let general: string;
  const users: Record<'administrator' | 'roleAdmin' | 'moderator' | 'member', string> = {
    administrator: '',
    roleAdmin: '',
    moderator: '',
    member: '',
  };

  beforeAll(async () => {
    fake = await startFakeDiscord();
    llm = await startFakeLlm({ chunkDelayMs: 1 });
    users.administrator = fake.addUser({ username: 'ada' }).id;
    users.roleAdmin = fake.addUser({ username: 'rita' }).id;
    users.moderator = fake.addUser({ username: 'mo' }).id;
    users.member = fake.addUser({ username: 'bob' }).id;
    const guild = fake.addGuild({
      name: 'Clara Test',
      roles: [
        { name: 'Server-Admins', permissions: Perm.Administrator },
        // Grants admin by its name (CLARA_ADMIN_ROLE), with no permission at all.
        { name: 'Plugin-Admins' },
        { name: 'Mods', permissions: Perm.ManageChannels },
      ],
      channels: [{ name: 'general' }],
    });
    fake.addMember(guild.id, users.administrator, { roleIds: [guild.roles['Server-Admins'] as string] });
    fake.addMember(guild.id, users.roleAdmin, { roleIds: [guild.roles['Plugin-Admins'] as string] });
    fake.addMember(guild.id, users.moderator, { roleIds: [guild.roles.Mods as string] });
    fake.addMember(guild.id, users.member);
    general = guild.channels.general as string;
    app = await startTestApp({
      backend: 'sqlite',
      fake: llm,
      env: await discordEnv(fake, { CLARA_ADMIN_ROLE: 'Plugin-Admins' }),
    });
    discord = createDiscord(app, { clientOptions: NO_IDENTIFY_WAIT });
    await discord.start();
  });
  afterAll(async () => {
    await discord?.stop(2_000);
    await app?.stop({ timeoutMs: 2_000 });
    await llm?.close();
    await fake?.close();
  });

  /** Sends a message, waits for Clara's reply, and returns what the first LLM request of that turn offered. */
  async function offerFor(userId: string, channelId: string, reply: string): Promise<Offer> {
    const before = llm.chatRequests().length;
    llm.script(reply);
    fake.userSays(channelId, userId, 'what can you do?', { mentionsBot: channelId === general });
    await fake.waitForMessage(channelId, (m) => m.authorId === fake.botUser.id && m.content === reply);
    const request = llm.chatRequests()[before]!;
    const tools = (request.body.tools ?? []).map((t: { function: { name: string } }) => t.function.name);
    const system = (request.body.messages as Array<{ role: string; content: unknown }>)
      .filter((m) => m.role === 'system')
      .map((m) => String(m.content))
      .join('\n');
    return { tools, system };
  }

  const expectAdmin = (offer: Offer) => {
    expect(offer.tools).toEqual(expect.arrayContaining([...ADMIN_TOOLS, ...PUBLIC_TOOLS]));
    expect(offer.system).toContain(MCP_INSTRUCTIONS_PUBLIC);
    expect(offer.system).toContain(MCP_INSTRUCTIONS_ADMIN);
  };
  const expectNotAdmin = (offer: Offer) => {
    expect(offer.tools).toEqual(expect.arrayContaining(PUBLIC_TOOLS));
    for (const name of ADMIN_TOOLS) expect(offer.tools).not.toContain(name);
    expect(offer.system).toContain(MCP_INSTRUCTIONS_PUBLIC);
    expect(offer.system).not.toContain(MCP_INSTRUCTIONS_ADMIN);
    for (const name of ADMIN_TOOLS) expect(offer.system).not.toContain(name);
  };

  it('offers the admin tools to a member with the Administrator permission', async () => {
    expectAdmin(await offerFor(users.administrator, general, 'Hello, administrator.'));
  });

  it('offers the admin tools to a member with the CLARA_ADMIN_ROLE role', async () => {
    expectAdmin(await offerFor(users.roleAdmin, general, 'Hello, plugin admin.'));
  });

  it('offers only the public tools to a moderator and to an ordinary member', async () => {
    expectNotAdmin(await offerFor(users.moderator, general, 'Hello, moderator.'));
    expectNotAdmin(await offerFor(users.member, general, 'Hello, member.'));
  });

  it('does not treat a DM as admin, even from a server administrator', async () => {
    expectNotAdmin(await offerFor(users.administrator, fake.dmChannel(users.administrator), 'Hello in DM.'));
  });

  it('refuses an admin tool that the model calls for an ordinary member', async () => {
    llm.script(
      { toolCalls: [{ id: 'x', name: 'mcp_install', arguments: { source: '@acme/anything' } }] },
      'Only an admin can install servers.',
    );
    fake.userSays(general, users.member, 'install @acme/anything', { mentionsBot: true });
    await fake.waitForMessage(general, (m) => m.content === 'Only an admin can install servers.');
    const last = llm.chatRequests().at(-1)!;
    expect(promptText(last)).toContain('Error: the tool mcp_install is only for admins.');
    expect(await app.mcp.manager.servers()).toEqual([]);
  });
});
