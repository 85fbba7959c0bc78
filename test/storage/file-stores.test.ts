/** Both file stores through one contract suite: local on a temp dir, S3 through the real AWS SDK against s3rver. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { LocalFileStore, S3FileStore } from '../../src/storage/index.js';
import { startS3rver } from '../support/s3.js';
import { fileStoreContract, type StoreHarness, walk } from './contract.js';

fileStoreContract('local', async (): Promise<StoreHarness> => {
  const base = await mkdtemp(path.join(tmpdir(), 'clara-files-'));
  const root = path.join(base, 'root');
  return {
    store: (maxFileSize = 1024 * 1024) => new LocalFileStore({ root, maxFileSize }),
    async locations() {
      // Anything written beside the root (an escape) shows up as a path starting with `../`.
      return (await walk(base)).map((where) => path.posix.relative('root', where));
    },
    close: () => rm(base, { recursive: true, force: true }),
  };
});

fileStoreContract('s3 (s3rver)', async (): Promise<StoreHarness> => {
  const s3 = await startS3rver();
  const bucket = 'clara-files';
  const raw = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey },
  });
  const stores: S3FileStore[] = [];
  return {
    store(maxFileSize = 1024 * 1024) {
      // The bucket does not exist yet: the first store creates it.
      const store = new S3FileStore({
        endpoint: s3.endpoint,
        bucket,
        accessKey: s3.accessKey,
        secretKey: s3.secretKey,
        region: 'us-east-1',
        maxFileSize,
      });
      stores.push(store);
      return store;
    },
    async locations() {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await raw.send(
          new ListObjectsV2Command({ Bucket: bucket, ...(token ? { ContinuationToken: token } : {}) }),
        );
        keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
        token = page.NextContinuationToken;
      } while (token);
      return keys;
    },
    async close() {
      for (const store of stores) store.close();
      raw.destroy();
      await s3.close();
    },
  };
});
