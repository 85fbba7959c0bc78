/** What the engine is built from (the composition root fills it), and the resolved form a turn uses. */
import type { Logger } from 'pino';
import type { Repositories } from '../db/index.js';
import type { JobQueue } from '../jobs/index.js';
import type { Llm } from '../llm/index.js';
import type { Persona } from './persona.js';
import type { SessionManager } from './sessions.js';
import type { TimeFormatter } from './time-format.js';
import type { EngineSettings, MemorySlot, ToolProvider, TurnObserver } from './types.js';

export interface EngineDeps {
  repos: Repositories;
  /** Undefined when no provider is configured: turns then answer with `notConfiguredMessage`. */
  llm: Llm | undefined;
  notConfiguredMessage: string;
  jobs: JobQueue;
  logger: Logger;
  persona: Persona;
  time: TimeFormatter;
  settings: EngineSettings;
  memory?: MemorySlot;
  tools?: ToolProvider;
  observers?: TurnObserver[];
  now?: () => Date;
}

/** EngineDeps with every optional part resolved, plus the session manager. */
export interface TurnDeps extends Required<Omit<EngineDeps, 'observers'>> {
  observers: readonly TurnObserver[];
  sessions: SessionManager;
}
