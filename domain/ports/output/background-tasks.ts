/**
 * Work done in the background of this process, so that requests and scheduler rounds return at once: launches and
 * follow-ups of executions. Tasks given for one key run one after another, never two at once.
 */
export interface BackgroundTasks {
  /** Runs `task` once the tasks already given for `key` are done; `what` names it if it fails. */
  run(key: string, what: string, task: () => Promise<void>): void;
  /** Whether a task for `key` is under way or waiting its turn. */
  isBusy(key: string): boolean;
  /** How many tasks were given and have not begun: work this process has taken on and not got to yet. */
  backlog(): number;
}
