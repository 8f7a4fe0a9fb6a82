import { DomainError, ExecutionStepError } from './errors.js';

/** Placeholders of a job definition that no run could resolve, each with the field it is in and why. */
export class InvalidTemplateError extends DomainError {
  readonly code = 'INVALID_TEMPLATE';

  constructor(readonly problems: readonly { field: string; placeholder: string; reason: string }[]) {
    const first = problems[0];
    super(
      problems.length === 1 && first
        ? `${first.field}: ${first.placeholder}: ${first.reason}`
        : `${problems.length} placeholders cannot be resolved; see errors`,
    );
  }
}

/** A run whose job holds a placeholder that cannot be resolved (a job stored before placeholders were checked). */
export class TemplateResolutionError extends ExecutionStepError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_TEMPLATE', message, options);
  }
}
