/**
 * s3rver (a real S3 protocol server) on 127.0.0.1 for tests, so the real `@aws-sdk/client-s3` runs end to end.
 *
 * Usage: `const s3 = await startS3rver({ buckets: ['clara-files'] }); … s3.endpoint …; await s3.close();`
 * Credentials are s3rver's fixed `S3RVER` / `S3RVER`; clients need `forcePathStyle: true`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

interface S3rverOptions {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
  configureBuckets: Array<{ name: string }>;
}

interface S3rverInstance {
  httpServer?: Server;
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}

// s3rver ships no type declarations; this is the part of its API the tests use.
const S3rver = createRequire(import.meta.url)('s3rver') as new (options: S3rverOptions) => S3rverInstance;

export const S3RVER_ACCESS_KEY = 'S3RVER';
export const S3RVER_SECRET_KEY = 'S3RVER';

export interface RunningS3 {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  /** Where s3rver keeps the buckets on disk. */
  directory: string;
  close(): Promise<void>;
}

export async function startS3rver(options: { buckets?: string[] } = {}): Promise<RunningS3> {
  const directory = await mkdtemp(path.join(tmpdir(), 'clara-s3rver-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    accessKey: S3RVER_ACCESS_KEY,
    secretKey: S3RVER_SECRET_KEY,
    directory,
    async close() {
      // The SDK keeps connections alive; close them so the server can stop.
      server.httpServer?.closeAllConnections();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
