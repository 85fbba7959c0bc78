export { memoryHash, normaliseMemoryText } from './text.js';
export * from './types.js';
