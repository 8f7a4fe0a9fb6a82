import { DomainError, InvalidFieldError } from './errors.js';

// The errors of the savepoint catalog, beside the others in errors.ts; their codes map to HTTP statuses there too
// (problem.ts).

/** A savepointPolicy that cannot be used, naming the field and why. */
export class InvalidSavepointPolicyError extends InvalidFieldError {}

export class SavepointNotFoundError extends DomainError {
  readonly code = 'SAVEPOINT_NOT_FOUND';

  constructor(readonly savepointId: string) {
    super(`Savepoint '${savepointId}' does not exist`);
  }
}

/** A savepoint Flink is still taking cannot be disposed of. */
export class SavepointPendingError extends DomainError {
  readonly code = 'SAVEPOINT_PENDING';

  constructor(readonly savepointId: string) {
    super(`Savepoint '${savepointId}' is still being taken: dispose of it once it completed or failed`);
  }
}
