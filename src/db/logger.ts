/** The slice of a pino logger the database layer uses. */
export type DbLogFn = (fields: Record<string, unknown>, message: string) => void;

export interface DbLogger {
  debug: DbLogFn;
  info: DbLogFn;
  warn: DbLogFn;
  error: DbLogFn;
}

const ignore: DbLogFn = () => {};
export const silentLogger: DbLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
