/**
 * The fake Discord (test/support/fake-discord*.ts) driven by the REAL discord.js Client: login and guild cache,
 * messages in and out (send, edit, delete, typing, reactions, uploads, DMs, replies), slash commands and buttons
 * answered through the interaction callback and webhook routes, gateway drops (resume with replay, and
 * re-identify) without duplicate events, and rate limits honoured by discord.js's REST client.
 */
import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  Client,
  type ClientEvents,
  DiscordAPIError,
  GatewayIntentBits,
  type Message,
  MessageFlags,
  Partials,
  type RateLimitData,
  type TextChannel,
} from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AddedGuild, type FakeDiscord, Perm, startFakeDiscord } from '../support/fake-discord.js';

function nextEvent<K extends keyof ClientEvents>(
  client: Client,
  event: K,
  predicate: (...args: ClientEvents[K]) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<ClientEvents[K]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: ClientEvents[K]) => {
      if (!predicate(...args)) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolve(args);
    };
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`timed out waiting for discord.js event ${String(event)}`));
    }, timeoutMs);
    client.on(event, listener);
  });
}

function newClient(fake: FakeDiscord): Client {
  return new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.MessageContent,
      GatewayIntentBits.DirectMessages,
    ],
    partials: [Partials.Channel],
    rest: { api: fake.apiUrl },
    // discord.js spaces IDENTIFYs 5 s apart; the re-identify test needs no such wait against a fake.
    ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) },
  });
}

describe('fake Discord with the real discord.js client', () => {
  let fake: FakeDiscord;
  let client: Client;
  let guild: AddedGuild;
  let aliceId: string;
  let general: TextChannel;
  /** Every messageCreate the client emitted, by message id, to catch duplicates. */
  const created: string[] = [];

  beforeAll(async () => {
    fake = await startFakeDiscord();
    aliceId = fake.addUser({ username: 'alice', globalName: 'Alice' }).id;
    guild = fake.addGuild({
      name: 'Clara Test',
      roles: [{ name: 'Clara-Admin', permissions: Perm.ManageChannels }],
      channels: [{ name: 'general' }, { name: 'random' }],
    });
    fake.addMember(guild.id, aliceId, { roleIds: [guild.roles['Clara-Admin'] as string] });
    client = newClient(fake);
    client.on('messageCreate', (message) => created.push(message.id));
    const ready = nextEvent(client, 'clientReady');
    await client.login(fake.token);
    await ready;
    general = client.channels.cache.get(guild.channels.general as string) as TextChannel;
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.close();
  });

  afterEach(() => {
    expect(fake.unexpectedRequests()).toEqual([]);
  });

  it('logs in over the gateway and caches the guild, its channels, roles and members', () => {
    expect(client.user?.id).toBe(fake.botUser.id);
    expect(fake.identifyCount()).toBe(1);
    expect(fake.gatewayConnections[0]?.query).toMatchObject({ v: '10', encoding: 'json' });
    const cached = client.guilds.cache.get(guild.id);
    expect(cached?.name).toBe('Clara Test');
    expect(cached?.channels.cache.map((c) => c.name).sort()).toEqual(['general', 'random']);
    const alice = cached?.members.cache.get(aliceId);
    expect(alice?.roles.cache.map((r) => r.name).sort()).toEqual(['@everyone', 'Clara-Admin']);
    expect(alice?.permissions.has('ManageChannels')).toBe(true);
    expect(cached?.members.me?.permissions.has('SendMessages')).toBe(true);
  });

  it('delivers user messages with mentions, replies and downloadable attachments, and DMs', async () => {
    const first = fake.userSays(general.id, aliceId, 'first words');
    await nextEvent(client, 'messageCreate', (m) => m.id === first);
    const arrived = nextEvent(client, 'messageCreate', (m) => m.author.id === aliceId);
    const id = fake.userSays(general.id, aliceId, 'what is in this file?', {
      mentionsBot: true,
      replyTo: first,
      attachments: [
        { name: 'notes.txt', data: 'the file body', contentType: 'text/plain' },
        { name: 'cat.png', data: Buffer.from([0x89, 0x50]), contentType: 'image/png', width: 64, height: 32 },
      ],
    });
    const [message] = await arrived;
    expect(message.id).toBe(id);
    expect(message.content).toBe(`<@${fake.botUser.id}> what is in this file?`);
    expect(message.mentions.users.has(fake.botUser.id)).toBe(true);
    expect(message.reference?.messageId).toBe(first);
    expect(message.member?.roles.cache.has(guild.roles['Clara-Admin'] as string)).toBe(true);
    const attachment = message.attachments.first();
    expect(attachment?.name).toBe('notes.txt');
    expect(attachment?.contentType).toBe('text/plain');
    expect(await (await fetch(attachment?.url as string)).text()).toBe('the file body');
    expect([message.attachments.last()?.width, message.attachments.last()?.height]).toEqual([64, 32]);

    const updated = nextEvent(client, 'messageUpdate', (_, after) => after.id === first);
    fake.userEdits(first, 'first words, edited');
    expect((await updated)[1].content).toBe('first words, edited');
    const deleted = nextEvent(client, 'messageDelete', (m) => m.id === first);
    fake.userDeletes(first);
    await deleted;

    const dm = fake.dmChannel(aliceId);
    const dmArrived = nextEvent(client, 'messageCreate', (m) => m.channelId === dm);
    fake.userSays(dm, aliceId, 'a private hello');
    const [dmMessage] = await dmArrived;
    expect(dmMessage.guild).toBeNull();
    expect(dmMessage.channel.isDMBased()).toBe(true);
    await dmMessage.reply('hello back');
    expect(fake.messages(dm).map((m) => [m.authorId, m.content, m.replyToId])).toEqual([
      [aliceId, 'a private hello', null],
      [fake.botUser.id, 'hello back', dmMessage.id],
    ]);
    await client.users.send(aliceId, 'a message the bot started');
    expect(fake.messages(dm).at(-1)?.content).toBe('a message the bot started');
  });

  it('records what the client sends, edits, reacts to and deletes, and rejects what Discord rejects', async () => {
    await general.sendTyping();
    expect(fake.typingCount(general.id)).toBe(1);
    const sent = await general.send('first draft');
    const edited = await sent.edit('final answer');
    expect(edited.editedTimestamp).not.toBeNull();
    await sent.react('👍');
    const stored = fake.message(sent.id);
    expect(stored?.content).toBe('final answer');
    expect(fake.edits(sent.id)).toEqual(['first draft', 'final answer']);
    expect([...(stored?.reactions.get('👍') ?? [])]).toEqual([fake.botUser.id]);
    const fetched = await general.messages.fetch({ limit: 5 });
    expect(fetched.first()?.content).toBe('final answer');

    await sent.delete();
    expect(fake.messages(general.id).some((m) => m.id === sent.id)).toBe(false);

    const tooLong = await general.send('x'.repeat(2001)).catch((error: unknown) => error);
    expect(tooLong).toBeInstanceOf(DiscordAPIError);
    expect((tooLong as DiscordAPIError).code).toBe(50035);
  });

  it('records file uploads and serves them back at the attachment URL', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);
    const sent = await general.send({
      content: 'a picture',
      files: [{ attachment: bytes, name: 'pic.png' }],
    });
    const uploads = fake.uploads(general.id);
    expect(uploads.map((u) => [u.name, u.messageId])).toEqual([['pic.png', sent.id]]);
    expect(uploads[0]?.bytes.equals(bytes)).toBe(true);
    const url = sent.attachments.first()?.url as string;
    expect(Buffer.from(await (await fetch(url)).arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('registers slash commands and answers a command and a button through the interaction routes', async () => {
    await client.application?.commands.set([
      {
        name: 'clara',
        description: 'Clara settings',
        options: [
          {
            type: 1,
            name: 'channel',
            description: 'Set the channel mode',
            options: [{ type: 3, name: 'mode', description: 'active, mention or off', required: true }],
          },
        ],
      },
    ]);
    expect(fake.commands().map((c) => c.name)).toEqual(['clara']);

    let replyMessageId: string | undefined;
    client.on('interactionCreate', async (interaction) => {
      if (interaction.isChatInputCommand() && interaction.options.getSubcommand() === 'info') {
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        await interaction.editReply('Clara, version test');
        await interaction.followUp('and a follow-up');
      } else if (interaction.isChatInputCommand()) {
        const command = interaction as ChatInputCommandInteraction;
        const response = await command.reply({
          withResponse: true,
          content: 'working…',
          components: [
            { type: 1, components: [{ type: 2, style: 1, custom_id: 'confirm', label: 'Confirm' }] },
          ],
        });
        replyMessageId = response.resource?.message?.id;
        await command.editReply(`${command.options.getSubcommand()} → ${command.options.getString('mode')}`);
      } else if (interaction.isButton()) {
        await (interaction as ButtonInteraction).update({
          content: `confirmed by ${interaction.user.id}`,
          components: [],
        });
      }
    });

    const command = fake.slashCommand(
      'clara channel',
      { mode: 'active' },
      { userId: aliceId, channelId: general.id },
    );
    const reply = await fake.waitForMessage(
      general.id,
      (m) => m.interactionId === command.id && m.content.includes('→'),
    );
    expect(reply.content).toBe('channel → active');
    expect(replyMessageId).toBe(reply.id);
    expect(fake.edits(reply.id)).toEqual(['working…', 'channel → active']);
    expect(fake.interaction(command.id)?.responses.map((r) => r.type)).toEqual([4]);

    const click = fake.clickButton(reply.id, 'confirm', { userId: aliceId });
    await fake.waitForInteractionResponse(click.id);
    expect(fake.message(reply.id)?.content).toBe(`confirmed by ${aliceId}`);
    expect(fake.message(reply.id)?.components).toEqual([]);

    const info = fake.slashCommand('clara info', {}, { userId: aliceId, channelId: general.id });
    const followUp = await fake.waitForMessage(general.id, (m) => m.content === 'and a follow-up');
    const original = fake.message(fake.interaction(info.id)?.originalMessageId as string);
    expect(original?.content).toBe('Clara, version test');
    expect(original?.flags).toBe(MessageFlags.Ephemeral);
    expect(fake.interaction(info.id)?.responses.map((r) => r.type)).toEqual([5]);
    expect(fake.interaction(info.id)?.followupIds).toEqual([followUp.id]);
  });

  it('announces threads and lets the client start one', async () => {
    const threadCreated = nextEvent(client, 'threadCreate');
    const threadId = fake.addThread(general.id, { name: 'side topic', ownerId: aliceId });
    const [thread] = await threadCreated;
    expect([thread.id, thread.parentId]).toEqual([threadId, general.id]);
    const said = nextEvent(client, 'messageCreate', (m) => m.channelId === threadId);
    fake.userSays(threadId, aliceId, 'in the thread');
    const [inThread] = await said;
    expect(inThread.channel.isThread()).toBe(true);
    const started = await general.threads.create({ name: 'bot thread' });
    expect(fake.state.channels.get(started.id)?.parentId).toBe(general.id);
  });

  it('resumes after a dropped connection, replaying missed events exactly once', async () => {
    const resumed = nextEvent(client, 'shardResume');
    fake.dropConnection();
    const whileAway = fake.userSays(general.id, aliceId, 'said while the bot was away');
    await resumed;
    expect(fake.resumeCount()).toBe(1);
    expect(fake.identifyCount()).toBe(1);
    expect(fake.gatewayConnections.at(-1)?.path).toBe('/gateway/resume');
    const after = fake.userSays(general.id, aliceId, 'said after the resume');
    await nextEvent(client, 'messageCreate', (m) => m.id === after);
    expect(created.filter((id) => id === whileAway)).toHaveLength(1);
    expect(created.filter((id) => id === after)).toHaveLength(1);
  });

  it('identifies again when the session cannot be resumed', async () => {
    fake.dropConnection({ resumable: false });
    await fake.waitForIdentify(2);
    const after = fake.userSays(general.id, aliceId, 'said after the new session');
    const [message] = await nextEvent(client, 'messageCreate', (m) => m.id === after);
    expect(message.content).toBe('said after the new session');
    expect(created.filter((id) => id === after)).toHaveLength(1);
  });

  it('lets discord.js retry after a 429 and pace itself by the rate-limit headers', async () => {
    const isSend = (method: string, route: string) =>
      method === 'POST' && route === '/channels/:channel/messages';
    fake.rateLimitNext({ retryAfterMs: 250, match: isSend });
    const limited = new Promise<RateLimitData>((resolve) => client.rest.once('rateLimited', resolve));
    const sent: Message = await general.send('after a 429');
    expect((await limited).retryAfter).toBeGreaterThanOrEqual(250);
    const sends = fake.requests.filter(
      (r) => r.method === 'POST' && r.route === '/channels/:channel/messages',
    );
    const [refused, accepted] = sends.slice(-2);
    expect([refused?.status, accepted?.status]).toEqual([429, 200]);
    expect((accepted?.time ?? 0) - (refused?.time ?? 0)).toBeGreaterThanOrEqual(250);
    expect(fake.message(sent.id)?.content).toBe('after a 429');

    fake.rateLimit({ limit: 2, windowMs: 300, match: (method) => method === 'PATCH' });
    await Promise.all(['one', 'two', 'three'].map((text) => sent.edit(text)));
    const edits = fake.requests.filter(
      (r) => r.method === 'PATCH' && r.path.endsWith(`/messages/${sent.id}`),
    );
    expect(edits.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(fake.edits(sent.id)).toEqual(['after a 429', 'one', 'two', 'three']);
  });

  it('rejects a wrong token at login with a clear discord.js error', async () => {
    const stranger = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    await expect(stranger.login('not-the-token')).rejects.toThrow(/invalid token/i);
    await stranger.destroy();
  });
});
