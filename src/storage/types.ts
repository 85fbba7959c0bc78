/** The file store: people's saved files, one namespace per user (and per channel), on local disk or S3. */

/** Whose files: a user, optionally narrowed to one channel (a file saved in a DM is not seen in a server). */
export interface FileNamespace {
  userId: string;
  channelId?: string | undefined;
}

export interface StoredFileInfo {
  /** The stored (sanitised) name. */
  name: string;
  size: number;
  /** From the name's extension: `text/plain; charset=utf-8`, `image/png`, `application/octet-stream` … */
  contentType: string;
  modified: Date;
}

export interface StoredFile extends StoredFileInfo {
  content: Buffer;
}

export type FileStoreKind = 'local' | 's3';

export interface FileStore {
  readonly kind: FileStoreKind;
  /** `CLARA_MAX_FILE_SIZE`: the largest file saved or read, in bytes. */
  readonly maxFileSize: number;
  /** Human description of where files go (no secrets), e.g. `local folder /srv/clara_files`. */
  describe(): string;
  /** Saves (or overwrites) a file; the name is sanitised and the stored info returned. */
  save(namespace: FileNamespace, name: string, content: Buffer): Promise<StoredFileInfo>;
  read(namespace: FileNamespace, name: string): Promise<StoredFile>;
  /** Files of the namespace, newest first. */
  list(namespace: FileNamespace): Promise<StoredFileInfo[]>;
  /** Removes the file; throws `not_found` when there is none. */
  delete(namespace: FileNamespace, name: string): Promise<StoredFileInfo>;
  stat(namespace: FileNamespace, name: string): Promise<StoredFileInfo>;
  /** Releases connections (S3); nothing to do for the local store. */
  close?(): void;
}

export type FileStoreErrorCode = 'not_found' | 'too_large' | 'invalid_name' | 'unsafe_path' | 'unavailable';

/** Every failure of a store: a code to branch on and a message fit to show to the person (never a secret). */
export class FileStoreError extends Error {
  override readonly name = 'FileStoreError';
  constructor(
    readonly code: FileStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isFileStoreError(error: unknown, code?: FileStoreErrorCode): error is FileStoreError {
  return error instanceof FileStoreError && (code === undefined || error.code === code);
}
