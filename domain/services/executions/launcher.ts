import { isTerminal, mayBeOnFlink, type Execution, type ExecutionStatus } from '../../entities/execution.js';
import type { Job } from '../../entities/job.js';
import type { ResolvedRun } from '../../entities/run-arguments.js';
import { executionErrorOf } from '../../errors.js';
import type { ArtifactSource, LocalArtifact } from '../../ports/output/artifact-source.js';
import type { BackgroundTasks } from '../../ports/output/background-tasks.js';
import type { Clock } from '../../ports/output/clock.js';
import type { ExecutionRepository } from '../../ports/output/execution-repository.js';
import type { FlinkCluster } from '../../ports/output/flink-cluster.js';
import type { JobRepository } from '../../ports/output/job-repository.js';
import type { ExecutionEnding } from './ending.js';
import type { HeldExecutions } from './held-executions.js';
import type { JarSubmission } from './jar-submission.js';
import { LAUNCH_PATH, uploadDetails, walkedTo, type LaunchChanges } from './launch-path.js';
import type { RestoreResolver } from './restore-resolver.js';
import type { RunArgumentResolver } from './run-argument-resolver.js';
import type { LaunchDefinition, RunDefinitions } from './run-definitions.js';

/**
 * A launch with nothing to do before the run call: the JAR is cached and Flink holds it under `jarId`. The cache
 * holds the JAR for it until the launch is done, or until `release` when the start is refused.
 */
export interface LaunchReady {
  artifact: LocalArtifact;
  jarId: string;
}

/** What a new execution brings along, so that its launch need not read it (and its job) back. */
export interface Started {
  execution: Execution;
  job?: Job;
  /** Given when the execution was stored at SUBMITTING already (see `readied`). */
  ready?: LaunchReady;
  /** What it sends to Flink, resolved when it was stored at SUBMITTING. */
  run?: ResolvedRun;
}

/**
 * Takes an execution from PENDING to RUNNING: download the JAR, upload it, run it on Flink. Each status is saved
 * before the external call it announces, so a launch cut short (a crash, an instance that died) resumes from the
 * step it was saved at, and the deterministic Flink job id makes a repeated submit harmless.
 */
export class ExecutionLauncher {
  constructor(
    private readonly jobs: JobRepository,
    private readonly executions: ExecutionRepository,
    private readonly artifacts: ArtifactSource,
    private readonly flink: FlinkCluster,
    private readonly submission: JarSubmission,
    private readonly runArguments: RunArgumentResolver,
    private readonly restores: RestoreResolver,
    private readonly definitions: RunDefinitions,
    private readonly ending: ExecutionEnding,
    private readonly held: HeldExecutions,
    private readonly tasks: BackgroundTasks,
    private readonly clock: Clock,
  ) {}

  /** Launches the execution in the background; this instance drives it from now on. */
  start(executionId: string, started?: Started): void {
    this.held.hold(executionId);
    this.tasks.run(executionId, 'launch', () => this.launch(executionId, started));
  }

  /** Whether a launch of `job` could go straight to the run call; undefined when it has a step to take first. */
  async ready(job: Job): Promise<LaunchReady | undefined> {
    // A JAR location the policy refuses is not ready: the launch itself fails it, with the reason.
    const artifact = await this.artifacts.cached(job.jarURL, job.jarSha256).catch(() => undefined);
    if (!artifact) return undefined;
    const jarId = await this.submission.uploaded(artifact).catch(() => undefined);
    if (jarId) return { artifact, jarId };
    this.artifacts.release(artifact);
    return undefined;
  }

  /** Lets go of what `ready` holds, for a start that was refused. */
  release(ready: LaunchReady): void {
    this.artifacts.release(ready.artifact);
  }

  /**
   * A new execution moved to SUBMITTING before it is first stored, when its launch is `ready`: the one write that
   * stores it also announces the run call, instead of a second write after it.
   */
  readied(execution: Execution, ready: LaunchReady, run: ResolvedRun): Execution {
    return walkedTo(execution, 'SUBMITTING', this.clock.now(), {
      details: uploadDetails(ready.artifact),
      flinkJarId: ready.jarId,
      programArgs: run.programArgs,
    });
  }

  /** Resumes the launch of an execution this instance took over, unless a launch of it is under way here. */
  resume(executionId: string): void {
    if (!this.tasks.isBusy(executionId)) this.start(executionId);
  }

  /** Takes the execution through download, upload and submit; resumes from whatever step it was saved at. */
  async launch(executionId: string, started?: Started): Promise<void> {
    if (started?.ready && started.job && started.run) {
      return this.launchReady(started.execution, started.job, started.ready, started.run);
    }
    const execution = started?.execution ?? (await this.executions.findById(executionId));
    if (!execution || isTerminal(execution.status) || execution.status === 'RUNNING') return;
    if (execution.status === 'STOPPING') {
      if (!mayBeOnFlink(execution)) await this.ending.end(execution, 'STOPPED', { detail: 'stopped before submission' });
      return;
    }
    try {
      const job = started?.job ?? (await this.jobs.findById(execution.jobId));
      if (!job) {
        const message = `Job '${execution.jobId}' was deleted before the run started`;
        await this.ending.fail(executionId, { code: 'JOB_NOT_FOUND', message });
        return;
      }
      if (execution.status === 'SUBMITTING' && (await this.reattached(execution))) return;
      // The definition of the run's own version, which a replace since the run was created does not change.
      await this.walk(execution, await this.definitions.forLaunch(execution, job));
    } catch (error) {
      await this.ending.fail(executionId, executionErrorOf(error));
    }
  }

  /** A submit may have reached Flink before a crash: look before submitting again. */
  private async reattached(execution: Execution): Promise<boolean> {
    const state = await this.flink.jobState(execution.flinkJobId);
    if (state.kind === 'not-found') return false;
    await this.advance(execution, 'RUNNING', { details: { RUNNING: 're-attached after restart' } });
    return true;
  }

  /**
   * The steps themselves. A status is saved before the external call it announces; steps that need no external
   * call (a cached JAR, a JAR Flink already has) are not separate writes: their statuses are saved with the next.
   */
  private async walk(execution: Execution, definition: LaunchDefinition): Promise<void> {
    const { job } = definition;
    let next: Execution | undefined = execution;
    let artifact = await this.artifacts.cached(job.jarURL, job.jarSha256);
    if (!artifact) {
      next = await this.advance(next, 'DOWNLOADING');
      if (!next) return;
      artifact = await this.artifacts.fetch(job.jarURL, job.jarSha256);
    }
    try {
      await this.submitArtifact(next, definition, artifact);
    } finally {
      // Held by the cache from the lookup until Flink has it: never removed to make room meanwhile.
      this.artifacts.release(artifact);
    }
  }

  /**
   * A launch stored at SUBMITTING by this process a moment ago, with the JAR held and Flink's jar id at hand: only
   * the run call is left (it cannot be on Flink yet, so there is nothing to look for first). A new run is at its
   * job's current version, so `job` is what it runs.
   */
  private async launchReady(execution: Execution, job: Job, ready: LaunchReady, run: ResolvedRun): Promise<void> {
    try {
      await this.submitArtifact(execution, { job }, ready.artifact, { jarId: ready.jarId, run });
    } catch (error) {
      await this.ending.fail(execution.id, executionErrorOf(error));
    } finally {
      this.artifacts.release(ready.artifact);
    }
  }

  /** The steps from the upload on; `known`: the jar id and the arguments of a launch `readied` a moment ago. */
  private async submitArtifact(
    execution: Execution,
    { job, detail }: LaunchDefinition,
    artifact: LocalArtifact,
    known?: { jarId: string; run: ResolvedRun },
  ): Promise<void> {
    let next: Execution | undefined = execution;
    const details = uploadDetails(artifact);
    let jarId = known?.jarId ?? (await this.submission.uploaded(artifact));
    if (!jarId) {
      next = await this.advance(next, 'UPLOADING', { details });
      if (!next) return;
      jarId = await this.submission.upload(artifact, job);
    }
    // Resolved before the write that announces the run call, which records them.
    const run = known?.run ?? (await this.runArguments.resolve(next, job));
    const restore = await this.restores.atLaunch(next, job);
    const { programArgs } = run;
    const said = [detail, restore?.detail].filter(Boolean).join('; ');
    const submitting = { ...details, ...(said && { SUBMITTING: said }) };
    next = await this.advance(next, 'SUBMITTING', { details: submitting, flinkJarId: jarId, programArgs, restoredFrom: restore?.restoredFrom });
    if (!next) return;
    const ranJarId = await this.submission.submit(next, job, jarId, artifact, run);
    await this.advance(next, 'RUNNING', { flinkJarId: ranJarId });
  }

  /**
   * Moves a launch forward to `to`, through every launch status not reached yet, in one write; an execution
   * already at or past `to` is left as it is. Undefined when it was stopped or ended meanwhile (and that was
   * handled: a stop asked for before Flink had the job ends it STOPPED; after, the follow-up carries it out).
   */
  private async advance(
    execution: Execution,
    to: ExecutionStatus,
    changes: LaunchChanges = {},
  ): Promise<Execution | undefined> {
    let current: Execution | undefined = execution;
    while (current && !isTerminal(current.status)) {
      if (current.status === 'STOPPING') {
        if (!mayBeOnFlink(current)) await this.ending.end(current, 'STOPPED', { detail: 'stopped before submission' });
        return undefined;
      }
      if (LAUNCH_PATH.indexOf(current.status) >= LAUNCH_PATH.indexOf(to)) return current;
      const saved = await this.executions.save(walkedTo(current, to, this.clock.now(), changes));
      if (saved) return saved;
      current = await this.executions.findById(execution.id);
    }
    return undefined;
  }
}
