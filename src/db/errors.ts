/** Errors the database layer raises on purpose, and recognising driver errors. */

/** A message with this platform message id is already stored (another process or a retry handled it). */
export class DuplicateMessageError extends Error {
  override readonly name = 'DuplicateMessageError';
  constructor(readonly platformMessageId: string) {
    super(`A message with platform message id ${platformMessageId} is already stored`);
  }
}

/** The database could not be opened or reached. The message never contains a password. */
export class DatabaseConnectionError extends Error {
  override readonly name = 'DatabaseConnectionError';
}

/** A readable one-line reason from a driver or system error (Node's AggregateError has an empty message). */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map(describeError))].join('; ');
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (error.message)
      return typeof code === 'string' && !error.message.includes(code)
        ? `${error.message} (${code})`
        : error.message;
    return typeof code === 'string' ? code : error.name;
  }
  return String(error);
}

/** True when `error` is a unique-constraint violation mentioning `column` (PostgreSQL or SQLite). */
export function isUniqueViolation(error: unknown, column: string): boolean {
  if (!(error instanceof Error)) return false;
  const { code, constraint, detail } = error as { code?: unknown; constraint?: unknown; detail?: unknown };
  if (code === '23505') {
    return [constraint, detail, error.message].some(
      (text) => typeof text === 'string' && text.includes(column),
    );
  }
  return (
    typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT') && error.message.includes(`.${column}`)
  );
}
