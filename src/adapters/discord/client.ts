/** The discord.js client Clara uses: the intents of spec §1.1 (without the privileged members intent) and DMs. */
import { Client, type ClientOptions, GatewayIntentBits, Partials } from 'discord.js';

export function createDiscordClient(apiUrl: string, extra: Partial<ClientOptions> = {}): Client {
  return new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.GuildMessageReactions,
      GatewayIntentBits.MessageContent,
      GatewayIntentBits.DirectMessages,
    ],
    // DM channels are not cached before their first message; without this discord.js drops DMs.
    partials: [Partials.Channel],
    allowedMentions: { parse: [], repliedUser: false },
    ...extra,
    rest: { api: apiUrl, ...extra.rest },
  });
}
