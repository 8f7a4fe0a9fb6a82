/**
 * Errors the domain raises on purpose. Each has a stable `code` that clients can switch on; the HTTP adapter maps
 * codes to statuses in one place. Anything that is not a DomainError is a bug or an outage, never the user's fault.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class JobNotFoundError extends DomainError {
  readonly code = 'JOB_NOT_FOUND';

  constructor(readonly jobId: string) {
    super(`Job '${jobId}' does not exist`);
  }
}

export class JobNameTakenError extends DomainError {
  readonly code = 'JOB_NAME_TAKEN';

  constructor(readonly jobName: string, options?: { cause?: unknown }) {
    super(`A job named '${jobName}' already exists`, options);
  }
}

export class JobVersionMismatchError extends DomainError {
  readonly code = 'JOB_VERSION_MISMATCH';

  constructor(
    readonly jobId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`Job '${jobId}' is at version ${actualVersion}, not the expected version ${expectedVersion}`);
  }
}

/** The database could not be reached or answered with a connection-level failure: worth retrying later. */
export class StorageUnavailableError extends DomainError {
  readonly code = 'STORAGE_UNAVAILABLE';

  constructor(options?: { cause?: unknown }) {
    super('The database is unavailable', options);
  }
}
