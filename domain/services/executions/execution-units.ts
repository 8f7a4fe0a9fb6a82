import type { CronTicks } from '../../entities/schedule.js';
import type { ArtifactSource } from '../../ports/output/artifact-source.js';
import type { BackgroundTasks } from '../../ports/output/background-tasks.js';
import type { Clock } from '../../ports/output/clock.js';
import type { ExecutionRepository } from '../../ports/output/execution-repository.js';
import type { FlinkCluster } from '../../ports/output/flink-cluster.js';
import type { IdGenerator } from '../../ports/output/id-generator.js';
import type { JarUploadRegistry } from '../../ports/output/jar-upload-registry.js';
import type { JobRepository } from '../../ports/output/job-repository.js';
import type { JobVersionRepository } from '../../ports/output/job-version-repository.js';
import type { SavepointFiles } from '../../ports/output/savepoint-files.js';
import type { SavepointRepository } from '../../ports/output/savepoint-repository.js';
import type { ScheduleRepository } from '../../ports/output/schedule-repository.js';
import type { UnitOfWork } from '../../ports/output/unit-of-work.js';
import { AuditedChanges } from '../change-records.js';
import { SavepointCatalog } from '../savepoints/savepoint-catalog.js';
import { SavepointService } from '../savepoints/savepoint-service.js';
import { SavepointTracker } from '../savepoints/savepoint-tracker.js';
import { ExecutionEnding } from './ending.js';
import { ExecutionQueue } from './execution-queue.js';
import { ExecutionService } from './execution-service.js';
import type { ExecutionSettings } from './execution-settings.js';
import { ExecutionFollower } from './follower.js';
import { HeldExecutions } from './held-executions.js';
import { JarSubmission } from './jar-submission.js';
import { ExecutionLauncher } from './launcher.js';
import { ExecutionLeaseRound } from './lease-round.js';
import { PlanCheck } from './plan-check.js';
import { ExecutionRetries } from './retries.js';
import { RestoreResolver } from './restore-resolver.js';
import { RunArgumentResolver } from './run-argument-resolver.js';
import { RunDefinitions } from './run-definitions.js';
import { ScheduledRunOutcomes } from './scheduled-run-outcomes.js';
import { StopRules } from './stop-rules.js';
import { UpgradeSteps } from '../upgrades/upgrade-steps.js';

/** The output ports the execution units work through. */
export interface ExecutionPorts {
  jobs: JobRepository;
  /** The definitions a job had: a run launches the one of its own version. */
  versions: JobVersionRepository;
  executions: ExecutionRepository;
  schedules: ScheduleRepository;
  unitOfWork: UnitOfWork;
  artifacts: ArtifactSource;
  flink: FlinkCluster;
  uploads: JarUploadRegistry;
  tasks: BackgroundTasks;
  clock: Clock;
  ids: IdGenerator;
  /** The schedule's ticks, for the data interval of a run's placeholders. */
  cron: CronTicks;
  savepoints: SavepointRepository;
  savepointFiles: SavepointFiles;
}

/**
 * Builds the execution units once, each with what it needs, for one process: the launcher, the follower and the
 * lease round share what this instance holds, so there must be one of each.
 */
export function createExecutionUnits(ports: ExecutionPorts, settings: ExecutionSettings) {
  const { jobs, executions, schedules, unitOfWork, artifacts, flink, uploads, tasks, clock, ids, cron, savepoints } = ports;
  const held = new HeldExecutions();
  const definitions = new RunDefinitions(ports.versions);
  const changes = new AuditedChanges(unitOfWork, clock, ids);
  const retries = new ExecutionRetries(jobs, executions, clock, ids);
  const scheduledRuns = new ScheduledRunOutcomes(executions, unitOfWork, clock);
  const ending = new ExecutionEnding(executions, retries, clock, scheduledRuns);
  const catalog = new SavepointCatalog(jobs, executions, savepoints, ports.savepointFiles, unitOfWork, clock, ids);
  const tracker = new SavepointTracker(jobs, definitions, savepoints, catalog, flink, clock, settings, cron);
  const stops = new StopRules(jobs, definitions, executions, flink, clock, settings, savepoints, catalog, unitOfWork);
  const submission = new JarSubmission(flink, uploads, clock);
  const runArguments = new RunArgumentResolver(schedules, cron);
  const restores = new RestoreResolver(executions, flink, savepoints);
  const launcher = new ExecutionLauncher(jobs, executions, artifacts, flink, submission, runArguments, restores, definitions, ending, held, tasks, clock);
  const follower = new ExecutionFollower(executions, flink, stops, ending, held, tasks, clock, settings, scheduledRuns, tracker);
  return {
    launcher,
    follower,
    service: new ExecutionService(jobs, executions, schedules, changes, launcher, runArguments, follower, stops, retries, restores, clock, ids),
    queue: new ExecutionQueue(jobs, executions, stops, launcher, follower, clock, tasks),
    leases: new ExecutionLeaseRound(executions, held, launcher, follower, tasks),
    // The same JarSubmission as the launcher's: a check reuses the upload a run made, and the other way round.
    plans: new PlanCheck(jobs, artifacts, submission, runArguments, clock),
    savepoints: new SavepointService(jobs, executions, savepoints, catalog, tracker, changes, settings),
    definitions,
    // Upgrades launch their runs here, and this instance drives them from then on.
    upgrades: new UpgradeSteps(unitOfWork, flink, (executionId) => launcher.start(executionId), clock, ids, settings),
  };
}

export type ExecutionUnits = ReturnType<typeof createExecutionUnits>;
