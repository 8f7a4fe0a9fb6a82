/**
 * The executions this instance drives: the ones it launched, and the ones it held a lease on at the last renewal.
 * Only the instance driving an execution follows it, so that two instances never carry one stop out twice.
 */
export class HeldExecutions {
  private ids = new Set<string>();

  hold(executionId: string): void {
    this.ids.add(executionId);
  }

  holds(executionId: string): boolean {
    return this.ids.has(executionId);
  }

  /** After a lease renewal: exactly these. */
  replaceWith(executionIds: Iterable<string>): void {
    this.ids = new Set(executionIds);
  }
}
