import type { BackgroundTasks } from '../../../domain/ports/output/background-tasks.js';

/**
 * Background tasks recorded by kind, not run: a test carries launches and follow-ups out itself, in order, or
 * runs what was recorded with `runRecorded`. `busy` holds the keys to report as having a task under way.
 */
export class RecordedTasks implements BackgroundTasks {
  readonly launch: string[] = [];
  readonly followUp: string[] = [];
  readonly busy = new Set<string>();
  private recorded: (() => Promise<void>)[] = [];

  run(key: string, what: string, task: () => Promise<void>): void {
    (what === 'launch' ? this.launch : this.followUp).push(key);
    this.recorded.push(task);
  }

  isBusy(key: string): boolean {
    return this.busy.has(key);
  }

  backlog(): number {
    return this.recorded.length;
  }

  /** Runs the tasks recorded so far, one after another. */
  async runRecorded(): Promise<void> {
    const tasks = this.recorded;
    this.recorded = [];
    for (const task of tasks) await task();
  }
}
