/** One way to build the AWS S3 client for any S3-compatible service (file storage and backups share it). */
import type { S3Client } from '@aws-sdk/client-s3';

export type S3Sdk = typeof import('@aws-sdk/client-s3');

export interface S3Connection {
  s3: S3Sdk;
  client: S3Client;
}

export interface S3ClientOptions {
  endpoint?: string | undefined;
  accessKey: string;
  secretKey: string;
  region: string;
  /** Path-style URLs (`endpoint/bucket/key`); default: true for any endpoint that is not amazonaws.com. */
  forcePathStyle?: boolean;
  /** Attempts per request (default 3). */
  maxAttempts?: number;
  requestTimeoutMs: number;
  /**
   * Checksums only where S3 requires them: streamed uploads with trailing checksums (aws-chunked) are not understood
   * by every S3-compatible service.
   */
  checksumsWhenRequired?: boolean;
}

export function usesPathStyle(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  try {
    return !new URL(endpoint).hostname.endsWith('amazonaws.com');
  } catch {
    return true;
  }
}

/** Loads the AWS SDK on first use (it is large) and builds the client. */
export async function connectS3(options: S3ClientOptions): Promise<S3Connection> {
  const s3 = await import('@aws-sdk/client-s3');
  return {
    s3,
    client: new s3.S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? usesPathStyle(options.endpoint),
      credentials: { accessKeyId: options.accessKey, secretAccessKey: options.secretKey },
      maxAttempts: options.maxAttempts ?? 3,
      ...(options.checksumsWhenRequired
        ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
        : {}),
      requestHandler: { requestTimeout: options.requestTimeoutMs, connectionTimeout: 10_000 },
    }),
  };
}
