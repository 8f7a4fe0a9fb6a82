import type { RestorePoint } from '../../../domain/entities/restore.js';
import { FlinkError } from '../../../domain/errors.js';
import type { ExceptionHistory } from '../../../domain/entities/flink-exception.js';
import type { JobPlan } from '../../../domain/entities/job-plan.js';
import type {
  ClusterOverview,
  FlinkCluster,
  FlinkJobState,
  PlanRequest,
  RunRequest,
  SavepointStatus,
} from '../../../domain/ports/output/flink-cluster.js';

/** A Flink cluster in memory whose jobs the test moves between states by hand. */
export class FakeFlinkCluster implements FlinkCluster {
  readonly address = 'http://flink.test:8081';
  readonly jars = new Set<string>();
  readonly jobs = new Map<string, FlinkJobState['kind'] | string>();
  readonly runs: RunRequest[] = [];
  readonly uploads: string[] = [];
  readonly deletedJars: string[] = [];
  readonly cancelled: string[] = [];
  readonly savepointRequests: { jobId: string; drain: boolean; targetDirectory: string | null }[] = [];
  savepoint: SavepointStatus = { kind: 'in-progress' };
  /** Savepoints taken while the job runs on; `savepointsByTrigger` answers for one trigger, else `savepoint`. */
  readonly triggeredSavepoints: { jobId: string; targetDirectory: string }[] = [];
  readonly savepointsByTrigger = new Map<string, SavepointStatus>();
  /** When set, a savepoint (on its own or a stop's) is refused with this cause. */
  refuseSavepointWith: string | undefined;
  reachable = true;
  /** When set, `run` refuses with this cause, like a main() that throws. */
  refuseRunWith: string | undefined;
  failureMessage = 'java.lang.RuntimeException: task failed';
  private nextJar = 1;

  private check(): void {
    if (!this.reachable) throw new FlinkError('FLINK_UNREACHABLE', `Flink JobManager at ${this.address} is unreachable`);
  }

  async overview(): Promise<ClusterOverview> {
    this.check();
    return { version: '2.3.0', slotsAvailable: 4 };
  }

  async uploadJar(artifactPath: string, fileName: string): Promise<string> {
    this.check();
    const jarId = `${this.nextJar++}_${fileName}`;
    this.jars.add(jarId);
    this.uploads.push(artifactPath);
    return jarId;
  }

  async hasJar(jarId: string): Promise<boolean> {
    this.check();
    return this.jars.has(jarId);
  }

  async deleteJar(jarId: string): Promise<void> {
    this.check();
    this.jars.delete(jarId);
    this.deletedJars.push(jarId);
  }

  async run(request: RunRequest): Promise<string> {
    this.check();
    if (!this.jars.has(request.jarId)) throw new FlinkError('FLINK_SUBMIT_FAILED', `Jar file ${request.jarId} does not exist`);
    if (this.refuseRunWith) throw new FlinkError('FLINK_SUBMIT_FAILED', this.refuseRunWith);
    this.runs.push(request);
    if (!this.jobs.has(request.jobId)) this.jobs.set(request.jobId, 'running');
    return request.jobId;
  }

  /** What `plan` answers; `refusePlanWith`: the cause it refuses with, like a main() that throws. */
  jobPlan: JobPlan = { flinkJobName: 'TestJob bounded', vertices: [{ id: 'v1', description: 'Source: sequence', parallelism: 1 }] };
  refusePlanWith: string | undefined;
  readonly plans: PlanRequest[] = [];

  async plan(request: PlanRequest): Promise<JobPlan> {
    this.check();
    if (!this.jars.has(request.jarId)) throw new FlinkError('FLINK_SUBMIT_FAILED', `Jar file ${request.jarId} does not exist`);
    this.plans.push(request);
    if (this.refusePlanWith) throw new FlinkError('FLINK_SUBMIT_FAILED', this.refusePlanWith);
    return structuredClone(this.jobPlan);
  }

  async jobState(flinkJobId: string): Promise<FlinkJobState> {
    this.check();
    const kind = this.jobs.get(flinkJobId);
    if (kind === undefined) return { kind: 'not-found' };
    if (['running', 'finished', 'failed', 'canceled'].includes(kind)) return { kind } as FlinkJobState;
    return { kind: 'transient', state: kind };
  }

  /** What `exceptionHistory` answers; undefined: Flink does not know the job. */
  history: ExceptionHistory | undefined = { exceptions: [], truncated: false };
  readonly historyRequests: { flinkJobId: string; maxExceptions: number }[] = [];

  async exceptionHistory(flinkJobId: string, maxExceptions: number): Promise<ExceptionHistory | undefined> {
    this.check();
    this.historyRequests.push({ flinkJobId, maxExceptions });
    return structuredClone(this.history);
  }

  async failureCause(): Promise<string> {
    this.check();
    return this.failureMessage;
  }

  async cancel(flinkJobId: string): Promise<void> {
    this.check();
    this.cancelled.push(flinkJobId);
    // Like Flink: a job that already ended stays as it ended.
    if (!['finished', 'failed', 'canceled'].includes(this.jobs.get(flinkJobId) ?? '')) this.jobs.set(flinkJobId, 'canceled');
  }

  async stopWithSavepoint(flinkJobId: string, options: { drain: boolean; targetDirectory: string | null }): Promise<string> {
    this.check();
    if (this.refuseSavepointWith) throw new FlinkError('FLINK_REQUEST_FAILED', this.refuseSavepointWith);
    this.savepointRequests.push({ jobId: flinkJobId, ...options });
    return `trigger-${flinkJobId}`;
  }

  async triggerSavepoint(flinkJobId: string, options: { targetDirectory: string }): Promise<string> {
    this.check();
    if (this.refuseSavepointWith) throw new FlinkError('FLINK_REQUEST_FAILED', this.refuseSavepointWith);
    this.triggeredSavepoints.push({ jobId: flinkJobId, ...options });
    return `savepoint-${this.triggeredSavepoints.length}-${flinkJobId}`;
  }

  async savepointStatus(_flinkJobId?: string, triggerId?: string): Promise<SavepointStatus> {
    this.check();
    return (triggerId && this.savepointsByTrigger.get(triggerId)) || this.savepoint;
  }

  /** Retained snapshots by Flink job id, as the test sets them; `snapshotRequests` the jobs asked about. */
  readonly snapshots = new Map<string, RestorePoint>();
  readonly snapshotRequests: string[] = [];

  async retainedSnapshot(flinkJobId: string): Promise<RestorePoint | undefined> {
    this.check();
    this.snapshotRequests.push(flinkJobId);
    return this.snapshots.get(flinkJobId);
  }
}
