/**
 * Sessions (spec §1.9.4) with the rotation the original documented but never wired: after `SESSION_IDLE_MINUTES`
 * of silence a conversation starts a new session that links to the previous one and carries a snapshot of its
 * last messages; the ended session is summarised in the background.
 */
import type { Repositories, SessionRow } from '../db/index.js';
import type { PreviousSessionContext } from './prompt.js';

export interface SessionManagerOptions {
  projectName: string;
  idleMinutes: number;
  /** Messages of the previous session carried into a new one (default 10). */
  snapshotSize?: number;
}

export interface ResolvedSession {
  session: SessionRow;
  /** Set when this message started a new session because the previous one went idle. */
  endedSession?: SessionRow;
}

const SNAPSHOT_CHARS = 500;
const PROJECT_CACHE_LIMIT = 5_000;

export class SessionManager {
  private readonly projects = new Map<string, string>();

  constructor(
    private readonly repos: Repositories,
    private readonly options: SessionManagerOptions,
  ) {}

  /** Id of the owner's default project (created on first use, then cached). */
  async projectFor(ownerId: string): Promise<string> {
    const cached = this.projects.get(ownerId);
    if (cached) return cached;
    const project = await this.repos.projects.ensure(ownerId, this.options.projectName);
    if (this.projects.size >= PROJECT_CACHE_LIMIT) this.projects.clear();
    this.projects.set(ownerId, project.id);
    return project.id;
  }

  async resolve(ownerId: string, title: string, now: Date): Promise<ResolvedSession> {
    const latest = await this.repos.sessions.findLatest(ownerId);
    if (!latest) return { session: await this.create(ownerId, title, now) };
    const idleMs = now.getTime() - latest.lastActivityAt.getTime();
    if (idleMs <= this.options.idleMinutes * 60_000) return { session: latest };
    return { session: await this.startAfter(latest, title, now), endedSession: latest };
  }

  /** Starts a fresh session for the owner now (`/new`); returns it and the one it replaced, if any. */
  async startNew(ownerId: string, title: string, now: Date): Promise<ResolvedSession> {
    const latest = await this.repos.sessions.findLatest(ownerId);
    if (!latest) return { session: await this.create(ownerId, title, now) };
    return { session: await this.startAfter(latest, title, now), endedSession: latest };
  }

  /** Summary and snapshot of the previous session, for a session that replaced one. */
  async previousContext(
    session: SessionRow,
    messagesInSession: number,
  ): Promise<PreviousSessionContext | undefined> {
    if (!session.previousSessionId) return undefined;
    const previous = await this.repos.sessions.get(session.previousSessionId);
    const snapshot = messagesInSession < this.snapshotSize() ? parseSnapshot(session.contextSnapshot) : [];
    const summary = previous?.sessionSummary ?? null;
    if (!summary && snapshot.length === 0) return undefined;
    return { summary, snapshot };
  }

  private snapshotSize(): number {
    return this.options.snapshotSize ?? 10;
  }

  private async create(ownerId: string, title: string, now: Date): Promise<SessionRow> {
    const projectId = await this.projectFor(ownerId);
    return this.repos.sessions.create({ projectId, userId: ownerId, title, startedAt: now });
  }

  private async startAfter(previous: SessionRow, title: string, now: Date): Promise<SessionRow> {
    const last = await this.repos.messages.recent(previous.id, this.snapshotSize());
    const snapshot = last.map((m) => ({ role: m.role, content: m.content.slice(0, SNAPSHOT_CHARS) }));
    await this.repos.sessions.archive(previous.id);
    return this.repos.sessions.create({
      projectId: previous.projectId,
      userId: previous.userId,
      title,
      previousSessionId: previous.id,
      contextSnapshot: snapshot.length > 0 ? JSON.stringify(snapshot) : null,
      startedAt: now,
    });
  }
}

function parseSnapshot(text: string | null): PreviousSessionContext['snapshot'] {
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (m): m is { role: 'user' | 'assistant'; content: string } =>
        typeof m === 'object' &&
        m !== null &&
        (m.role === 'user' || m.role === 'assistant') &&
        typeof m.content === 'string',
    );
  } catch {
    return [];
  }
}
