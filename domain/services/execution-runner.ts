import {
  isTerminal,
  retryExecution,
  transition,
  type Execution,
  type ExecutionError,
  type ExecutionStatus,
  type StopRequest,
} from '../entities/execution.js';
import { programArguments, type Job } from '../entities/job.js';
import { retryDelayMs, shouldRetry } from '../entities/retry-policy.js';
import { ExecutionStepError } from '../errors.js';
import type { ArtifactSource, LocalArtifact } from '../ports/output/artifact-source.js';
import type { Clock } from '../ports/output/clock.js';
import type { ExecutionRepository } from '../ports/output/execution-repository.js';
import type { FlinkCluster, FlinkJobState } from '../ports/output/flink-cluster.js';
import type { IdGenerator } from '../ports/output/id-generator.js';
import type { JarUploadRegistry } from '../ports/output/jar-upload-registry.js';
import type { JobRepository } from '../ports/output/job-repository.js';
import { defaultStopMode, savepointDirFor, type ExecutionSettings } from './run-settings.js';
import { requestStop } from './stop-requests.js';

/** The statuses a launch walks through, in order. */
const LAUNCH_PATH: readonly ExecutionStatus[] = ['PENDING', 'DOWNLOADING', 'UPLOADING', 'SUBMITTING', 'RUNNING'];

/** Whether Flink may know the run: from the moment we asked it to run the JAR. */
function mayBeOnFlink(execution: Execution): boolean {
  return execution.history.some((entry) => entry.status === 'SUBMITTING');
}

/**
 * What a run not yet ended needs from the instance that takes it over (after a restart, or from an instance that
 * died): a launch resumed from the step it was saved at, or following on Flink.
 */
export function resumeStep(execution: Execution): 'launch' | 'follow-up' {
  return execution.status === 'RUNNING' || (execution.status === 'STOPPING' && mayBeOnFlink(execution))
    ? 'follow-up'
    : 'launch';
}

/**
 * Drives runs: `launch` takes a run from PENDING to RUNNING (download, upload, submit), `followUp` watches a run
 * Flink has until it ends (state, pending stop, timeout). Each status is saved before the external call that
 * follows it, so after a crash `launch`/`followUp` resume from what the database says, and the deterministic Flink
 * job id makes a repeated submit harmless.
 */
export class ExecutionRunner {
  /** When Flink was last reached while following each run; a run is given up after the grace period. */
  private readonly lastContact = new Map<string, number>();

  constructor(
    private readonly jobs: JobRepository,
    private readonly executions: ExecutionRepository,
    private readonly artifacts: ArtifactSource,
    private readonly flink: FlinkCluster,
    private readonly uploads: JarUploadRegistry,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly settings: ExecutionSettings,
  ) {}

  /**
   * Takes a run through download, upload and submit; resumes from whatever step it was saved at. `started` (the run
   * as just stored, and its job) spares reading them back for a run launched right after it was created.
   */
  async launch(executionId: string, started?: { execution: Execution; job?: Job }): Promise<void> {
    let execution = started?.execution ?? (await this.executions.findById(executionId));
    if (!execution || isTerminal(execution.status) || execution.status === 'RUNNING') return;
    if (execution.status === 'STOPPING') {
      if (!mayBeOnFlink(execution)) await this.end(execution, 'STOPPED', { detail: 'stopped before submission' });
      return;
    }
    try {
      const job = started?.job ?? (await this.jobs.findById(execution.jobId));
      if (!job) {
        await this.fail(executionId, { code: 'JOB_NOT_FOUND', message: `Job '${execution.jobId}' was deleted before the run started` });
        return;
      }
      if (execution.status === 'SUBMITTING') {
        // A submit may have reached Flink before a crash: look before submitting again.
        const state = await this.flink.jobState(execution.flinkJobId);
        if (state.kind !== 'not-found') {
          await this.advance(execution, 'RUNNING', { details: { RUNNING: 're-attached after restart' } });
          return;
        }
      }
      // A status is saved before the external call it announces. Steps that need no external call (a cached JAR,
      // a JAR Flink already has) are not separate writes: their statuses are saved with the next one.
      let next: Execution | undefined = execution;
      let artifact = await this.artifacts.cached(job.jarURL, job.jarSha256);
      if (!artifact) {
        next = await this.advance(next, 'DOWNLOADING');
        if (!next) return;
        artifact = await this.artifacts.fetch(job.jarURL, job.jarSha256);
      }
      const details = { UPLOADING: `${artifact.sizeBytes} bytes, sha256 ${artifact.sha256}` };
      let jarId = await this.uploads.find(artifact.sha256, this.flink.address);
      if (!jarId) {
        next = await this.advance(next, 'UPLOADING', { details });
        if (!next) return;
        jarId = await this.upload(artifact, job);
      }
      next = await this.advance(next, 'SUBMITTING', { details, flinkJarId: jarId });
      if (!next) return;
      const ranJarId = await this.submit(next, job, jarId, artifact);
      await this.advance(next, 'RUNNING', { flinkJarId: ranJarId });
    } catch (error) {
      await this.fail(executionId, errorOf(error));
    }
  }

  /**
   * Looks at a run Flink has: carries a pending stop forward, enforces the timeout, and records how it ended.
   * `current` is the run as just read, which spares reading it again.
   */
  async followUp(executionId: string, current?: Execution): Promise<void> {
    let execution = current ?? (await this.executions.findById(executionId));
    if (!execution || isTerminal(execution.status)) return;
    if (!mayBeOnFlink(execution) || execution.status === 'SUBMITTING') return;
    try {
      execution = await this.enforceLimits(execution);
      if (!execution) return;
      if (execution.status === 'STOPPING') {
        execution = await this.advanceStop(execution);
        if (!execution) return;
      }
      const state = await this.flink.jobState(execution.flinkJobId);
      this.lastContact.set(executionId, this.clock.now().getTime());
      await this.settle(execution, state);
    } catch (error) {
      const failure = errorOf(error);
      if (failure.code !== 'FLINK_UNREACHABLE') throw error;
      // The JobManager may be restarting: keep following, unless it stays away past the grace period.
      const since = this.lastContact.get(executionId) ?? this.clock.now().getTime();
      this.lastContact.set(executionId, since);
      if (this.clock.now().getTime() - since >= this.settings.unreachableGraceMs) {
        await this.fail(executionId, failure);
      }
    }
  }

  /** Uploads the JAR, remembers it for later runs, and removes the uploads of this job it supersedes. */
  private async upload(artifact: LocalArtifact, job: Job): Promise<string> {
    const jarId = await this.flink.uploadJar(artifact.path, `${job.name}.jar`);
    const superseded = await this.uploads.record({
      sha256: artifact.sha256,
      clusterAddress: this.flink.address,
      jarId,
      jobId: job.id,
      at: this.clock.now(),
    });
    // Old uploads of this job's JAR only take disk space on the JobManager now.
    for (const old of superseded) await this.flink.deleteJar(old).catch(() => undefined);
    return jarId;
  }

  /** Submits the run; resolves with the jar id it ran from (a new one if Flink had lost the first). */
  private async submit(execution: Execution, job: Job, jarId: string, artifact: LocalArtifact): Promise<string> {
    const request = {
      jarId,
      entryClass: job.entryClass,
      programArgs: programArguments(job),
      parallelism: job.parallelism,
      flinkConfiguration: job.flinkConfiguration,
      jobId: execution.flinkJobId,
      restore: execution.restoredFrom,
    };
    try {
      await this.flink.run(request);
      return jarId;
    } catch (error) {
      // An answer lost on the way back may hide an accepted run: the deterministic job id tells.
      if (errorOf(error).code === 'FLINK_UNREACHABLE') {
        const state = await this.flink.jobState(execution.flinkJobId).catch(() => undefined);
        if (state && state.kind !== 'not-found') return jarId;
        throw error;
      }
      // The JobManager restarted since the upload and lost the JAR: upload again and submit once more.
      if (!(await this.flink.hasJar(jarId).catch(() => true))) {
        await this.uploads.forget(jarId, this.flink.address);
        const fresh = await this.upload(artifact, job);
        await this.flink.run({ ...request, jarId: fresh });
        return fresh;
      }
      throw error;
    }
  }

  /** Stops a running run whose job was deleted (cancelled), or that outlived the job's timeoutSeconds. */
  private async enforceLimits(execution: Execution): Promise<Execution | undefined> {
    if (execution.status !== 'RUNNING') return execution;
    const job = await this.jobs.findById(execution.jobId);
    if (!job) {
      return requestStop(this.executions, execution, { mode: 'cancel', drain: false, reason: 'job-deleted', requestedAt: this.clock.now() });
    }
    if (!job.timeoutSeconds) return execution;
    const elapsed = this.clock.now().getTime() - execution.createdAt.getTime();
    if (elapsed < job.timeoutSeconds * 1000) return execution;
    return requestStop(this.executions, execution, {
      mode: defaultStopMode(job, this.settings),
      drain: false,
      reason: 'timeout',
      requestedAt: this.clock.now(),
    });
  }

  /** One move of a pending stop: trigger the savepoint, watch it, or fall back to cancelling. */
  private async advanceStop(execution: Execution): Promise<Execution | undefined> {
    const request = execution.stopRequest;
    if (!request || request.cancelRequestedAt) return execution;
    if (request.mode === 'cancel') return this.cancelInstead(execution, request, 'cancel requested');

    if (!request.savepointTriggerId) {
      const job = await this.jobs.findById(execution.jobId);
      const targetDirectory = job ? savepointDirFor(job, this.settings) : this.settings.savepointDir;
      try {
        const triggerId = await this.flink.stopWithSavepoint(execution.flinkJobId, {
          drain: request.drain,
          targetDirectory,
        });
        return this.saveStopRequest(execution, { ...request, savepointTriggerId: triggerId });
      } catch (error) {
        if (errorOf(error).code === 'FLINK_UNREACHABLE') throw error;
        return this.cancelInstead(execution, request, `savepoint could not be started: ${errorOf(error).message}`);
      }
    }

    const status = await this.flink.savepointStatus(execution.flinkJobId, request.savepointTriggerId);
    if (status.kind === 'completed') {
      const saved = await this.executions.save({ ...execution, savepointPath: status.location });
      return saved ?? this.executions.findById(execution.id);
    }
    if (status.kind === 'failed') return this.cancelInstead(execution, request, `savepoint failed: ${status.cause}`);
    const waited = this.clock.now().getTime() - request.requestedAt.getTime();
    if (waited >= this.settings.stopTimeoutMs) {
      return this.cancelInstead(execution, request, `savepoint not complete after ${Math.round(waited / 1000)} s`);
    }
    return execution;
  }

  private async cancelInstead(execution: Execution, request: StopRequest, why: string): Promise<Execution | undefined> {
    await this.flink.cancel(execution.flinkJobId);
    const saved = await this.saveStopRequest(execution, { ...request, cancelRequestedAt: this.clock.now() }, why);
    return saved;
  }

  private async saveStopRequest(execution: Execution, request: StopRequest, detail?: string): Promise<Execution | undefined> {
    const history = detail
      ? [...execution.history, { status: execution.status, at: this.clock.now(), detail }]
      : execution.history;
    const saved = await this.executions.save({ ...execution, stopRequest: request, history });
    return saved ?? this.executions.findById(execution.id);
  }

  /** Records the end Flink reports, if it reports one. */
  private async settle(execution: Execution, state: FlinkJobState): Promise<void> {
    const stop = execution.stopRequest;
    switch (state.kind) {
      case 'running':
      case 'transient':
        return;
      case 'finished':
        if (stop?.reason === 'timeout') return this.endTimedOut(execution);
        if (stop?.savepointTriggerId && !execution.savepointPath) {
          // The job finished before we saw its savepoint complete: ask once more where it went.
          const status = await this.flink.savepointStatus(execution.flinkJobId, stop.savepointTriggerId);
          if (status.kind === 'completed') execution = { ...execution, savepointPath: status.location };
        }
        // A stop-with-savepoint ends the Flink job FINISHED: that is our STOPPED.
        if (stop) {
          const savepointPath = execution.savepointPath ?? undefined;
          return this.end(execution, 'STOPPED', { savepointPath, detail: savepointPath && `savepoint ${savepointPath}` });
        }
        return this.end(execution, 'SUCCEEDED');
      case 'canceled':
        if (stop?.reason === 'timeout') return this.endTimedOut(execution);
        if (stop) return this.end(execution, 'STOPPED');
        return this.end(execution, 'FAILED', {
          error: { code: 'FLINK_JOB_CANCELLED', message: 'The Flink job was cancelled outside this service' },
        });
      case 'failed': {
        const cause = await this.flink.failureCause(execution.flinkJobId).catch(() => 'Flink reported no cause');
        return this.end(execution, 'FAILED', { error: { code: 'FLINK_JOB_FAILED', message: cause } });
      }
      case 'not-found':
        if (stop) return this.end(execution, 'STOPPED', { detail: 'the Flink job is gone' });
        return this.end(execution, 'FAILED', {
          error: {
            code: 'FLINK_JOB_LOST',
            message: `Flink no longer knows job ${execution.flinkJobId} (was the JobManager restarted?)`,
          },
        });
    }
  }

  private endTimedOut(execution: Execution): Promise<void> {
    return this.end(execution, 'FAILED', {
      error: { code: 'TIMEOUT', message: 'The run exceeded its timeoutSeconds and was stopped' },
    });
  }

  /**
   * Moves a launch forward to `to`, through every launch status not reached yet, in one write; a run already at or
   * past `to` is left as it is. Undefined when the run was stopped or ended meanwhile (and that was handled).
   */
  private async advance(
    execution: Execution,
    to: ExecutionStatus,
    changes: { details?: Partial<Record<ExecutionStatus, string>>; flinkJarId?: string } = {},
  ): Promise<Execution | undefined> {
    let current: Execution | undefined = execution;
    while (current && !isTerminal(current.status)) {
      if (current.status === 'STOPPING') {
        if (!mayBeOnFlink(current)) await this.end(current, 'STOPPED', { detail: 'stopped before submission' });
        // Otherwise the stop is carried out by followUp.
        return undefined;
      }
      const from = LAUNCH_PATH.indexOf(current.status);
      const target = LAUNCH_PATH.indexOf(to);
      if (from >= target) return current;
      const now = this.clock.now();
      const moved = LAUNCH_PATH.slice(from + 1, target + 1).reduce(
        (run, status) =>
          transition(run, status, now, {
            detail: changes.details?.[status],
            flinkJarId: status === to ? changes.flinkJarId : undefined,
          }),
        current,
      );
      const saved = await this.executions.save(moved);
      if (saved) return saved;
      current = await this.executions.findById(execution.id);
    }
    return undefined;
  }

  private async end(
    execution: Execution,
    to: 'SUCCEEDED' | 'FAILED' | 'STOPPED',
    changes: { detail?: string; error?: ExecutionError; savepointPath?: string } = {},
  ): Promise<void> {
    let current: Execution | undefined = execution;
    while (current && !isTerminal(current.status)) {
      const ended = transition(current, to, this.clock.now(), changes);
      const retry = to === 'FAILED' ? await this.retryFor(ended) : undefined;
      const saved = retry ? await this.executions.saveWithRetry(ended, retry) : await this.executions.save(ended);
      if (saved) {
        this.lastContact.delete(execution.id);
        return;
      }
      current = await this.executions.findById(execution.id);
    }
  }

  /** The run that tries `failed` again after its back-off, if the job's retry policy asks for one. */
  private async retryFor(failed: Execution): Promise<Execution | undefined> {
    const job = await this.jobs.findById(failed.jobId);
    if (!job || !shouldRetry(job.retryPolicy, failed.attempt, failed.error?.code ?? null)) return undefined;
    const now = this.clock.now();
    const notBefore = new Date(now.getTime() + retryDelayMs(job.retryPolicy, failed.attempt));
    return retryExecution(failed, { id: this.ids.newId(), now, notBefore });
  }

  private async fail(executionId: string, error: ExecutionError): Promise<void> {
    const current = await this.executions.findById(executionId);
    if (!current || isTerminal(current.status)) return;
    // A failure of a run someone had asked to stop before Flink got it is just a stop.
    if (current.status === 'STOPPING' && current.stopRequest?.reason !== 'timeout' && !mayBeOnFlink(current)) {
      return this.end(current, 'STOPPED', { detail: 'stopped before submission' });
    }
    return this.end(current, 'FAILED', { error });
  }
}

function errorOf(error: unknown): ExecutionError {
  if (error instanceof ExecutionStepError) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL_ERROR', message };
}
