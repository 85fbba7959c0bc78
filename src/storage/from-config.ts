/** Picks the file store from the configuration (spec §7.1): S3 when `S3_ENABLED`, else the local folder. */
import { type Config, dataPath, s3Buckets } from '../config/index.js';
import { LocalFileStore } from './local.js';
import { S3FileStore } from './s3.js';
import type { FileStore } from './types.js';

export function createFileStore(config: Config): FileStore {
  // The config rules already refuse S3_ENABLED without both keys, so this only guards direct callers.
  if (config.S3_ENABLED && config.S3_ACCESS_KEY && config.S3_SECRET_KEY) {
    return new S3FileStore({
      endpoint: config.S3_ENDPOINT_URL,
      bucket: s3Buckets(config).files,
      accessKey: config.S3_ACCESS_KEY,
      secretKey: config.S3_SECRET_KEY,
      region: config.S3_REGION,
      maxFileSize: config.CLARA_MAX_FILE_SIZE,
    });
  }
  // Relative to DATA_DIR (default `.`, so `./clara_files` stays where the original kept it).
  return new LocalFileStore({
    root: dataPath(config, config.CLARA_FILES_DIR),
    maxFileSize: config.CLARA_MAX_FILE_SIZE,
  });
}
