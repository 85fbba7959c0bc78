/** Types and small HTTP helpers of the fake Docker engine (`fake-docker.ts`). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ContainerView, RunningExec } from './fake-docker-exec.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export interface FakeContainer {
  id: string;
  name: string;
  image: string;
  /** The create body as received. */
  config: Record<string, unknown>;
  running: boolean;
  /** The folders it is made of (see fake-docker-exec.ts). */
  view: ContainerView;
  /** What `GET /containers/{id}/stats` reports; tests may change it. */
  usage: ContainerUsage;
}

/** Resource numbers of a fake container, in Docker's units (bytes, nanoseconds). */
export interface ContainerUsage {
  memoryBytes: number;
  /** Page cache Docker subtracts from `usage` (cgroup v2 `inactive_file`). */
  inactiveFileBytes: number;
  /** `cpu_stats` and `precpu_stats`: the container's and the host's CPU time, now and one sample earlier. */
  cpuTotalNs: number;
  preCpuTotalNs: number;
  systemCpuNs: number;
  preSystemCpuNs: number;
  onlineCpus: number;
}

/** 48 MiB in use (64 MiB minus 16 MiB of page cache); 0.2 s of CPU over 1 s of host time on 2 CPUs = 40 %. */
export const DEFAULT_USAGE: Readonly<ContainerUsage> = {
  memoryBytes: 64 * 1024 * 1024,
  inactiveFileBytes: 16 * 1024 * 1024,
  cpuTotalNs: 1_200_000_000,
  preCpuTotalNs: 1_000_000_000,
  systemCpuNs: 11_000_000_000,
  preSystemCpuNs: 10_000_000_000,
  onlineCpus: 2,
};

export interface FakeExec {
  id: string;
  containerId: string;
  config: { Cmd?: string[]; WorkingDir?: string; Env?: string[] };
  running: boolean;
  exitCode: number | null;
  process?: RunningExec;
}

export interface FakeDockerFaults {
  /** The next exec's container dies (is removed) right after the exec starts printing. */
  crashNextExec?: boolean;
  /** The next exec's stream is never ended, even after its process exits (an engine that hangs). */
  hangNextExec?: boolean;
  /** Pulls fail with this message. */
  pullError?: string;
}

export interface FakeDocker {
  /** `unix:///…/docker.sock`, for `DOCKER_HOST`. */
  readonly dockerHost: string;
  readonly socketPath: string;
  readonly requests: RecordedRequest[];
  readonly containers: Map<string, FakeContainer>;
  readonly images: Set<string>;
  readonly faults: FakeDockerFaults;
  /** Host folder behind a named volume. */
  volumePath(name: string): string;
  /** Removes a container as `docker rm -f` from outside would. */
  removeContainer(idOrName: string): void;
  /** Daemon down (socket closed) or back up. */
  setDown(down: boolean): Promise<void>;
  /** Requests whose method and path match. */
  find(method: string, path: RegExp): RecordedRequest[];
  close(): Promise<void>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
};

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
