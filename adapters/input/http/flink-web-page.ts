import { isTerminal, type Execution } from '../../../domain/entities/execution.js';

/**
 * A run's job page in Flink's web UI (`base`: FLINK_WEB_URL, else the Flink REST URL: the JobManager serves both):
 * under "running" while the run goes on, under "completed" once it ended, as the UI lists them.
 */
export function flinkJobPage(base: string, execution: Pick<Execution, 'status' | 'flinkJobId'>): string {
  const section = isTerminal(execution.status) ? 'completed' : 'running';
  return `${base.replace(/\/+$/, '')}/#/job/${section}/${execution.flinkJobId}/overview`;
}
