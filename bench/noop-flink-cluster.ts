import type { ExceptionHistory } from '../domain/entities/flink-exception.js';
import type { JobPlan } from '../domain/entities/job-plan.js';
import type {
  ClusterOverview,
  FlinkCluster,
  FlinkJobState,
  RunRequest,
  SavepointStatus,
} from '../domain/ports/output/flink-cluster.js';

/**
 * A Flink cluster that does nothing, for the scheduler benchmark: every upload and run is accepted at once, and every
 * job reports FINISHED at its first follow-up, so runs end SUCCEEDED and what is measured is the service, not Flink.
 */
export class NoopFlinkCluster implements FlinkCluster {
  readonly address = 'noop://bench';

  async overview(): Promise<ClusterOverview> {
    return { version: 'no-op', slotsAvailable: 1_000_000 };
  }

  async uploadJar(): Promise<string> {
    return 'noop-jar';
  }

  async hasJar(): Promise<boolean> {
    return true;
  }

  async deleteJar(): Promise<void> {}

  async run(request: RunRequest): Promise<string> {
    return request.jobId;
  }

  async plan(): Promise<JobPlan> {
    return { flinkJobName: 'no-op', vertices: [{ id: 'noop-vertex', description: 'Source: no-op', parallelism: 1 }] };
  }

  async jobState(): Promise<FlinkJobState> {
    return { kind: 'finished' };
  }

  async exceptionHistory(): Promise<ExceptionHistory | undefined> {
    return { exceptions: [], truncated: false };
  }

  async failureCause(): Promise<string> {
    return 'the no-op cluster fails no job';
  }

  async cancel(): Promise<void> {}

  async stopWithSavepoint(): Promise<string> {
    return 'noop-trigger';
  }

  async triggerSavepoint(): Promise<string> {
    return 'noop-trigger';
  }

  async savepointStatus(): Promise<SavepointStatus> {
    return { kind: 'completed', location: 'noop://savepoint' };
  }

  async retainedSnapshot(): Promise<undefined> {
    return undefined;
  }
}
