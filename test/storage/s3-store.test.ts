/** S3 store only: errors a person can act on (no secrets in them), keys it did not write, path-style choice. */
import { createServer } from 'node:net';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { S3FileStore, usesPathStyle } from '../../src/storage/index.js';
import { type RunningS3, startS3rver } from '../support/s3.js';
import { expectStoreError } from './contract.js';

let s3: RunningS3;
beforeAll(async () => {
  s3 = await startS3rver({ buckets: ['existing-bucket'] });
});
afterAll(() => s3?.close());

function storeAt(endpoint: string, overrides: Partial<ConstructorParameters<typeof S3FileStore>[0]> = {}) {
  return new S3FileStore({
    endpoint,
    bucket: 'existing-bucket',
    accessKey: s3.accessKey,
    secretKey: s3.secretKey,
    region: 'us-east-1',
    maxFileSize: 1024,
    maxAttempts: 1,
    ...overrides,
  });
}

/** A port on 127.0.0.1 with nothing listening. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('an unreachable endpoint is a clear "unavailable" error naming what to check', async () => {
  const store = storeAt(`http://127.0.0.1:${await closedPort()}`, {
    accessKey: 'AKIA-NOT-REAL-KEY',
    secretKey: 'very-secret-value-123',
  });
  const error = await expectStoreError(store.list({ userId: 'u' }), 'unavailable');
  expect(error.message).toMatch(
    /^Cloud storage \(S3 bucket existing-bucket at http:\/\/127\.0\.0\.1:\d+\) could not list/,
  );
  expect(error.message).toContain('Check S3_ENDPOINT_URL');
  expect(error.message).not.toContain('very-secret-value-123');
  expect(error.message).not.toContain('AKIA-NOT-REAL-KEY');
  store.close();
});

test('an unknown access key is reported as unavailable, without the keys', async () => {
  // s3rver checks the access key id (it does not verify SigV4 signatures).
  const store = storeAt(s3.endpoint, { accessKey: 'UNKNOWN-ACCESS-KEY', secretKey: 'wrong-secret-key-456' });
  const error = await expectStoreError(store.save({ userId: 'u' }, 'a.txt', Buffer.from('x')), 'unavailable');
  expect(error.message).toContain('could not save: access denied (HTTP 403)');
  expect(error.message).not.toContain('wrong-secret-key-456');
  expect(error.message).not.toContain('UNKNOWN-ACCESS-KEY');
  store.close();
});

test('objects the store could not have written (nested, hidden, odd names) are not listed', async () => {
  const raw = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey },
  });
  for (const key of [
    'zed/ok.txt',
    'zed/.hidden',
    'zed/has space.txt',
    'zed/42/channel.txt',
    'zedd/other.txt',
  ]) {
    await raw.send(new PutObjectCommand({ Bucket: 'existing-bucket', Key: key, Body: 'x' }));
  }
  raw.destroy();
  const store = storeAt(s3.endpoint);
  expect((await store.list({ userId: 'zed' })).map((f) => f.name)).toEqual(['ok.txt']);
  expect((await store.list({ userId: 'zed', channelId: '42' })).map((f) => f.name)).toEqual(['channel.txt']);
  store.close();
});

test('path-style addressing for custom endpoints, virtual-hosted for AWS', () => {
  expect(usesPathStyle('https://s3.wasabisys.com')).toBe(true);
  expect(usesPathStyle('http://127.0.0.1:9000')).toBe(true);
  expect(usesPathStyle('https://s3.eu-west-1.amazonaws.com')).toBe(false);
  expect(usesPathStyle(undefined)).toBe(false);
});
