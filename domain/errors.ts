import type { ExecutionError } from './entities/execution.js';

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

export class JobVersionNotFoundError extends DomainError {
  readonly code = 'JOB_VERSION_NOT_FOUND';

  constructor(readonly jobId: string, readonly version: number) {
    super(`Job '${jobId}' has no version ${version}`);
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

/** A start read its job, and the job or its schedule changed before the run was stored, each time it tried. */
export class JobChangedError extends DomainError {
  readonly code = 'JOB_CHANGED';

  constructor(readonly jobId: string) {
    super(`Job '${jobId}' or its schedule changed while the run was being started; no run was started, try again`);
  }
}

/** The database could not be reached or answered with a connection-level failure: worth retrying later. */
export class StorageUnavailableError extends DomainError {
  readonly code = 'STORAGE_UNAVAILABLE';

  constructor(options?: { cause?: unknown }) {
    super('The database is unavailable', options);
  }
}

export class JobAlreadyRunningError extends DomainError {
  readonly code = 'JOB_ALREADY_RUNNING';

  constructor(
    readonly jobId: string,
    readonly executionId: string,
  ) {
    super(`Job '${jobId}' already has an active execution '${executionId}'`);
  }
}

export class JobNotRunningError extends DomainError {
  readonly code = 'JOB_NOT_RUNNING';

  /** `purpose`: what the active execution was wanted for. */
  constructor(readonly jobId: string, purpose = 'to stop') {
    super(`Job '${jobId}' has no active execution ${purpose}`);
  }
}

export class ExecutionNotFoundError extends DomainError {
  readonly code = 'EXECUTION_NOT_FOUND';

  constructor(readonly executionId: string) {
    super(`Execution '${executionId}' does not exist`);
  }
}

/** The message gives the reason only, not the jarURL: that may carry credentials, which are never repeated. */
export class JarLocationRefusedError extends DomainError {
  readonly code = 'JAR_URL_NOT_ALLOWED';

  constructor(readonly reason: string) {
    super(`jarURL cannot be used: ${reason}`);
  }
}

/** A failure of a run's external step; its code ends up in the execution's `error`. */
export class ExecutionStepError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExecutionStepError';
  }
}

/** The error an execution records for a failure of one of its steps; anything unexpected is INTERNAL_ERROR. */
export function executionErrorOf(error: unknown): ExecutionError {
  if (error instanceof ExecutionStepError) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL_ERROR', message };
}

/** JAR_URL_NOT_ALLOWED, JAR_DOWNLOAD_FAILED, JAR_TOO_LARGE, JAR_CHECKSUM_MISMATCH. */
export class ArtifactError extends ExecutionStepError {}

/** FLINK_UNREACHABLE, FLINK_SUBMIT_FAILED, FLINK_REQUEST_FAILED. */
export class FlinkError extends ExecutionStepError {}

export class SavepointDirectoryMissingError extends DomainError {
  readonly code = 'SAVEPOINT_DIR_NOT_CONFIGURED';

  /** `what`: what the job cannot do without a savepoint folder. */
  constructor(readonly jobId: string, what = 'stop with a savepoint') {
    super(`Job '${jobId}' cannot ${what}: set SAVEPOINT_DIR or state.savepoints.dir in its flinkConfiguration`);
  }
}

export class NoSavepointError extends DomainError {
  readonly code = 'NO_SAVEPOINT';

  constructor(readonly jobId: string) {
    super(`No run of job '${jobId}' has taken a savepoint to restore from`);
  }
}

export class ScheduleNotFoundError extends DomainError {
  readonly code = 'SCHEDULE_NOT_FOUND';

  constructor(readonly jobId: string) {
    super(`Job '${jobId}' has no schedule`);
  }
}

/** A trigger in the same millisecond as another of the same schedule: the tick has its run already. */
export class ScheduleAlreadyTriggeredError extends DomainError {
  readonly code = 'SCHEDULE_ALREADY_TRIGGERED';

  constructor(
    readonly jobId: string,
    readonly at: Date,
  ) {
    super(`The schedule of job '${jobId}' was triggered already at ${at.toISOString()}; try again`);
  }
}

/** A field of a request the domain refuses (beyond its schema), naming the field and why. */
export abstract class InvalidFieldError extends DomainError {
  readonly code = 'VALIDATION_FAILED';

  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** A schedule that cannot be used, naming the field and why (a cron that never fires, an unknown zone...). */
export class InvalidScheduleError extends InvalidFieldError {}

/** A purge that cannot be carried out as asked (a `before` in the future). */
export class InvalidPurgeError extends InvalidFieldError {}

export class ExecutionNotFailedError extends DomainError {
  readonly code = 'EXECUTION_NOT_FAILED';

  constructor(
    readonly executionId: string,
    readonly status: string,
  ) {
    super(`Execution '${executionId}' is ${status}: only a FAILED run can be retried`);
  }
}

export class ExecutionAlreadyRetriedError extends DomainError {
  readonly code = 'EXECUTION_ALREADY_RETRIED';

  constructor(
    readonly executionId: string,
    readonly retryId: string,
  ) {
    super(`Execution '${executionId}' was already retried by execution '${retryId}'`);
  }
}

/** `after` names an event that is not stored: made up, or removed by retention. */
export class UnknownEventPositionError extends DomainError {
  readonly code = 'VALIDATION_FAILED';

  constructor(readonly after: string) {
    super(`after: no stored event has the sequence or id '${after}' (events older than the retention are removed)`);
  }
}

export class WebhookNotFoundError extends DomainError {
  readonly code = 'WEBHOOK_NOT_FOUND';

  constructor(readonly webhookId: string) {
    super(`Webhook '${webhookId}' does not exist`);
  }
}

export class DeliveryNotFoundError extends DomainError {
  readonly code = 'DELIVERY_NOT_FOUND';

  constructor(readonly deliveryId: string) {
    super(`Delivery '${deliveryId}' does not exist for this webhook, or its event is past retention`);
  }
}

export class DeliveryInFlightError extends DomainError {
  readonly code = 'DELIVERY_IN_FLIGHT';

  constructor(readonly deliveryId: string) {
    super(`The event of delivery '${deliveryId}' is still being delivered to this webhook; replay it once that ends`);
  }
}

/** The message gives the reason only, never the URL: a webhook URL may carry a token in its path. */
export class WebhookUrlRefusedError extends DomainError {
  readonly code = 'WEBHOOK_URL_NOT_ALLOWED';

  constructor(readonly reason: string) {
    super(`url cannot be used: ${reason}`);
  }
}
