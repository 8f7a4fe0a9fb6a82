import type { Execution } from '../../entities/execution.js';
import type { Job } from '../../entities/job.js';
import type { ResolvedRun } from '../../entities/run-arguments.js';
import { executionErrorOf } from '../../errors.js';
import type { LocalArtifact } from '../../ports/output/artifact-source.js';
import type { Clock } from '../../ports/output/clock.js';
import type { JobPlan } from '../../entities/job-plan.js';
import type { FlinkCluster } from '../../ports/output/flink-cluster.js';
import type { JarUploadRegistry } from '../../ports/output/jar-upload-registry.js';

/**
 * The two Flink calls of a launch: uploading the JAR (once per JAR content and cluster: later executions reuse
 * the upload) and running it. A run whose answer was lost, or whose JAR the JobManager lost, is sorted out here.
 */
export class JarSubmission {
  /**
   * Flink jar ids by JAR content, as this process last learnt them, so a launch with a known upload reads no row.
   * One that went stale (another replica replaced the upload, the JobManager lost it) fails its run, and `submit`
   * uploads again.
   */
  private readonly known = new Map<string, string>();

  constructor(
    private readonly flink: FlinkCluster,
    private readonly uploads: JarUploadRegistry,
    private readonly clock: Clock,
  ) {}

  /** The jar id of an earlier upload of this JAR content to the cluster, if Flink was given it already. */
  async uploaded(artifact: LocalArtifact): Promise<string | undefined> {
    const known = this.known.get(artifact.sha256);
    if (known) return known;
    const found = await this.uploads.find(artifact.sha256, this.flink.address);
    if (found) this.known.set(artifact.sha256, found);
    return found;
  }

  /** Uploads the JAR, remembers it for later executions, and removes the uploads of this job it supersedes. */
  async upload(artifact: LocalArtifact, job: Job): Promise<string> {
    const jarId = await this.flink.uploadJar(artifact.path, `${job.name}.jar`);
    const superseded = await this.uploads.record({
      sha256: artifact.sha256,
      clusterAddress: this.flink.address,
      jarId,
      jobId: job.id,
      at: this.clock.now(),
    });
    this.known.set(artifact.sha256, jarId);
    for (const [sha256, known] of this.known) if (superseded.includes(known)) this.known.delete(sha256);
    // Old uploads of this job's JAR only take disk space on the JobManager now.
    for (const old of superseded) await this.flink.deleteJar(old).catch(() => undefined);
    return jarId;
  }

  /**
   * The job graph Flink builds from the JAR with the job's arguments resolved (`run`), without running it. The JAR
   * is uploaded unless Flink has it already, and again when the JobManager lost it.
   */
  async plan(job: Job, artifact: LocalArtifact, run: ResolvedRun): Promise<JobPlan> {
    const jarId = (await this.uploaded(artifact)) ?? (await this.upload(artifact, job));
    const request = { jarId, entryClass: job.entryClass, parallelism: job.parallelism, ...run };
    try {
      return await this.flink.plan(request);
    } catch (error) {
      if (!(await this.lost(jarId, artifact))) throw error;
      return this.flink.plan({ ...request, jarId: await this.upload(artifact, job) });
    }
  }

  /**
   * Runs the execution on Flink with the job's arguments resolved for it (`run`); resolves with the jar id it ran
   * from (a new one if Flink had lost the first).
   */
  async submit(execution: Execution, job: Job, jarId: string, artifact: LocalArtifact, run: ResolvedRun): Promise<string> {
    const request = {
      jarId,
      entryClass: job.entryClass,
      programArgs: run.programArgs,
      parallelism: job.parallelism,
      flinkConfiguration: run.flinkConfiguration,
      jobId: execution.flinkJobId,
      restore: execution.restoredFrom,
    };
    try {
      await this.flink.run(request);
      return jarId;
    } catch (error) {
      // An answer lost on the way back may hide an accepted run: the deterministic job id tells.
      if (executionErrorOf(error).code === 'FLINK_UNREACHABLE') {
        const state = await this.flink.jobState(execution.flinkJobId).catch(() => undefined);
        if (state && state.kind !== 'not-found') return jarId;
        throw error;
      }
      // The JobManager restarted since the upload and lost the JAR: upload again and submit once more.
      if (await this.lost(jarId, artifact)) {
        const fresh = await this.upload(artifact, job);
        await this.flink.run({ ...request, jarId: fresh });
        return fresh;
      }
      throw error;
    }
  }

  /** Whether a refused call failed because the JobManager lost the JAR (a restart): then it is forgotten here too. */
  private async lost(jarId: string, artifact: LocalArtifact): Promise<boolean> {
    if (await this.flink.hasJar(jarId).catch(() => true)) return false;
    this.known.delete(artifact.sha256);
    await this.uploads.forget(jarId, this.flink.address);
    return true;
  }
}
