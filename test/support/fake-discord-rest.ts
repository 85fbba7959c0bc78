/**
 * The fake Discord's REST API (`/api/v10/...`) and its attachment file server (`/attachments/:channel/:id/:name`).
 * Every request is recorded (`state.requests`); injected faults (`RouteFaults`) answer before the route runs; an
 * unknown route answers 404 `{ message, code: 0 }` with
 * `route: null` so tests can assert nothing unexpected was called. Bot routes need `Authorization: Bot <token>`;
 * interaction and webhook routes authenticate by their token, as on Discord.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiChannel, apiGuild, apiMember, apiMessage, apiRole, apiUser } from './fake-discord-builders.js';
import {
  DiscordHttpError,
  type ParsedBody,
  parseBody,
  type RateLimiter,
  type RouteFaults,
  sendJson,
  sendNoContent,
  unknownChannel,
  unknownMessage,
} from './fake-discord-http.js';
import {
  asPayload,
  createMessage,
  type Dispatch,
  deleteMessage,
  editMessage,
} from './fake-discord-messages.js';
import { ChannelKind, compareIds, type FakeDiscordState } from './fake-discord-model.js';
import { registerInteractionRoutes } from './fake-discord-rest-interactions.js';

export interface RouteContext {
  params: Record<string, string>;
  query: Record<string, string>;
  body: ParsedBody;
}

/** `undefined` → 204 No Content. */
export type RouteResult = { status?: number; json: unknown } | undefined;

interface Route {
  method: string;
  template: string;
  regex: RegExp;
  names: string[];
  auth: boolean;
  handle(ctx: RouteContext): RouteResult | Promise<RouteResult>;
}

export interface RestDependencies {
  state: FakeDiscordState;
  dispatch: Dispatch;
  limiter: RateLimiter;
  faults: RouteFaults;
  token: string;
  gatewayUrl: () => string;
}

export type RouteRegistrar = (
  method: string,
  template: string,
  handle: Route['handle'],
  auth?: boolean,
) => void;

export function createRestHandler(deps: RestDependencies) {
  const { state, dispatch } = deps;
  const routes: Route[] = [];
  const route = (method: string, template: string, handle: Route['handle'], auth = true) => {
    const names: string[] = [];
    const pattern = template.replace(/:(\w+)/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    routes.push({ method, template, regex: new RegExp(`^${pattern}$`), names, auth, handle });
  };
  const ok = (json: unknown, status = 200): RouteResult => ({ status, json });
  const message = (id: string, channelId?: string) => {
    const found = state.messages.get(id);
    if (!found || found.deleted || (channelId && found.channelId !== channelId)) throw unknownMessage();
    return found;
  };
  const channel = (id: string) => {
    const found = state.channels.get(id);
    if (!found) throw unknownChannel();
    return found;
  };
  route('GET', '/gateway/bot', () =>
    ok({
      url: deps.gatewayUrl(),
      shards: 1,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
    }),
  );
  route('GET', '/gateway', () => ok({ url: deps.gatewayUrl() }), false);
  route('GET', '/users/@me', () => ok(apiUser(state.botUser)));
  route('POST', '/users/@me/channels', ({ body }) => {
    const recipient = String((asPayload(body.json) as { recipient_id?: unknown }).recipient_id ?? '');
    if (!state.users.has(recipient)) throw new DiscordHttpError(400, 50033, 'Invalid Recipient(s)');
    return ok(apiChannel(state, state.dmChannelFor(recipient)));
  });
  route('GET', '/users/:user', ({ params }) => {
    const user = state.users.get(params.user as string);
    if (!user) throw new DiscordHttpError(404, 10013, 'Unknown User');
    return ok(apiUser(user));
  });
  route('GET', '/applications/@me', () =>
    ok({
      id: state.applicationId,
      name: state.botUser.username,
      description: '',
      icon: null,
      bot_public: true,
      bot_require_code_grant: false,
      flags: 0,
      owner: apiUser(state.botUser),
      bot: apiUser(state.botUser),
      verify_key: '0'.repeat(64),
      team: null,
    }),
  );

  const listCommands = (guildId: string | null) =>
    [...state.commands.values()].filter((c) => c.guildId === guildId).map((c) => apiCommand(state, c));
  const putCommands = (guildId: string | null, json: unknown) => {
    if (!Array.isArray(json)) throw new DiscordHttpError(400, 50035, 'Invalid Form Body');
    for (const [id, command] of state.commands) if (command.guildId === guildId) state.commands.delete(id);
    for (const raw of json as Array<Record<string, unknown>>) addCommand(state, guildId, raw);
    state.changed();
    return ok(listCommands(guildId));
  };
  route('GET', '/applications/:app/commands', () => ok(listCommands(null)));
  route('PUT', '/applications/:app/commands', ({ body }) => putCommands(null, body.json));
  route('POST', '/applications/:app/commands', ({ body }) => {
    const command = addCommand(state, null, asPayload(body.json) as Record<string, unknown>);
    state.changed();
    return ok(apiCommand(state, command), 201);
  });
  route('GET', '/applications/:app/guilds/:guild/commands', ({ params }) =>
    ok(listCommands(params.guild as string)),
  );
  route('PUT', '/applications/:app/guilds/:guild/commands', ({ params, body }) =>
    putCommands(params.guild as string, body.json),
  );

  route('GET', '/channels/:channel', ({ params }) =>
    ok(apiChannel(state, channel(params.channel as string))),
  );
  route('GET', '/channels/:channel/messages', ({ params, query }) => {
    const all = state.channelMessages(channel(params.channel as string).id);
    const limit = Math.min(100, Math.max(1, Number(query.limit ?? 50)));
    let picked = all;
    if (query.before) picked = all.filter((m) => compareIds(m.id, query.before as string) < 0).slice(-limit);
    else if (query.around) {
      const at = Math.max(
        0,
        all.findIndex((m) => compareIds(m.id, query.around as string) >= 0),
      );
      picked = all.slice(
        Math.max(0, at - Math.floor(limit / 2)),
        Math.max(0, at - Math.floor(limit / 2)) + limit,
      );
    } else if (query.after)
      picked = all.filter((m) => compareIds(m.id, query.after as string) > 0).slice(0, limit);
    else picked = all.slice(-limit);
    return ok(picked.reverse().map((m) => apiMessage(state, m)));
  });
  route('POST', '/channels/:channel/messages', ({ params, body }) => {
    const target = channel(params.channel as string);
    if (target.type === ChannelKind.DM && target.recipientId && state.closedDms.has(target.recipientId)) {
      throw new DiscordHttpError(403, 50007, 'Cannot send messages to this user');
    }
    const created = createMessage(state, dispatch, target.id, body, {
      authorId: state.botUser.id,
    });
    return ok(apiMessage(state, created));
  });
  route('GET', '/channels/:channel/messages/:message', ({ params }) =>
    ok(apiMessage(state, message(params.message as string, params.channel))),
  );
  route('PATCH', '/channels/:channel/messages/:message', ({ params, body }) => {
    const existing = message(params.message as string, params.channel);
    if (existing.authorId !== state.botUser.id) {
      throw new DiscordHttpError(403, 50005, 'Cannot edit a message authored by another user');
    }
    return ok(apiMessage(state, editMessage(state, dispatch, existing.id, body)));
  });
  route('DELETE', '/channels/:channel/messages/:message', ({ params }) => {
    deleteMessage(state, dispatch, message(params.message as string, params.channel).id);
    return undefined;
  });
  route('POST', '/channels/:channel/typing', ({ params }) => {
    const id = channel(params.channel as string).id;
    state.typing.set(id, (state.typing.get(id) ?? 0) + 1);
    state.changed();
    return undefined;
  });
  const react = (params: Record<string, string>, add: boolean) => {
    const target = message(params.message as string, params.channel);
    const users = target.reactions.get(params.emoji as string) ?? new Set<string>();
    if (add) users.add(state.botUser.id);
    else users.delete(state.botUser.id);
    target.reactions.set(params.emoji as string, users);
    state.changed();
    return undefined;
  };
  route('PUT', '/channels/:channel/messages/:message/reactions/:emoji/@me', ({ params }) =>
    react(params, true),
  );
  route('DELETE', '/channels/:channel/messages/:message/reactions/:emoji/@me', ({ params }) =>
    react(params, false),
  );
  const startThread = (parentId: string, name: string, id: string, type: number) => {
    const parent = channel(parentId);
    const thread = {
      id,
      type,
      name,
      guildId: parent.guildId,
      parentId: parent.id,
      recipientId: null,
      ownerId: state.botUser.id,
      topic: null,
      position: 0,
      lastMessageId: null,
    };
    state.channels.set(id, thread);
    dispatch('THREAD_CREATE', { ...apiChannel(state, thread), newly_created: true });
    state.changed();
    return ok(apiChannel(state, thread), 201);
  };
  route('POST', '/channels/:channel/threads', ({ params, body }) => {
    const json = asPayload(body.json) as { name?: string; type?: number };
    return startThread(
      params.channel as string,
      json.name ?? 'thread',
      state.snowflake(),
      json.type ?? ChannelKind.PrivateThread,
    );
  });
  route('POST', '/channels/:channel/messages/:message/threads', ({ params, body }) => {
    const origin = message(params.message as string, params.channel);
    const json = asPayload(body.json) as { name?: string };
    return startThread(origin.channelId, json.name ?? 'thread', origin.id, ChannelKind.PublicThread);
  });

  registerInteractionRoutes(route, deps);

  route('GET', '/guilds/:guild', ({ params }) => ok(apiGuild(guildOr404(state, params.guild as string))));
  route('GET', '/guilds/:guild/roles', ({ params }) =>
    ok(guildOr404(state, params.guild as string).roles.map(apiRole)),
  );
  route('GET', '/guilds/:guild/channels', ({ params }) => {
    const guild = guildOr404(state, params.guild as string);
    return ok(
      [...state.channels.values()].filter((c) => c.guildId === guild.id).map((c) => apiChannel(state, c)),
    );
  });
  route('GET', '/guilds/:guild/members/:user', ({ params }) => {
    const member = guildOr404(state, params.guild as string).members.get(params.user as string);
    if (!member) throw new DiscordHttpError(404, 10007, 'Unknown Member');
    return ok(apiMember(state, member));
  });

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const method = req.method ?? 'GET';
    if (method === 'GET' && url.pathname.startsWith('/attachments/')) {
      const [, , , id] = url.pathname.split('/');
      const attachment = id ? state.attachments.get(id) : undefined;
      if (!attachment) return sendJson(res, 404, { message: 'Not Found', code: 0 });
      res.writeHead(200, {
        'content-type': attachment.contentType ?? 'application/octet-stream',
        'content-length': String(attachment.data.length),
      });
      res.end(attachment.data);
      return;
    }
    const body = await parseBody(req);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === 'string') headers[name] = value;
    const query = Object.fromEntries(url.searchParams);
    const path = url.pathname.startsWith('/api/v10/') ? url.pathname.slice('/api/v10'.length) : null;
    const record = (status: number, template: string | null, rateLimited = false) =>
      state.requests.push({
        method,
        path: url.pathname,
        query,
        headers,
        body: body.json,
        files: body.files,
        status,
        route: template,
        time: Date.now(),
        rateLimited,
      });
    let matched: { route: Route; params: Record<string, string> } | undefined;
    for (const candidate of routes) {
      if (candidate.method !== method || !path) continue;
      const found = candidate.regex.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      candidate.names.forEach((name, i) => {
        params[name] = decodeURIComponent(found[i + 1] as string);
      });
      matched = { route: candidate, params };
      break;
    }
    if (!matched) {
      record(404, null);
      state.changed();
      return sendJson(res, 404, { message: '404: Not Found', code: 0 });
    }
    const { route: current, params } = matched;
    if (current.auth && headers.authorization !== `Bot ${deps.token}`) {
      record(401, current.template);
      state.changed();
      return sendJson(res, 401, { message: '401: Unauthorized', code: 0 });
    }
    const major = params.channel ?? params.guild ?? params.token ?? '';
    const limit = deps.limiter.check(method, current.template, major);
    if (limit.limited) {
      record(429, current.template, true);
      state.changed();
      return sendJson(res, 429, limit.body, limit.headers);
    }
    try {
      const fault = deps.faults.take(method, current.template, params);
      if (fault) throw fault;
      const result = await current.handle({ params, query, body });
      record(result ? (result.status ?? 200) : 204, current.template);
      state.changed();
      if (!result) return sendNoContent(res, limit.headers);
      return sendJson(res, result.status ?? 200, result.json, limit.headers);
    } catch (error) {
      if (!(error instanceof DiscordHttpError)) throw error;
      record(error.status, current.template);
      state.changed();
      return sendJson(res, error.status, error.body(), limit.headers);
    }
  };
}

function guildOr404(state: FakeDiscordState, id: string) {
  const guild = state.guilds.get(id);
  if (!guild) throw new DiscordHttpError(404, 10004, 'Unknown Guild');
  return guild;
}

function addCommand(state: FakeDiscordState, guildId: string | null, raw: Record<string, unknown>) {
  const command = {
    id: state.snowflake(),
    guildId,
    name: String(raw.name ?? ''),
    description: String(raw.description ?? ''),
    type: Number(raw.type ?? 1),
    options: Array.isArray(raw.options) ? raw.options : [],
    raw,
  };
  state.commands.set(command.id, command);
  return command;
}

function apiCommand(state: FakeDiscordState, command: ReturnType<typeof addCommand>) {
  return {
    default_member_permissions: null,
    nsfw: false,
    contexts: null,
    integration_types: [0],
    ...command.raw,
    id: command.id,
    application_id: state.applicationId,
    version: command.id,
    type: command.type,
    name: command.name,
    description: command.description,
    options: command.options,
    ...(command.guildId && { guild_id: command.guildId }),
  };
}
