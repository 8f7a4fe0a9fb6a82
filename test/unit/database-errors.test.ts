import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { StatementFailedError, translateStorageError } from '../../adapters/output/repository/database-errors.js';
import { StorageUnavailableError } from '../../domain/errors.js';

const socketError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('which database failures read as storage unavailable (503)', () => {
  it.each([
    ['EPIPE', 'This socket has been ended by the other party'],
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'],
    ['CONNECTION_CLOSED', 'write CONNECTION_CLOSED 127.0.0.1:5432'],
    ['57014', 'canceling statement due to statement timeout'],
    ['57P01', 'terminating connection due to administrator command'],
    ['08006', 'connection failure'],
  ])('%s, also when drizzle wraps it, keeping the cause and dropping the parameters', (code, message) => {
    const wrapped = new DrizzleQueryError('select $1', ['secret-value'], socketError(code, message));
    const translated = translateStorageError(wrapped);
    expect(translated).toBeInstanceOf(StorageUnavailableError);
    expect((translated as Error).cause).toBeInstanceOf(StatementFailedError);
    expect(JSON.stringify((translated as Error).cause, Object.getOwnPropertyNames(translated))).not.toContain('secret-value');
  });

  it('leaves other failures as they are, without their parameters', () => {
    const uniqueViolation = new DrizzleQueryError('insert $1', ['secret-value'], Object.assign(new Error('duplicate key'), { code: '23505' }));
    const translated = translateStorageError(uniqueViolation);
    expect(translated).toBeInstanceOf(StatementFailedError);
    expect((translated as Error).message).toBe('Failed query: insert $1');
    expect(translateStorageError(socketError('EACCES', 'permission denied'))).not.toBeInstanceOf(StorageUnavailableError);
  });
});
