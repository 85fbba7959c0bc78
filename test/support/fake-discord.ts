/**
 * A wire-level fake Discord on 127.0.0.1 (random port): REST API v10 (`fake-discord-rest.ts`) and gateway
 * (`fake-discord-gateway.ts`) on one HTTP server, so the real discord.js Client runs unchanged against it:
 *
 *   new Client({ intents, rest: { api: fake.apiUrl } }).login(fake.token)
 *
 * (`GET /api/v10/gateway/bot` hands out the gateway URL). Tests build the world (`addGuild`, `addUser`,
 * `addMember`, `addThread`, `dmChannel`), make users act (`userSays`, `userEdits`, `slashCommand`, `clickButton`)
 * and read what the bot did (`messages`, `edits`, `uploads`, `typingCount`, `interaction(id).responses`,
 * `requests`, `unexpectedRequests`). `waitFor*` helpers resolve on the next matching change, never by polling
 * a clock. Network faults: `dropConnection`, `rateLimit`, `rateLimitNext`, `failRoute` / `clearFaults`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiMessage } from './fake-discord-builders.js';
import { type DropOptions, FakeGateway } from './fake-discord-gateway.js';
import {
  RateLimiter,
  type RateLimitRule,
  type RouteFault,
  RouteFaults,
  type Scripted429,
} from './fake-discord-http.js';
import {
  componentInteraction,
  type InteractionContext,
  modalSubmitInteraction,
  type SlashOptionValue,
  slashCommandInteraction,
} from './fake-discord-interactions.js';
import { FakeDiscordState, type FakeInteraction, type StoredMessage } from './fake-discord-model.js';
import { createRestHandler } from './fake-discord-rest.js';
import { createWorldApi } from './fake-discord-world.js';

export type { FakeInteraction, RecordedRequest, StoredMessage } from './fake-discord-model.js';
export { ChannelKind, Perm } from './fake-discord-model.js';

export type { AddedGuild, FakeAttachmentInput, GuildInput, UserSaysOptions } from './fake-discord-world.js';

export interface StartFakeDiscordOptions {
  token?: string;
  botName?: string;
  /** HELLO's heartbeat interval (default 41,250 ms as on Discord). */
  heartbeatIntervalMs?: number;
}

export async function startFakeDiscord(options: StartFakeDiscordOptions = {}) {
  const token = options.token ?? 'fake-bot-token';
  const botId = '1000000000000000001';
  const state = new FakeDiscordState(
    { id: botId, username: options.botName ?? 'Clara', globalName: options.botName ?? 'Clara', bot: true },
    botId,
    '',
  );
  const limiter = new RateLimiter();
  const faults = new RouteFaults();
  let origin = '';
  const gateway = new FakeGateway(state, {
    token,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    url: () => `${origin.replace(/^http/, 'ws')}/gateway`,
  });
  const dispatch = (event: string, data: Record<string, unknown>) => gateway.dispatch(event, data);
  const rest = createRestHandler({
    state,
    dispatch,
    limiter,
    faults,
    token,
    gatewayUrl: () => `${origin.replace(/^http/, 'ws')}/gateway`,
  });
  const world = createWorldApi(state, dispatch);
  const server = createServer((req, res) => {
    rest(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `fake Discord error: ${String(error)}`, code: 0 }));
    });
  });
  gateway.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.baseUrl = origin;

  const startInteraction = (interaction: FakeInteraction) => {
    state.interactions.set(interaction.id, interaction);
    dispatch('INTERACTION_CREATE', interaction.payload);
    state.changed();
    return interaction;
  };

  return {
    /** Origin, e.g. `http://127.0.0.1:PORT`. */
    url: origin,
    /** For discord.js `rest.api` (and `DISCORD_API_URL`): `<origin>/api`; requests go to `/api/v10/...`. */
    apiUrl: `${origin}/api`,
    gatewayUrl: `${origin.replace(/^http/, 'ws')}/gateway`,
    token,
    botUser: state.botUser,
    applicationId: state.applicationId,
    state,
    /** Every HTTP request, in order. */
    requests: state.requests,
    /** Gateway connection URLs (path + query) and every payload clients sent. */
    gatewayConnections: gateway.connections,
    gatewayReceived: gateway.received,

    ...world,
    slashCommand(
      name: string,
      options: Record<string, SlashOptionValue>,
      context: InteractionContext,
    ): FakeInteraction {
      return startInteraction(slashCommandInteraction(state, name, options, context));
    },
    clickButton(messageId: string, customId: string, context: { userId: string }): FakeInteraction {
      return startInteraction(componentInteraction(state, messageId, customId, context.userId));
    },
    selectMenu(
      messageId: string,
      customId: string,
      values: string[],
      context: { userId: string },
    ): FakeInteraction {
      return startInteraction(componentInteraction(state, messageId, customId, context.userId, values));
    },
    submitModal(
      customId: string,
      fields: Record<string, string>,
      context: InteractionContext,
    ): FakeInteraction {
      return startInteraction(modalSubmitInteraction(state, customId, fields, context));
    },

    /** Live messages of a channel, oldest first, as they are now (after edits, without deleted ones). */
    messages(channelId: string): StoredMessage[] {
      return state.channelMessages(channelId);
    },
    message(messageId: string): StoredMessage | undefined {
      return state.messages.get(messageId);
    },
    /** Every content `messageId` had, the first one included. */
    edits(messageId: string): string[] {
      return [...(state.messages.get(messageId)?.contentHistory ?? [])];
    },
    typingCount(channelId: string): number {
      return state.typing.get(channelId) ?? 0;
    },
    /** Files the bot uploaded (messages, edits, interaction replies). */
    uploads(channelId?: string) {
      return state.uploads.filter((u) => !channelId || u.channelId === channelId);
    },
    /** Slash commands the bot registered (global: `guildId` null). */
    commands(guildId: string | null = null) {
      return [...state.commands.values()].filter((c) => c.guildId === guildId);
    },
    interaction(id: string): FakeInteraction | undefined {
      return state.interactions.get(id);
    },
    /** Requests no route answered (404 with `route: null`). */
    unexpectedRequests() {
      return state.requests.filter((r) => r.route === null);
    },
    apiMessage(messageId: string) {
      const message = state.messages.get(messageId);
      return message ? apiMessage(state, message) : undefined;
    },

    waitFor<T>(what: string, check: () => T | undefined | null | false, timeoutMs?: number): Promise<T> {
      return state.waitFor(what, check, timeoutMs);
    },
    /** The first message of the channel (by the bot, unless `predicate` says otherwise) that matches. */
    waitForMessage(
      channelId: string,
      predicate: (m: StoredMessage) => boolean = (m) => m.authorId === botId,
      timeoutMs?: number,
    ): Promise<StoredMessage> {
      return state.waitFor(
        `a matching message in channel ${channelId}`,
        () => state.channelMessages(channelId).find(predicate),
        timeoutMs,
      );
    },
    waitForInteractionResponse(id: string, count = 1, timeoutMs?: number): Promise<FakeInteraction> {
      return state.waitFor(
        `${count} response(s) to interaction ${id}`,
        () => {
          const interaction = state.interactions.get(id);
          return interaction && interaction.responses.length >= count ? interaction : undefined;
        },
        timeoutMs,
      );
    },
    waitForIdentify(count = 1, timeoutMs?: number): Promise<number> {
      return state.waitFor(
        `${count} IDENTIFY`,
        () => state.identifyCount >= count && gateway.connected() && state.identifyCount,
        timeoutMs,
      );
    },
    waitForResume(count = 1, timeoutMs?: number): Promise<number> {
      return state.waitFor(
        `${count} RESUME`,
        () => state.resumeCount >= count && gateway.connected() && state.resumeCount,
        timeoutMs,
      );
    },
    identifyCount: () => state.identifyCount,
    resumeCount: () => state.resumeCount,
    connected: () => gateway.connected(),

    /** Closes the gateway connection(s); see `DropOptions` (default: resumable, close code 4000). */
    dropConnection(opts?: DropOptions): void {
      gateway.drop(opts);
    },
    requestReconnect(): void {
      gateway.requestReconnect();
    },
    /** Bucket limits with `X-RateLimit-*` headers and real 429s when exhausted. */
    rateLimit(rule: RateLimitRule): void {
      limiter.rules.push(rule);
    },
    /** Answers the next matching request with 429 and `retry_after` (then normally again). */
    rateLimitNext(script: Scripted429): void {
      limiter.scripted.push(script);
    },

    /**
     * Makes a route fail with a Discord error, e.g. the bot lacking Read Message History:
     * `failRoute({ method: 'GET', route: '/channels/:channel/messages', params: { channel }, status: 403,
     * code: 50001, message: 'Missing Access' })`. Until `clearFaults()`, or `times` requests.
     */
    failRoute(fault: RouteFault): void {
      faults.add(fault);
    },
    clearFaults(): void {
      faults.clear();
    },

    async close(): Promise<void> {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeDiscord = Awaited<ReturnType<typeof startFakeDiscord>>;
