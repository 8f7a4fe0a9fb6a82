import { DomainError, InvalidFieldError } from './errors.js';

// The errors of backfills, beside the others in errors.ts; their codes map to HTTP statuses there too (problem.ts).

/** A backfill range that cannot be used (`to` before `from`, or in the future). */
export class InvalidBackfillError extends InvalidFieldError {}

/** A backfill runs a schedule's ticks: a job without a schedule has none. */
export class BackfillNeedsScheduleError extends DomainError {
  readonly code = 'BACKFILL_NEEDS_SCHEDULE';

  constructor(readonly jobId: string) {
    super(`Job '${jobId}' has no schedule: a backfill runs the ticks of the job's schedule`);
  }
}

export class BackfillTooLargeError extends DomainError {
  readonly code = 'BACKFILL_TOO_LARGE';

  constructor(
    readonly tickCount: number,
    readonly exact: boolean,
    readonly maxTicks: number,
  ) {
    super(`The range holds ${exact ? '' : 'more than '}${tickCount} ticks; a backfill runs at most ${maxTicks}`);
  }
}

export class BackfillNotFoundError extends DomainError {
  readonly code = 'BACKFILL_NOT_FOUND';

  constructor(readonly backfillId: string) {
    super(`Backfill '${backfillId}' does not exist`);
  }
}

export class BackfillEndedError extends DomainError {
  readonly code = 'BACKFILL_ENDED';

  constructor(
    readonly backfillId: string,
    readonly state: string,
  ) {
    super(`Backfill '${backfillId}' is ${state} already: there is nothing left to cancel`);
  }
}
