/**
 * Backups in an S3-compatible bucket (Wasabi, AWS S3, Spaces, MinIO …): content type application/gzip, metadata
 * `backup-timestamp` and `database` (spec §11.4). The AWS SDK loads on first use. One PUT per backup, so a single
 * compressed backup is limited to S3's 5 GB object size.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { scrubSecrets } from '../config/index.js';
import { connectS3, type S3Connection } from '../storage/index.js';
import type { BackupMetadata, BackupStore, StoredBackupObject } from './store.js';
import { BackupError } from './types.js';

export interface S3BackupStoreOptions {
  endpoint?: string | undefined;
  bucket: string;
  accessKey: string;
  secretKey: string;
  region: string;
  /** Attempts per request (default 3). */
  maxAttempts?: number;
  /** Per-request time limit in ms (default 10 minutes: uploads can be large). */
  requestTimeoutMs?: number;
}

type Connection = S3Connection;

const MAX_LIST_PAGES = 50;
const FIX =
  'Check S3_ENDPOINT_URL, S3_BUCKET, S3_REGION, S3_ACCESS_KEY and S3_SECRET_KEY (or set BACKUP_DIR to back up to a local folder).';

export class S3BackupStore implements BackupStore {
  readonly kind = 's3' as const;
  private connection: Promise<Connection> | undefined;
  private readonly where: string;

  constructor(private readonly options: S3BackupStoreOptions) {
    this.where = `S3 bucket ${options.bucket}${options.endpoint ? ` at ${safeEndpoint(options.endpoint)}` : ''}`;
  }

  describe(): string {
    return this.where;
  }

  private connect(): Promise<Connection> {
    this.connection ??= connectS3({
      ...this.options,
      requestTimeoutMs: this.options.requestTimeoutMs ?? 600_000,
      checksumsWhenRequired: true,
    });
    return this.connection;
  }

  async check(): Promise<void> {
    await this.call('reach the bucket', async ({ s3, client }) => {
      try {
        await client.send(new s3.HeadBucketCommand({ Bucket: this.options.bucket }));
      } catch (error) {
        if (httpStatus(error) !== 404) throw error;
        const region = this.options.region;
        await client.send(
          new s3.CreateBucketCommand({
            Bucket: this.options.bucket,
            ...(region && region !== 'us-east-1'
              ? { CreateBucketConfiguration: { LocationConstraint: region as never } }
              : {}),
          }),
        );
      }
    });
  }

  async put(
    key: string,
    file: string,
    metadata: BackupMetadata,
  ): Promise<{ location: string; bytes: number }> {
    const bytes = (await stat(file)).size;
    await this.call('upload the backup', ({ s3, client }) =>
      client.send(
        new s3.PutObjectCommand({
          Bucket: this.options.bucket,
          Key: key,
          Body: createReadStream(file),
          ContentLength: bytes,
          ContentType: 'application/gzip',
          Metadata: { 'backup-timestamp': metadata.timestamp, database: metadata.database },
        }),
      ),
    );
    return { location: this.locate(key), bytes };
  }

  async list(prefix: string): Promise<StoredBackupObject[]> {
    const objects: StoredBackupObject[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const response = await this.call('list backups', ({ s3, client }) =>
        client.send(
          new s3.ListObjectsV2Command({
            Bucket: this.options.bucket,
            Prefix: prefix,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        ),
      );
      for (const object of response.Contents ?? []) {
        if (!object.Key) continue;
        objects.push({
          key: object.Key,
          bytes: object.Size ?? 0,
          modified: object.LastModified ?? new Date(0),
        });
      }
      token = response.IsTruncated ? response.NextContinuationToken : undefined;
      if (!token) break;
    }
    return objects;
  }

  async delete(key: string): Promise<void> {
    await this.call('delete an old backup', ({ s3, client }) =>
      client.send(new s3.DeleteObjectCommand({ Bucket: this.options.bucket, Key: key })),
    );
  }

  async download(key: string, file: string): Promise<void> {
    await this.call(`download ${key}`, async ({ s3, client }) => {
      const response = await client.send(new s3.GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      if (!response.Body) throw new BackupError(`The S3 object ${key} is empty.`);
      await pipeline(response.Body as Readable, createWriteStream(file));
    });
  }

  async readText(key: string): Promise<string | undefined> {
    try {
      const connection = await this.connect();
      const response = await connection.client.send(
        new connection.s3.GetObjectCommand({ Bucket: this.options.bucket, Key: key }),
      );
      return response.Body ? await response.Body.transformToString() : '';
    } catch (error) {
      if (httpStatus(error) === 404) return undefined;
      return this.call(`read ${key}`, () => Promise.reject(error));
    }
  }

  async writeText(key: string, text: string): Promise<void> {
    await this.call(`write ${key}`, ({ s3, client }) =>
      client.send(
        new s3.PutObjectCommand({
          Bucket: this.options.bucket,
          Key: key,
          Body: text,
          ContentType: 'application/json',
        }),
      ),
    );
  }

  locate(key: string): string {
    return `s3://${this.options.bucket}/${key}`;
  }

  close(): void {
    void this.connection?.then(({ client }) => client.destroy());
  }

  private async call<T>(what: string, run: (connection: Connection) => Promise<T>): Promise<T> {
    try {
      return await run(await this.connect());
    } catch (error) {
      if (error instanceof BackupError) throw error;
      const detail = scrubSecrets(describeS3Error(error), [this.options.accessKey, this.options.secretKey]);
      const missing = httpStatus(error) === 404 && what.startsWith('download');
      throw new BackupError(
        missing
          ? `No backup ${what.slice('download '.length)} in ${this.where}.`
          : `Could not ${what} in ${this.where}: ${detail}. ${FIX}`,
      );
    }
  }
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function describeS3Error(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = httpStatus(error);
  const known = error.message && !/^(Unknown|UnknownError)$/.test(error.message) ? error.message : '';
  const message =
    known || (code === 403 ? 'access denied' : code === 301 ? 'wrong region' : error.name || 'unknown error');
  return code ? `${message} (HTTP ${code})` : message;
}

function safeEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return 'the configured endpoint';
  }
}
