import { describe, expect, it } from 'vitest';
import { DuplicateMessageError, describeError, isUniqueViolation } from './errors.js';

describe('describeError', () => {
  it('joins the inner errors of an AggregateError (empty message on Node 20 connection failures)', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' });
    const other = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(describeError(new AggregateError([inner, other], ''))).toBe(
      'connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432',
    );
  });

  it('adds a code the message lacks, and falls back to the code or name', () => {
    expect(describeError(Object.assign(new Error('Invalid URL'), { code: 'ERR_INVALID_URL' }))).toBe(
      'Invalid URL (ERR_INVALID_URL)',
    );
    expect(describeError(Object.assign(new Error(''), { code: 'ETIMEDOUT' }))).toBe('ETIMEDOUT');
    expect(describeError(new TypeError(''))).toBe('TypeError');
    expect(describeError('plain')).toBe('plain');
  });
});

describe('isUniqueViolation', () => {
  it('recognises PostgreSQL and SQLite unique violations on the column', () => {
    const pgError = Object.assign(new Error('duplicate key value violates unique constraint'), {
      code: '23505',
      constraint: 'ux_messages_platform_message_id',
    });
    expect(isUniqueViolation(pgError, 'platform_message_id')).toBe(true);
    expect(isUniqueViolation(pgError, 'other_column')).toBe(false);
    const sqliteError = Object.assign(new Error('UNIQUE constraint failed: messages.platform_message_id'), {
      code: 'SQLITE_CONSTRAINT_UNIQUE',
    });
    expect(isUniqueViolation(sqliteError, 'platform_message_id')).toBe(true);
    expect(isUniqueViolation(new Error('platform_message_id'), 'platform_message_id')).toBe(false);
    expect(isUniqueViolation('23505', 'platform_message_id')).toBe(false);
  });
});

describe('DuplicateMessageError', () => {
  it('carries the platform message id', () => {
    const error = new DuplicateMessageError('123');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DuplicateMessageError');
    expect(error.platformMessageId).toBe('123');
    expect(error.message).toContain('123');
  });
});
