/**
 * A wire-level fake of the Docker Engine API (the endpoints the local sandbox backend uses), served on a unix
 * socket so the real `dockerode`/`docker-modem` client runs end to end: `/_ping`, `/version`, image inspect and
 * pull, container create/inspect/start/stop/remove/list/stats, exec create/start/inspect (the hijacked
 * `101 UPGRADED` stream with 8-byte frame headers, or a plain `application/vnd.docker.raw-stream` response without
 * upgrade) and archive GET/PUT. Execs and archive transfers run for real inside a bubblewrap sandbox per container
 * that sees only the container's own folders (see `fake-docker-exec.ts`), so nothing a test runs "in a container"
 * can reach the host's files. Every request is recorded, and faults can be injected: the daemon going down, a
 * container dying in the middle of an exec, a container removed behind our back.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { receiveArchive, sendArchive } from './fake-docker-archive.js';
import { type ContainerView, IMAGE_ENV, runProcess } from './fake-docker-exec.js';
import { statsOf } from './fake-docker-stats.js';
import {
  DEFAULT_USAGE,
  type FakeContainer,
  type FakeDocker,
  type FakeDockerFaults,
  type FakeExec,
  HttpError,
  json,
  type RecordedRequest,
  readBody,
} from './fake-docker-types.js';

export type {
  ContainerUsage,
  FakeContainer,
  FakeDocker,
  FakeDockerFaults,
  RecordedRequest,
} from './fake-docker-types.js';

export interface FakeDockerOptions {
  /** Images the engine already has. */
  images?: string[];
  /** `ENV` of every image (`NAME=value`), under the container's own Env, as Docker merges them. */
  imageEnv?: string[];
}

export async function startFakeDocker(options: FakeDockerOptions = {}): Promise<FakeDocker> {
  const base = mkdtempSync(join(tmpdir(), 'fake-docker-'));
  const socketPath = join(base, 'docker.sock');
  const requests: RecordedRequest[] = [];
  const containers = new Map<string, FakeContainer>();
  const execs = new Map<string, FakeExec>();
  const images = new Set(options.images ?? []);
  const faults: FakeDockerFaults = {};
  const sockets = new Set<Socket>();

  const volumePath = (name: string) => {
    const dir = join(base, 'volumes', name);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const container = (ref: string): FakeContainer => {
    const found =
      containers.get(ref) ?? [...containers.values()].find((c) => c.name === ref || c.id.startsWith(ref));
    if (!found) throw new HttpError(404, `No such container: ${ref}`);
    return found;
  };
  const stopExecs = (c: FakeContainer) => {
    for (const exec of execs.values()) if (exec.containerId === c.id) exec.process?.kill();
  };
  const removeContainer = (ref: string) => {
    const c = container(ref);
    stopExecs(c);
    containers.delete(c.id);
    for (const [id, exec] of execs) if (exec.containerId === c.id) execs.delete(id);
  };

  function createContainer(query: Record<string, string>, body: Record<string, unknown>): unknown {
    const name = query.name ?? `fake_${randomBytes(3).toString('hex')}`;
    if ([...containers.values()].some((c) => c.name === name)) {
      throw new HttpError(409, `Conflict. The container name "/${name}" is already in use.`);
    }
    const image = String(body.Image ?? '');
    if (!images.has(image)) throw new HttpError(404, `No such image: ${image}`);
    const id = randomBytes(32).toString('hex');
    const root = join(base, 'containers', id);
    for (const dir of ['tmp', 'workspace', 'usr-local']) mkdirSync(join(root, dir), { recursive: true });
    const host = (body.HostConfig ?? {}) as { Binds?: string[]; NetworkMode?: string };
    const binds = (host.Binds ?? []).map((bind) => bind.split(':'));
    const volume = binds.find(([, target]) => target === '/workspace')?.[0];
    const view: ContainerView = {
      workspace: volume ? volumePath(volume) : join(root, 'workspace'),
      tmp: join(root, 'tmp'),
      local: join(root, 'usr-local'),
      network: body.NetworkDisabled !== true && (host.NetworkMode ?? 'bridge') !== 'none',
      hostname: id.slice(0, 12),
    };
    containers.set(id, { id, name, image, config: body, running: false, view, usage: { ...DEFAULT_USAGE } });
    return { Id: id, Warnings: [] };
  }

  function inspectContainer(c: FakeContainer): unknown {
    return {
      Id: c.id,
      Name: `/${c.name}`,
      Image: c.image,
      State: { Running: c.running, Status: c.running ? 'running' : 'exited' },
      Config: { Image: c.image, Labels: c.config.Labels ?? {} },
      HostConfig: c.config.HostConfig ?? {},
    };
  }

  /** Starts an exec and streams its frames through `write`; `end` when the process is over. */
  function startExec(
    exec: FakeExec,
    write: (chunk: Buffer) => void,
    end: () => void,
    abort: () => void,
  ): () => void {
    const c = containers.get(exec.containerId);
    if (!c?.running) throw new HttpError(409, `Container ${exec.containerId} is not running`);
    const crash = faults.crashNextExec === true;
    if (crash) faults.crashNextExec = false;
    const hang = faults.hangNextExec === true;
    if (hang) faults.hangNextExec = false;
    exec.running = true;
    let crashed = false;
    const running = runProcess(
      c.view,
      {
        argv: exec.config.Cmd ?? [],
        workingDir: exec.config.WorkingDir || String(c.config.WorkingDir ?? '/'),
        env: [
          ...IMAGE_ENV,
          ...(options.imageEnv ?? []),
          ...((c.config.Env as string[]) ?? []),
          ...(exec.config.Env ?? []),
        ],
      },
      (chunk) => {
        if (crashed) return;
        write(chunk);
        if (crash) {
          crashed = true;
          removeContainer(c.id);
          abort();
        }
      },
    );
    exec.process = running;
    void running.done.then((code) => {
      exec.running = false;
      exec.exitCode = code;
      if (!crashed && !hang) end();
    });
    return () => running.kill();
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://docker');
    const path = url.pathname.replace(/^\/v\d+\.\d+/, '');
    const query = Object.fromEntries(url.searchParams);
    const method = req.method ?? 'GET';
    const isArchivePut = method === 'PUT' && /\/archive$/.test(path);
    const raw = isArchivePut ? Buffer.alloc(0) : await readBody(req);
    let body: unknown = raw.length ? raw.toString('utf8') : undefined;
    if (typeof body === 'string' && /json/.test(req.headers['content-type'] ?? '')) body = JSON.parse(body);
    requests.push({ method, path, query, body: isArchivePut ? '<tar>' : body });
    const b = (body ?? {}) as Record<string, unknown>;
    let m: RegExpExecArray | null;

    if (path === '/_ping') {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Api-Version': '1.43' });
      res.end('OK');
      return;
    }
    if (path === '/version')
      return json(res, 200, { Version: '24.0.0-fake', ApiVersion: '1.43', Os: 'linux' });
    m = /^\/images\/(.+)\/json$/.exec(path);
    if (m && method === 'GET') {
      const name = decodeURIComponent(m[1] ?? '');
      if (!images.has(name)) throw new HttpError(404, `No such image: ${name}`);
      return json(res, 200, { Id: `sha256:${name}`, RepoTags: [name] });
    }
    if (path === '/images/create' && method === 'POST') {
      const name = `${query.fromImage}${query.tag ? `:${query.tag}` : ''}`;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (faults.pullError) {
        res.end(
          `${JSON.stringify({ status: 'Pulling' })}\n${JSON.stringify({ errorDetail: { message: faults.pullError }, error: faults.pullError })}\n`,
        );
        return;
      }
      images.add(name);
      res.end(
        `${JSON.stringify({ status: `Pulling from library/${query.fromImage}` })}\n${JSON.stringify({ status: `Status: Downloaded newer image for ${name}` })}\n`,
      );
      return;
    }
    if (path === '/containers/create' && method === 'POST') return json(res, 201, createContainer(query, b));
    if (path === '/containers/json' && method === 'GET') {
      return json(
        res,
        200,
        [...containers.values()]
          .filter((c) => c.running || query.all)
          .map((c) => ({
            Id: c.id,
            Names: [`/${c.name}`],
            Image: c.image,
            State: c.running ? 'running' : 'exited',
            Labels: c.config.Labels ?? {},
          })),
      );
    }
    m = /^\/containers\/([^/]+)\/json$/.exec(path);
    if (m) return json(res, 200, inspectContainer(container(m[1] ?? '')));
    m = /^\/containers\/([^/]+)\/stats$/.exec(path);
    if (m && method === 'GET') {
      const c = container(m[1] ?? '');
      if (query.stream !== 'false' && query.stream !== '0')
        throw new HttpError(400, 'the fake answers only stream=false');
      return json(res, 200, statsOf(c));
    }
    m = /^\/containers\/([^/]+)\/start$/.exec(path);
    if (m) {
      const c = container(m[1] ?? '');
      if (c.running) return json(res, 304, undefined);
      c.running = true;
      return json(res, 204, undefined);
    }
    m = /^\/containers\/([^/]+)\/stop$/.exec(path);
    if (m) {
      const c = container(m[1] ?? '');
      stopExecs(c);
      c.running = false;
      return json(res, 204, undefined);
    }
    m = /^\/containers\/([^/]+)$/.exec(path);
    if (m && method === 'DELETE') {
      const c = container(m[1] ?? '');
      if (c.running && query.force !== 'true' && query.force !== '1')
        throw new HttpError(
          409,
          'You cannot remove a running container. Stop the container before attempting removal or force remove',
        );
      removeContainer(c.id);
      return json(res, 204, undefined);
    }
    m = /^\/containers\/([^/]+)\/exec$/.exec(path);
    if (m && method === 'POST') {
      const c = container(m[1] ?? '');
      if (!c.running) throw new HttpError(409, `Container ${c.id} is not running`);
      const id = randomBytes(32).toString('hex');
      execs.set(id, {
        id,
        containerId: c.id,
        config: b as FakeExec['config'],
        running: false,
        exitCode: null,
      });
      return json(res, 201, { Id: id });
    }
    m = /^\/exec\/([^/]+)\/json$/.exec(path);
    if (m) {
      const exec = execs.get(m[1] ?? '');
      if (!exec) throw new HttpError(404, `No such exec instance: ${m[1]}`);
      return json(res, 200, {
        ID: exec.id,
        Running: exec.running,
        ExitCode: exec.exitCode,
        ContainerID: exec.containerId,
        Pid: exec.process?.child.pid ?? 0,
        ProcessConfig: { entrypoint: exec.config.Cmd?.[0], arguments: exec.config.Cmd?.slice(1) },
      });
    }
    m = /^\/exec\/([^/]+)\/start$/.exec(path);
    if (m && method === 'POST') {
      const exec = execs.get(m[1] ?? '');
      if (!exec) throw new HttpError(404, `No such exec instance: ${m[1]}`);
      res.writeHead(200, { 'Content-Type': 'application/vnd.docker.raw-stream' });
      const kill = startExec(
        exec,
        (chunk) => res.write(chunk),
        () => res.end(),
        () => res.destroy(),
      );
      res.on('close', kill);
      return;
    }
    m = /^\/containers\/([^/]+)\/archive$/.exec(path);
    if (m) {
      const c = container(m[1] ?? '');
      if (!c.running) throw new HttpError(409, `Container ${c.id} is not running`);
      const target = query.path ?? '/';
      if (method === 'GET') return sendArchive(c.view, target, res);
      if (method === 'PUT') return receiveArchive(c.view, target, req, res);
    }
    throw new HttpError(404, `page not found: ${method} ${path}`);
  }

  /** `exec.start({ hijack: true })`: answer `101 UPGRADED` and use the raw socket for the framed stream. */
  function upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://docker');
    const path = url.pathname.replace(/^\/v\d+\.\d+/, '');
    const m = /^\/exec\/([^/]+)\/start$/.exec(path);
    const length = Number(req.headers['content-length'] ?? 0);
    let received = head;
    const proceed = () => {
      const text = received.subarray(0, length).toString('utf8');
      requests.push({
        method: req.method ?? 'POST',
        path,
        query: {},
        body: text ? JSON.parse(text) : undefined,
      });
      const exec = m ? execs.get(m[1] ?? '') : undefined;
      if (!exec) {
        socket.end(
          'HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"message":"No such exec instance"}',
        );
        return;
      }
      try {
        socket.write(
          'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n',
        );
        const kill = startExec(
          exec,
          (chunk) => socket.write(chunk),
          () => socket.end(),
          () => socket.destroy(),
        );
        socket.on('close', kill);
      } catch (error) {
        const e = error as HttpError;
        socket.end(
          `HTTP/1.1 ${e.status ?? 500} Error\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${JSON.stringify({ message: e.message })}`,
        );
      }
    };
    if (received.length >= length) proceed();
    else {
      const onData = (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        if (received.length >= length) {
          socket.off('data', onData);
          proceed();
        }
      };
      socket.on('data', onData);
    }
  }

  let server: Server | undefined;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((req, res) => {
        route(req, res).catch((error: unknown) => {
          const e = error as HttpError;
          if (!res.headersSent) json(res, e.status ?? 500, { message: e.message });
          else res.destroy();
        });
      });
      s.on('upgrade', upgrade);
      s.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => sockets.delete(socket));
      });
      s.once('error', reject);
      s.listen(socketPath, () => resolve());
      server = s;
    });
  const shutdown = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });
  await listen();

  return {
    dockerHost: `unix://${socketPath}`,
    socketPath,
    requests,
    containers,
    images,
    faults,
    volumePath,
    removeContainer,
    async setDown(down) {
      if (down) await shutdown();
      else if (!server) await listen();
    },
    find: (method, path) => requests.filter((r) => r.method === method && path.test(r.path)),
    async close() {
      for (const exec of execs.values()) exec.process?.kill();
      await shutdown();
      rmSync(base, { recursive: true, force: true });
    },
  };
}
