export type { DbLogStats, LogEntrySink } from './db-sink.js';
export { toLogEntry } from './db-sink.js';
export type { FileRotation } from './file-stream.js';
export { DEFAULT_ROTATION } from './file-stream.js';
export type { OriginalLevel, PinoLevel } from './levels.js';
export { toOriginalLevel, toPinoLevel } from './levels.js';
export type { ClaraLogger, LoggerOptions } from './logger.js';
export { createLogger } from './logger.js';
export { lineScrubber } from './scrub.js';
