/**
 * The fake Discord gateway (API v10, JSON text frames, `ws` package) on the fake's HTTP server at `/gateway` and
 * `/gateway/resume` (the `resume_gateway_url`). HELLO on connect, op 1 → op 11, op 2 IDENTIFY → READY + one
 * GUILD_CREATE per guild, op 6 RESUME → replay of the missed dispatches + RESUMED (or op 9 when the session was
 * invalidated), op 8 REQUEST_GUILD_MEMBERS → GUILD_MEMBERS_CHUNK. Dispatches carry an increasing `s` per session
 * and respect the session's intents (GuildMessages, DirectMessages, MessageContent, GuildMembers).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { apiGuildCreate, apiMember, apiUser } from './fake-discord-builders.js';
import type { FakeDiscordState } from './fake-discord-model.js';

const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;

interface Session {
  id: string;
  intents: number;
  seq: number;
  socket: WebSocket | null;
  valid: boolean;
  /** Every dispatch of the session, for RESUME replays. */
  sent: Array<{ s: number; t: string; d: unknown }>;
}

export interface GatewayConnection {
  path: string;
  query: Record<string, string>;
}

export interface DropOptions {
  /** false → the session is invalidated and the client must IDENTIFY again (op 9 on its RESUME). Default true. */
  resumable?: boolean;
  /** Close code sent to the client (default 4000, "unknown error", which discord.js resumes after). */
  code?: number;
  /** Kill the TCP connection without a close frame (a network drop) instead of closing. */
  terminate?: boolean;
}

export class FakeGateway {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  readonly connections: GatewayConnection[] = [];
  /** Every payload a client sent (op + d), for assertions. */
  readonly received: Array<{ op: number; d: unknown }> = [];

  constructor(
    private readonly state: FakeDiscordState,
    private readonly options: { token: string; heartbeatIntervalMs: number; url: () => string },
  ) {}

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      if (url.pathname !== '/gateway' && url.pathname !== '/gateway/resume') {
        socket.destroy();
        return;
      }
      this.connections.push({ path: url.pathname, query: Object.fromEntries(url.searchParams) });
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
    });
  }

  /** Sends `event` to every identified session (buffered for RESUME while a session has no socket). */
  dispatch(event: string, data: Record<string, unknown>): void {
    for (const session of this.sessions.values()) {
      if (!session.valid || !this.wants(session, event, data)) continue;
      session.seq += 1;
      const frame = { s: session.seq, t: event, d: this.forIntents(session, event, data) };
      session.sent.push(frame);
      if (session.sent.length > 1000) session.sent.shift();
      this.send(session.socket, { op: 0, ...frame });
    }
  }

  /** Whether some client has an open, identified (or resumed) connection. */
  connected(): boolean {
    return [...this.sessions.values()].some((s) => s.valid && s.socket !== null);
  }

  drop(options: DropOptions = {}): void {
    for (const session of this.sessions.values()) {
      if (!session.socket) continue;
      if (options.resumable === false) session.valid = false;
      const socket = session.socket;
      session.socket = null;
      if (options.terminate) socket.terminate();
      else socket.close(options.code ?? 4000, 'fake Discord dropped the connection');
    }
    this.state.changed();
  }

  /** op 7: asks every connected client to reconnect and resume. */
  requestReconnect(): void {
    for (const session of this.sessions.values()) this.send(session.socket, { op: 7, d: null });
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private send(socket: WebSocket | null, payload: Record<string, unknown>): void {
    if (socket && socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
  }

  private wants(session: Session, event: string, data: Record<string, unknown>): boolean {
    const has = (bit: number) => (session.intents & bit) !== 0;
    if (event.startsWith('MESSAGE_'))
      return 'guild_id' in data ? has(Intent.GuildMessages) : has(Intent.DirectMessages);
    if (event.startsWith('GUILD_MEMBER_')) return has(Intent.GuildMembers);
    return true;
  }

  /** Without MessageContent, content/embeds/attachments are blanked unless the bot is mentioned, authored it or DM. */
  private forIntents(session: Session, event: string, data: Record<string, unknown>): unknown {
    if (
      (event !== 'MESSAGE_CREATE' && event !== 'MESSAGE_UPDATE') ||
      session.intents & Intent.MessageContent
    ) {
      return data;
    }
    const botId = this.state.botUser.id;
    const author = (data.author as { id?: string } | undefined)?.id;
    const mentions = (data.mentions as Array<{ id: string }> | undefined) ?? [];
    if (!('guild_id' in data) || author === botId || mentions.some((m) => m.id === botId)) return data;
    return { ...data, content: '', embeds: [], attachments: [], components: [] };
  }

  private onConnection(ws: WebSocket): void {
    let session: Session | null = null;
    this.send(ws, { op: 10, d: { heartbeat_interval: this.options.heartbeatIntervalMs } });
    ws.on('close', (code) => {
      if (session && session.socket === ws) {
        session.socket = null;
        // A client closing with 1000/1001 ends its session, as on Discord (4200 etc. keep it resumable).
        if (code === 1000 || code === 1001) session.valid = false;
      }
      this.state.changed();
    });
    ws.on('message', (raw) => {
      let payload: { op?: number; d?: Record<string, unknown> | number | null };
      try {
        payload = JSON.parse(String(raw));
      } catch {
        ws.close(4002, 'Error while decoding payload.');
        return;
      }
      this.received.push({ op: Number(payload.op), d: payload.d });
      const d = (payload.d ?? {}) as Record<string, unknown>;
      switch (payload.op) {
        case 1:
          this.send(ws, { op: 11 });
          break;
        case 2:
          session = this.identify(ws, d);
          break;
        case 6:
          session = this.resume(ws, d);
          break;
        case 8:
          if (session) this.requestMembers(session, d);
          break;
        default:
          break;
      }
      this.state.changed();
    });
  }

  private identify(ws: WebSocket, d: Record<string, unknown>): Session | null {
    if (d.token !== this.options.token && d.token !== `Bot ${this.options.token}`) {
      ws.close(4004, 'Authentication failed.');
      return null;
    }
    const session: Session = {
      id: `session-${this.state.snowflake()}`,
      intents: Number(d.intents ?? 0),
      seq: 0,
      socket: ws,
      valid: true,
      sent: [],
    };
    this.sessions.set(session.id, session);
    this.state.identifyCount += 1;
    const ready = {
      v: 10,
      user: { ...apiUser(this.state.botUser), verified: true, mfa_enabled: false },
      guilds: [...this.state.guilds.keys()].map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: `${this.options.url()}/resume`,
      session_type: 'normal',
      shard: Array.isArray(d.shard) ? d.shard : [0, 1],
      application: { id: this.state.applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
      _trace: ['fake-discord'],
    };
    this.dispatchTo(session, 'READY', ready);
    for (const guild of this.state.guilds.values()) {
      this.dispatchTo(session, 'GUILD_CREATE', apiGuildCreate(this.state, guild));
    }
    return session;
  }

  private resume(ws: WebSocket, d: Record<string, unknown>): Session | null {
    const session = this.sessions.get(String(d.session_id));
    if (!session?.valid || d.token !== this.options.token) {
      this.send(ws, { op: 9, d: false });
      return null;
    }
    if (session.socket && session.socket !== ws) session.socket.terminate();
    session.socket = ws;
    this.state.resumeCount += 1;
    const after = Number(d.seq ?? 0);
    for (const frame of session.sent) if (frame.s > after) this.send(ws, { op: 0, ...frame });
    this.dispatchTo(session, 'RESUMED', { _trace: ['fake-discord'] });
    return session;
  }

  private requestMembers(session: Session, d: Record<string, unknown>): void {
    const guild = this.state.guilds.get(String(d.guild_id));
    if (!guild) return;
    const ids = Array.isArray(d.user_ids)
      ? d.user_ids.map(String)
      : typeof d.user_ids === 'string'
        ? [d.user_ids]
        : null;
    const prefix = typeof d.query === 'string' ? d.query.toLowerCase() : '';
    const limit = Number(d.limit ?? 0) || Number.POSITIVE_INFINITY;
    const members = [...guild.members.values()]
      .filter((m) =>
        ids ? ids.includes(m.userId) : this.state.user(m.userId).username.toLowerCase().startsWith(prefix),
      )
      .slice(0, limit);
    this.dispatchTo(session, 'GUILD_MEMBERS_CHUNK', {
      guild_id: guild.id,
      members: members.map((m) => apiMember(this.state, m)),
      chunk_index: 0,
      chunk_count: 1,
      not_found: ids ? ids.filter((id) => !guild.members.has(id)) : [],
      ...(d.nonce !== undefined && { nonce: d.nonce }),
    });
  }

  private dispatchTo(session: Session, event: string, data: unknown): void {
    session.seq += 1;
    const frame = { s: session.seq, t: event, d: data };
    session.sent.push(frame);
    this.send(session.socket, { op: 0, ...frame });
  }
}
