/**
 * Files in S3-compatible storage (AWS S3, Wasabi, DigitalOcean Spaces, MinIO …): key `<user>/<file>` or
 * `<user>/<channel>/<file>` (spec §7.2), built only from sanitised segments. The bucket is checked (and created
 * when missing) before the first operation; a failed check is retried on the next one. The AWS SDK is loaded on
 * first use, so a Clara that stores files locally never pays for it.
 */

import { checkSize, contentTypeFor, namespaceSegments, sanitizeFileName } from './names.js';
import { connectS3, type S3Connection } from './s3-client.js';
import {
  type FileNamespace,
  type FileStore,
  FileStoreError,
  type StoredFile,
  type StoredFileInfo,
} from './types.js';

export interface S3FileStoreOptions {
  /** `S3_ENDPOINT_URL`; omit for AWS S3's regional endpoint. */
  endpoint?: string | undefined;
  bucket: string;
  accessKey: string;
  secretKey: string;
  region: string;
  maxFileSize: number;
  /** Path-style URLs (`endpoint/bucket/key`); default: true for any endpoint that is not amazonaws.com. */
  forcePathStyle?: boolean;
  /** Attempts per request (default 3). */
  maxAttempts?: number;
  /** Per-request time limit in ms (default 60 s). */
  requestTimeoutMs?: number;
}

type Connection = S3Connection;

/** Listing stops after this many pages of 1000 keys (a namespace that large is listed partially). */
const MAX_LIST_PAGES = 20;

export class S3FileStore implements FileStore {
  readonly kind = 's3' as const;
  readonly maxFileSize: number;
  private connection: Promise<Connection> | undefined;
  private readonly bucket: string;
  private readonly where: string;
  private readonly secrets: string[];
  private bucketReady: Promise<void> | undefined;

  constructor(private readonly options: S3FileStoreOptions) {
    this.maxFileSize = options.maxFileSize;
    this.bucket = options.bucket;
    this.secrets = [options.accessKey, options.secretKey].filter((s) => s.length >= 4);
    this.where = `S3 bucket ${options.bucket}${options.endpoint ? ` at ${safeEndpoint(options.endpoint)}` : ''}`;
  }

  private connect(): Promise<Connection> {
    this.connection ??= connectS3({
      ...this.options,
      requestTimeoutMs: this.options.requestTimeoutMs ?? 60_000,
    });
    return this.connection;
  }

  describe(): string {
    return this.where;
  }

  /** Releases the client's connections. */
  close(): void {
    void this.connection?.then(({ client }) => client.destroy());
  }

  async save(namespace: FileNamespace, name: string, content: Buffer): Promise<StoredFileInfo> {
    const safe = sanitizeFileName(name);
    checkSize(safe, content.length, this.maxFileSize);
    const key = this.key(namespace, safe);
    await this.call('save', ({ s3, client }) =>
      client.send(
        new s3.PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: content,
          ContentType: contentTypeFor(safe),
          ContentLength: content.length,
        }),
      ),
    );
    return this.stat(namespace, safe);
  }

  async read(namespace: FileNamespace, name: string): Promise<StoredFile> {
    const safe = sanitizeFileName(name);
    const key = this.key(namespace, safe);
    return this.call(
      'read',
      async ({ s3, client }) => {
        const response = await client.send(new s3.GetObjectCommand({ Bucket: this.bucket, Key: key }));
        const size = response.ContentLength ?? 0;
        try {
          checkSize(safe, size, this.maxFileSize);
        } catch (error) {
          (response.Body as { destroy?: () => void } | undefined)?.destroy?.();
          throw error;
        }
        const bytes = response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
        const content = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        return {
          name: safe,
          size: content.length,
          contentType: contentTypeFor(safe),
          modified: response.LastModified ?? new Date(0),
          content,
        };
      },
      safe,
    );
  }

  async list(namespace: FileNamespace): Promise<StoredFileInfo[]> {
    const prefix = `${namespaceSegments(namespace).join('/')}/`;
    const files: StoredFileInfo[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const response = await this.call('list', ({ s3, client }) =>
        client.send(
          new s3.ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            Delimiter: '/',
            ...(token ? { ContinuationToken: token } : {}),
          }),
        ),
      );
      for (const object of response.Contents ?? []) {
        const name = object.Key?.slice(prefix.length) ?? '';
        // Only names this store could have written (others cannot be read back through it anyway).
        if (!name || sanitizeFileName(name) !== name) continue;
        files.push({
          name,
          size: object.Size ?? 0,
          contentType: contentTypeFor(name),
          modified: object.LastModified ?? new Date(0),
        });
      }
      token = response.IsTruncated ? response.NextContinuationToken : undefined;
      if (!token) break;
    }
    return files.sort((a, b) => b.modified.getTime() - a.modified.getTime() || a.name.localeCompare(b.name));
  }

  async delete(namespace: FileNamespace, name: string): Promise<StoredFileInfo> {
    // S3 deletes succeed for missing keys, so look first to tell the person when there was nothing.
    const found = await this.stat(namespace, name);
    const key = this.key(namespace, found.name);
    await this.call('delete', ({ s3, client }) =>
      client.send(new s3.DeleteObjectCommand({ Bucket: this.bucket, Key: key })),
    );
    return found;
  }

  async stat(namespace: FileNamespace, name: string): Promise<StoredFileInfo> {
    const safe = sanitizeFileName(name);
    const key = this.key(namespace, safe);
    const head = await this.call(
      'stat',
      ({ s3, client }) => client.send(new s3.HeadObjectCommand({ Bucket: this.bucket, Key: key })),
      safe,
    );
    return {
      name: safe,
      size: head.ContentLength ?? 0,
      contentType: contentTypeFor(safe),
      modified: head.LastModified ?? new Date(0),
    };
  }

  private key(namespace: FileNamespace, safeName: string): string {
    return [...namespaceSegments(namespace), safeName].join('/');
  }

  /** Makes sure the bucket exists (created when missing), once; a failure is retried on the next call. */
  private ensureBucket({ s3, client }: Connection): Promise<void> {
    this.bucketReady ??= (async () => {
      try {
        await client.send(new s3.HeadBucketCommand({ Bucket: this.bucket }));
      } catch (error) {
        if (status(error) !== 404) throw error;
        const region = this.options.region;
        await client.send(
          new s3.CreateBucketCommand({
            Bucket: this.bucket,
            ...(region && region !== 'us-east-1'
              ? { CreateBucketConfiguration: { LocationConstraint: region as never } }
              : {}),
          }),
        );
      }
    })().catch((error: unknown) => {
      this.bucketReady = undefined;
      throw error;
    });
    return this.bucketReady;
  }

  /** Runs one S3 operation; "no such key" becomes `not_found`, everything else `unavailable` (secrets scrubbed). */
  private async call<T>(
    operation: string,
    run: (connection: Connection) => Promise<T>,
    fileName?: string,
  ): Promise<T> {
    try {
      const connection = await this.connect();
      await this.ensureBucket(connection);
      return await run(connection);
    } catch (error) {
      if (error instanceof FileStoreError) throw error;
      if (fileName && isMissingKey(error)) {
        throw new FileStoreError('not_found', `File not found: ${fileName}`, { cause: error });
      }
      throw new FileStoreError(
        'unavailable',
        `Cloud storage (${this.where}) could not ${operation}: ${this.scrub(describeError(error))}. ` +
          'Check S3_ENDPOINT_URL, S3_BUCKET, S3_REGION and the S3 keys.',
      );
    }
  }

  private scrub(text: string): string {
    return this.secrets.reduce((out, secret) => out.split(secret).join('***'), text);
  }
}

function status(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function isMissingKey(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  if (name === 'NoSuchBucket') return false;
  return name === 'NoSuchKey' || name === 'NotFound' || status(error) === 404;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = status(error);
  // HEAD requests carry no error body, so the SDK only knows the status.
  const known = error.message && !/^(Unknown|UnknownError)$/.test(error.message) ? error.message : '';
  const message = known || (code === 403 ? 'access denied' : code === 301 ? 'wrong region' : error.name);
  return code ? `${message} (HTTP ${code})` : message;
}

/** The endpoint without any user:password part. */
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
