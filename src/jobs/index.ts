export { InProcessJobQueue, type InProcessJobQueueOptions } from './in-process.js';
export type { JobDefinition, JobOptions, JobQueue, JobQueueStats } from './types.js';
