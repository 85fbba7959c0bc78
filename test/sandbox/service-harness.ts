/**
 * Starts the real sandbox service (Fastify on 127.0.0.1:0) with the real bubblewrap backend on a temp data
 * folder, and a real RemoteBackend pointed at it.
 */
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { RemoteBackend } from '../../src/sandbox/remote-backend.js';
import {
  BubblewrapBackend,
  type BubblewrapBackendOptions,
  createSandboxService,
  type SandboxService,
  type SandboxServiceOptions,
} from '../../src/sandbox-service/index.js';

export const API_KEY = 'test-sandbox-key-0123456789abcdef';

export interface RunningService {
  url: string;
  port: number;
  dataDir: string;
  service: SandboxService;
  backend: BubblewrapBackend;
  client: RemoteBackend;
  stop(): Promise<void>;
}

export async function startService(
  options: {
    service?: Partial<Omit<SandboxServiceOptions, 'backend'>>;
    bubblewrap?: Partial<BubblewrapBackendOptions>;
  } = {},
): Promise<RunningService> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'clara-sandbox-service-'));
  // The sandbox user (nobody) must be able to pass through to its own folder.
  await chmod(dataDir, 0o711);
  const backend = new BubblewrapBackend({ dataDir, ...options.bubblewrap });
  const probe = await backend.probe();
  if (!probe.ok) throw new Error(`bubblewrap does not work on this machine: ${probe.reason}`);
  const service = await createSandboxService({
    backend,
    apiKey: API_KEY,
    logger: pino({ level: 'silent' }),
    version: 'test',
    maxSandboxes: 20,
    idleMs: 900_000,
    maxTimeoutSeconds: 60,
    defaultTimeoutSeconds: 30,
    rateLimitPerMinute: 10_000,
    dataDir,
    ...options.service,
  });
  await service.app.listen({ host: '127.0.0.1', port: 0 });
  const address = service.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  const client = new RemoteBackend({ url, apiKey: API_KEY, timeoutMs: 30_000 });
  return {
    url,
    port,
    dataDir,
    service,
    backend,
    client,
    async stop() {
      await service.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Host processes whose command line contains `marker`. */
export async function processesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (cmdline.replaceAll('\0', ' ').includes(marker) && state !== 'Z') found.push(Number(name));
  }
  return found;
}

export const RUN = { timeoutMs: 30_000 };
