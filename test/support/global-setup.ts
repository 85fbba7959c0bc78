/**
 * Vitest globalSetup: one private PostgreSQL cluster per `vitest run`, shared by every test file through
 * `inject('postgresUrl')` (see `databases.ts`), stopped at teardown.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPostgres();
  project.provide('postgresUrl', cluster.url);
  return async () => {
    await cluster.stop();
  };
}
