import { setTimeout as delay } from 'node:timers/promises';
import ky, { HTTPError, TimeoutError, type KyInstance, type Options } from 'ky';
import type { ExceptionHistory } from '../../../domain/entities/flink-exception.js';
import { FlinkError } from '../../../domain/errors.js';
import type { JobPlan } from '../../../domain/entities/job-plan.js';
import type {
  ClusterOverview,
  FlinkCluster,
  FlinkJobState,
  PlanRequest,
  RunRequest,
  SavepointStatus,
} from '../../../domain/ports/output/flink-cluster.js';
import type { RestorePoint } from '../../../domain/entities/restore.js';
import { retainedSnapshotOf, type CheckpointingStatisticsBody } from './flink-checkpoints.js';
import { causeOfErrorBody, causeOfJobExceptions, isDuplicateSubmission } from './flink-errors.js';
import { exceptionHistoryOf } from './flink-exception-history.js';
import { jarUploadFetch } from './flink-jar-upload.js';
import { jobPlanOf, type JarPlanBody } from './flink-plan.js';
import { jarProgramBody, jarRunBody } from './flink-run-request.js';
import { jobStateOf, savepointStatusOf, type SavepointStatusBody } from './flink-states.js';

export interface FlinkRestClusterOptions {
  /** The JobManager's REST endpoint, e.g. `http://flink-jobmanager:8081`. */
  baseUrl: string;
  /** Per call; default 10 s. */
  requestTimeoutMs?: number;
  /** For a whole JAR upload; default 10 min. */
  uploadTimeoutMs?: number;
  /** For a run: Flink answers once the JAR's main() has submitted the job; default 60 s. */
  submitTimeoutMs?: number;
  /** Retries of GET calls only; default 2. Nothing that changes the cluster is retried. */
  retries?: number;
  /** Flink's `rest.cache.checkpoint-statistics.timeout` (else `web.refresh-interval`); default 3 s, as in Flink. */
  checkpointStatisticsCacheMs?: number;
}

/** A call Flink answered: its body, or the status and the cause it gave for refusing. */
type Answer<T> = { ok: true; body: T } | { ok: false; call: string; status: number; cause: string };

/** A Flink session cluster through the JobManager's REST API (Flink 1.20 and 2.x). */
export class FlinkRestCluster implements FlinkCluster {
  readonly address: string;
  private readonly http: KyInstance;
  private readonly limits: Required<Omit<FlinkRestClusterOptions, 'baseUrl' | 'retries'>>;
  /** The cluster's version, read once; forgotten when the JobManager cannot be reached (it may come back upgraded). */
  private version: Promise<string> | undefined;

  constructor(options: FlinkRestClusterOptions) {
    this.address = options.baseUrl.replace(/\/+$/, '');
    this.limits = {
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      uploadTimeoutMs: options.uploadTimeoutMs ?? 600_000,
      submitTimeoutMs: options.submitTimeoutMs ?? 60_000,
      checkpointStatisticsCacheMs: options.checkpointStatisticsCacheMs ?? 3_000,
    };
    const retry = { limit: options.retries ?? 2, methods: ['get'] };
    this.http = ky.create({ prefixUrl: this.address, timeout: this.limits.requestTimeoutMs, retry });
  }

  async overview(): Promise<ClusterOverview> {
    const body = await this.get<{ 'flink-version': string; 'slots-available': number }>('overview');
    return { version: body['flink-version'], slotsAvailable: body['slots-available'] };
  }

  async uploadJar(artifactPath: string, fileName: string): Promise<string> {
    const send = await jarUploadFetch(artifactPath, fileName).catch((error: unknown) => {
      throw new FlinkError('FLINK_REQUEST_FAILED', `The JAR to upload cannot be read: ${messageOf(error)}`, { cause: error });
    });
    const answer = await this.call<{ filename: string }>('POST', 'jars/upload', {
      fetch: send,
      timeout: this.limits.uploadTimeoutMs,
      retry: 0,
    });
    if (!answer.ok) throw requestFailed(answer);
    // `filename` is where the JobManager stored the file; its last segment is the id the other /jars calls take.
    const jarId = answer.body.filename.split(/[/\\]/).pop();
    if (!jarId) throw new FlinkError('FLINK_REQUEST_FAILED', `Flink answered the upload without a file name`);
    return jarId;
  }

  async hasJar(jarId: string): Promise<boolean> {
    const body = await this.get<{ files: { id: string }[] }>('jars');
    return body.files.some((file) => file.id === jarId);
  }

  async deleteJar(jarId: string): Promise<void> {
    const answer = await this.call('DELETE', `jars/${encodeURIComponent(jarId)}`);
    // Flink says 400 "File ... does not exist" for a JAR that is gone: the outcome wanted.
    if (answer.ok || answer.status === 404 || /does not exist/.test(answer.cause)) return;
    throw requestFailed(answer);
  }

  async run(request: RunRequest): Promise<string> {
    const body = jarRunBody(request, await this.flinkVersion());
    const answer = await this.call<{ jobid: string }>('POST', `jars/${encodeURIComponent(request.jarId)}/run`, {
      json: body,
      timeout: this.limits.submitTimeoutMs,
    });
    if (answer.ok) return answer.body.jobid;
    // The job id is deterministic: a refusal as a duplicate means an earlier attempt got through.
    if (isDuplicateSubmission(answer.cause)) return request.jobId;
    throw new FlinkError('FLINK_SUBMIT_FAILED', answer.cause);
  }

  /** Flink answers once main() has built the graph (or thrown): given as long as a run's submit. */
  async plan(request: PlanRequest): Promise<JobPlan> {
    const json = jarProgramBody(request, await this.flinkVersion());
    const path = `jars/${encodeURIComponent(request.jarId)}/plan`;
    const answer = await this.call<JarPlanBody>('POST', path, { json, timeout: this.limits.submitTimeoutMs });
    if (!answer.ok) throw new FlinkError('FLINK_SUBMIT_FAILED', answer.cause);
    return jobPlanOf(answer.body);
  }

  async jobState(flinkJobId: string): Promise<FlinkJobState> {
    const answer = await this.call<{ state: string }>('GET', `jobs/${encodeURIComponent(flinkJobId)}`);
    if (answer.ok) return jobStateOf(answer.body.state);
    if (answer.status === 404) return { kind: 'not-found' };
    throw requestFailed(answer);
  }

  async failureCause(flinkJobId: string): Promise<string> {
    const body = await this.get<unknown>(`jobs/${encodeURIComponent(flinkJobId)}/exceptions`);
    return causeOfJobExceptions(body) ?? `Flink recorded no exception for job ${flinkJobId}`;
  }

  async exceptionHistory(flinkJobId: string, maxExceptions: number): Promise<ExceptionHistory | undefined> {
    const answer = await this.call('GET', `jobs/${encodeURIComponent(flinkJobId)}/exceptions`, { searchParams: { maxExceptions } });
    if (answer.ok) return exceptionHistoryOf(answer.body);
    if (answer.status === 404) return undefined;
    throw requestFailed(answer);
  }

  /** Resolves once Flink has the request, and also when the job has ended or is gone: either way it is not running. */
  async cancel(flinkJobId: string): Promise<void> {
    const answer = await this.call('PATCH', `jobs/${encodeURIComponent(flinkJobId)}`, {
      searchParams: { mode: 'cancel' },
    });
    // 409: "the job has already reached another terminal state"; 404: Flink no longer knows the job.
    if (answer.ok || answer.status === 409 || answer.status === 404) return;
    throw requestFailed(answer);
  }

  async stopWithSavepoint(
    flinkJobId: string,
    options: { drain: boolean; targetDirectory: string | null },
  ): Promise<string> {
    const json = options.targetDirectory
      ? { drain: options.drain, targetDirectory: options.targetDirectory }
      : { drain: options.drain };
    const answer = await this.call<{ 'request-id': string }>('POST', `jobs/${encodeURIComponent(flinkJobId)}/stop`, {
      json,
    });
    if (!answer.ok) throw requestFailed(answer);
    return answer.body['request-id'];
  }

  async triggerSavepoint(flinkJobId: string, options: { targetDirectory: string }): Promise<string> {
    const answer = await this.call<{ 'request-id': string }>('POST', `jobs/${encodeURIComponent(flinkJobId)}/savepoints`, {
      json: { 'target-directory': options.targetDirectory, 'cancel-job': false },
    });
    if (!answer.ok) throw requestFailed(answer);
    return answer.body['request-id'];
  }

  async savepointStatus(flinkJobId: string, triggerId: string): Promise<SavepointStatus> {
    const path = `jobs/${encodeURIComponent(flinkJobId)}/savepoints/${encodeURIComponent(triggerId)}`;
    return savepointStatusOf(await this.get<SavepointStatusBody>(path));
  }

  async retainedSnapshot(flinkJobId: string, endedAt?: Date | null): Promise<RestorePoint | undefined> {
    // Statistics cached while the job ran name a checkpoint its last one subsumed (and deleted), not the one kept.
    const stale = endedAt ? endedAt.getTime() + this.limits.checkpointStatisticsCacheMs - Date.now() : 0;
    if (stale > 0) await delay(stale);
    const answer = await this.call<CheckpointingStatisticsBody>('GET', `jobs/${encodeURIComponent(flinkJobId)}/checkpoints`);
    if (answer.ok) return retainedSnapshotOf(answer.body);
    // Gone from the JobManager (restarted, or past jobstore.expiration-time): its checkpoints cannot be found here.
    if (answer.status === 404) return undefined;
    throw requestFailed(answer);
  }

  private flinkVersion(): Promise<string> {
    if (!this.version) {
      const reading = this.get<{ 'flink-version': string }>('config').then((config) => config['flink-version']);
      this.version = reading;
      reading.catch(() => {
        if (this.version === reading) this.version = undefined;
      });
    }
    return this.version;
  }

  private async get<T>(path: string): Promise<T> {
    const answer = await this.call<T>('GET', path);
    if (!answer.ok) throw requestFailed(answer);
    return answer.body;
  }

  /** One REST call. Throws FLINK_UNREACHABLE when no answer came; an answer, refusals included, is returned. */
  private async call<T = unknown>(method: string, path: string, options: Options = {}): Promise<Answer<T>> {
    const call = `${method} /${path}`;
    try {
      const body = await this.http(path, { method, ...options }).json<T>();
      return { ok: true, body };
    } catch (error) {
      if (error instanceof HTTPError) {
        const text = await error.response.text().catch(() => '');
        const cause = causeOfErrorBody(text) ?? error.response.statusText;
        return { ok: false, call, status: error.response.status, cause };
      }
      const reason = unreachableReason(error, Number(options.timeout ?? this.limits.requestTimeoutMs));
      if (reason === undefined) {
        throw new FlinkError('FLINK_REQUEST_FAILED', `${call} on Flink at ${this.address} failed: ${messageOf(error)}`, {
          cause: error,
        });
      }
      this.version = undefined;
      throw new FlinkError('FLINK_UNREACHABLE', `Flink JobManager at ${this.address} is unreachable (${call}: ${reason})`, {
        cause: error,
      });
    }
  }
}

function requestFailed(answer: { call: string; status: number; cause: string }): FlinkError {
  return new FlinkError('FLINK_REQUEST_FAILED', `Flink answered ${answer.call} with ${answer.status}: ${answer.cause}`);
}

/**
 * Why no answer came, or undefined when the failure is not about reaching Flink. fetch rejects with a TypeError
 * carrying the cause when it got no HTTP answer: connection refused or reset, DNS, a port fetch blocks...
 */
function unreachableReason(error: unknown, timeoutMs: number): string | undefined {
  if (error instanceof TimeoutError) return `no answer within ${timeoutMs} ms`;
  if (error instanceof TypeError && error.cause instanceof Error) {
    // Connecting to a name with several addresses fails with an AggregateError that has a code but no message.
    const { message, code } = error.cause as Error & { code?: unknown };
    return message || (typeof code === 'string' ? code : 'no connection');
  }
  return undefined;
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
