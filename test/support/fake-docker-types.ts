/** Types and small HTTP helpers of the fake Docker engine (`fake-docker.ts`). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PathMap, RunningExec } from './fake-docker-exec.js';

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
  map: PathMap;
}

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
