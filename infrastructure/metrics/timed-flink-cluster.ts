import type { Histogram } from 'prom-client';
import { ExecutionStepError } from '../../domain/errors.js';
import type { FlinkCluster } from '../../domain/ports/output/flink-cluster.js';

/**
 * `cluster` with each call timed into `histogram`, labelled with the operation and its outcome: `ok`, or the
 * FlinkError's code (FLINK_UNREACHABLE, FLINK_SUBMIT_FAILED, FLINK_REQUEST_FAILED). A wrapper around the port, so
 * the REST client stays about Flink and the domain about runs; every client (runs, health probe) is timed alike.
 */
export function timeFlinkRequests(cluster: FlinkCluster, histogram: Histogram<'operation' | 'outcome'>): FlinkCluster {
  const timed =
    <A extends unknown[], R>(operation: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const stop = histogram.startTimer({ operation });
      try {
        const result = await call(...args);
        stop({ outcome: 'ok' });
        return result;
      } catch (error) {
        stop({ outcome: error instanceof ExecutionStepError ? error.code : 'error' });
        throw error;
      }
    };
  return {
    address: cluster.address,
    overview: timed('overview', () => cluster.overview()),
    uploadJar: timed('upload_jar', (path: string, fileName: string) => cluster.uploadJar(path, fileName)),
    hasJar: timed('has_jar', (jarId: string) => cluster.hasJar(jarId)),
    deleteJar: timed('delete_jar', (jarId: string) => cluster.deleteJar(jarId)),
    run: timed('run', (request: Parameters<FlinkCluster['run']>[0]) => cluster.run(request)),
    plan: timed('plan', (request: Parameters<FlinkCluster['plan']>[0]) => cluster.plan(request)),
    jobState: timed('job_state', (flinkJobId: string) => cluster.jobState(flinkJobId)),
    failureCause: timed('failure_cause', (flinkJobId: string) => cluster.failureCause(flinkJobId)),
    exceptionHistory: timed('exception_history', (flinkJobId: string, max: number) => cluster.exceptionHistory(flinkJobId, max)),
    cancel: timed('cancel', (flinkJobId: string) => cluster.cancel(flinkJobId)),
    stopWithSavepoint: timed('stop_with_savepoint', (flinkJobId: string, options: Parameters<FlinkCluster['stopWithSavepoint']>[1]) =>
      cluster.stopWithSavepoint(flinkJobId, options),
    ),
    triggerSavepoint: timed('trigger_savepoint', (flinkJobId: string, options: Parameters<FlinkCluster['triggerSavepoint']>[1]) =>
      cluster.triggerSavepoint(flinkJobId, options),
    ),
    savepointStatus: timed('savepoint_status', (flinkJobId: string, triggerId: string) => cluster.savepointStatus(flinkJobId, triggerId)),
    retainedSnapshot: timed('retained_snapshot', (flinkJobId: string, endedAt?: Date | null) => cluster.retainedSnapshot(flinkJobId, endedAt)),
  };
}
