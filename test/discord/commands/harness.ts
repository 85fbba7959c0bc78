/**
 * The slash commands against the fake Discord with the real discord.js client and the real app: a guild with an
 * admin (Administrator), a moderator (Manage Channels), a Clara-Admin role holder and a plain member; helpers to run
 * a command and wait for its final answer.
 */
import { Client, GatewayIntentBits, Partials } from 'discord.js';
import { type SlashCommandDeps, SlashCommands } from '../../../src/adapters/discord/commands/index.js';
import { slashCommandDeps } from '../../../src/app/discord.js';
import {
  type AddedGuild,
  type FakeDiscord,
  Perm,
  type StoredMessage,
  startFakeDiscord,
} from '../../support/fake-discord.js';
import type { SlashOptionValue } from '../../support/fake-discord-interactions.js';

/** The composition root's own builder (src/app/discord.ts), so tests run the commands exactly as Clara does. */
export const commandDepsFromApp = slashCommandDeps;

export interface Embed {
  title?: string;
  description?: string;
  color?: number;
  fields?: Array<{ name: string; value: string }>;
  footer?: { text: string };
}

export interface Harness {
  fake: FakeDiscord;
  client: Client;
  commands: SlashCommands;
  guild: AddedGuild;
  general: string;
  users: { admin: string; mod: string; roleAdmin: string; member: string };
  /** Starts a slash command; returns the interaction id. */
  slash(name: string, options: Record<string, SlashOptionValue>, userId: string, channelId?: string): string;
  /** The answer of an interaction once it is final (not loading) and its first embed title matches. */
  answer(
    interactionId: string,
    title?: RegExp,
    timeoutMs?: number,
  ): Promise<{ message: StoredMessage; embed: Embed }>;
  /** The message `messageId` once its first embed title matches. */
  messageWith(messageId: string, title: RegExp): Promise<{ message: StoredMessage; embed: Embed }>;
  close(): Promise<void>;
}

const LOADING = 128;

export async function startHarness(deps: SlashCommandDeps): Promise<Harness> {
  const fake = await startFakeDiscord();
  const admin = fake.addUser({ username: 'ada', globalName: 'Ada' }).id;
  const mod = fake.addUser({ username: 'mo', globalName: 'Mo' }).id;
  const roleAdmin = fake.addUser({ username: 'rita', globalName: 'Rita' }).id;
  const member = fake.addUser({ username: 'bob', globalName: 'Bob' }).id;
  const guild = fake.addGuild({
    name: 'Clara Test',
    roles: [
      { name: 'Admins', permissions: Perm.Administrator },
      { name: 'Mods', permissions: Perm.ManageChannels },
      { name: 'Clara-Admin' },
    ],
    channels: [{ name: 'general' }, { name: 'alerts' }],
  });
  fake.addMember(guild.id, admin, { roleIds: [guild.roles.Admins as string] });
  fake.addMember(guild.id, mod, { roleIds: [guild.roles.Mods as string] });
  fake.addMember(guild.id, roleAdmin, { roleIds: [guild.roles['Clara-Admin'] as string] });
  fake.addMember(guild.id, member);
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    partials: [Partials.Channel],
    rest: { api: fake.apiUrl },
  });
  const commands = new SlashCommands(deps);
  client.on('interactionCreate', (interaction) => void commands.handle(interaction));
  const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
  await client.login(fake.token);
  await ready;
  const general = guild.channels.general as string;

  const final = (message: StoredMessage | undefined, title?: RegExp) => {
    if (!message || message.flags & LOADING) return undefined;
    const embed = message.embeds[0] as Embed | undefined;
    if (!embed || (title && !title.test(embed.title ?? ''))) return undefined;
    return { message, embed };
  };
  return {
    fake,
    client,
    commands,
    guild,
    general,
    users: { admin, mod, roleAdmin, member },
    slash: (name, options, userId, channelId = general) =>
      fake.slashCommand(name, options, { userId, channelId }).id,
    answer: (id, title, timeoutMs) =>
      fake.waitFor(
        `the answer to interaction ${id}${title ? ` titled ${title}` : ''}`,
        () => {
          const original = fake.interaction(id)?.originalMessageId;
          return final(original ? fake.message(original) : undefined, title);
        },
        timeoutMs,
      ),
    messageWith: (messageId, title) =>
      fake.waitFor(`message ${messageId} titled ${title}`, () => final(fake.message(messageId), title)),
    async close() {
      commands.close();
      await client.destroy();
      await fake.close();
    },
  };
}

/** Polls `check` until it returns something truthy (background writes that finish just after the answer). */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The custom ids of the buttons / selects on a message. */
export function componentIds(message: StoredMessage): string[] {
  const rows = message.components as Array<{ components: Array<{ custom_id?: string }> }>;
  return rows.flatMap((row) => row.components.map((c) => c.custom_id ?? ''));
}
