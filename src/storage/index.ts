export { createFileStore } from './from-config.js';
export { LocalFileStore, type LocalFileStoreOptions } from './local.js';
export {
  checkSize,
  contentTypeFor,
  formatSize,
  MAX_NAME_BYTES,
  sanitizeFileName,
  sanitizeId,
  UNNAMED_FILE,
} from './names.js';
export { S3FileStore, type S3FileStoreOptions } from './s3.js';
export { connectS3, type S3Connection, usesPathStyle } from './s3-client.js';
export { decodeText } from './text.js';
export {
  type FileNamespace,
  type FileStore,
  FileStoreError,
  type FileStoreErrorCode,
  type FileStoreKind,
  isFileStoreError,
  type StoredFile,
  type StoredFileInfo,
} from './types.js';
