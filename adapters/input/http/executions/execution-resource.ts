import { z } from '@hono/zod-openapi';
import { EXECUTION_STATUSES as STATUSES, EXECUTION_TRIGGERS, type Execution } from '../../../../domain/entities/execution.js';
import { executionResource, iso } from '../../../../domain/entities/representations.js';
import { EXECUTION_EXAMPLE, EXECUTION_LIST_EXAMPLE, EXECUTION_SUMMARY_EXAMPLE } from './execution-examples.js';
import type { ExecutionSummary } from '../../../../domain/ports/output/execution-repository.js';
import { flinkJobPage } from '../flink-web-page.js';

export const ExecutionSchema = z
  .object({
    id: z.uuid(),
    jobId: z.uuid(),
    trigger: z.enum(EXECUTION_TRIGGERS),
    attempt: z.number().int(),
    scheduledFor: z.string().nullable().openapi({
      description:
        "The instant the execution is for, where its data interval ends: a scheduled execution's tick; for a manual " +
        'one the `scheduledFor` it was started with, else its start time; for a retry, that of the execution it retries',
      example: '2026-11-30T00:00:00.000Z',
    }),
    status: z.enum(STATUSES),
    flinkJobId: z.string().nullable().openapi({ description: 'Set once the execution was submitted to Flink' }),
    flinkJarId: z.string().nullable(),
    programArgs: z
      .array(z.string())
      .nullable()
      .openapi({
        description: 'The program arguments sent to Flink, placeholders resolved; set once the execution is SUBMITTING',
        example: ['--date', '2026-11-29', '--output', 's3://lake/orders/2026-11-29'],
      }),
    savepointPath: z.string().nullable().openapi({ description: 'The savepoint the execution was stopped with' }),
    restoredFrom: z
      .string()
      .nullable()
      .openapi({ description: 'The savepoint or retained checkpoint the execution started from (its history says which strategy picked it)' }),
    restoredFromKind: z.enum(['savepoint', 'checkpoint']).nullable().openapi({ description: 'What `restoredFrom` is' }),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    retryOf: z.uuid().nullable().openapi({ description: 'The failed execution this one tries again' }),
    requestedBy: z.string().nullable().openapi({
      description: 'Who asked for it: the API key name, `schedule` for a tick, `retry` for an automatic retry',
    }),
    backfillId: z.uuid().nullable().openapi({ description: 'The backfill that ran this tick (and its retries)' }),
    jobVersion: z.number().int().nullable().openapi({
      example: 3,
      description:
        "The job's version when the execution was created (a retry keeps that of the execution it retries); null for " +
        'executions from before versions were kept',
    }),
    upgradeOf: z.uuid().nullable().openapi({
      description:
        'With trigger `upgrade`: the execution an upgrade replaced with this one, or for a rollback the failed execution of the new version',
    }),
    flinkWebUrl: z.string().nullable().openapi({
      example: 'http://flink:8081/#/job/running/8c752f9130014912952a262aacea6668/overview',
      description: "The Flink job's page in the JobManager's web UI (under running, or completed once the execution ended), once the execution has a Flink job id",
    }),
    queuedUntil: z
      .string()
      .nullable()
      .openapi({ description: 'While QUEUED for a retry back-off: the earliest start' }),
    deadlineAt: z
      .string()
      .nullable()
      .openapi({ example: '2026-11-24T04:00:00.000Z', description: "A scheduled run's tick plus its schedule's deadlineSeconds" }),
    deadlineMissed: z.boolean().openapi({ example: false, description: 'It had not finished by deadlineAt' }),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    durationMs: z.number().int().nullable(),
    history: z.array(z.object({ status: z.enum(STATUSES), at: z.string(), detail: z.string().optional() })),
  })
  .openapi('Execution', { example: EXECUTION_EXAMPLE });

export const ExecutionSummarySchema = z
  .object({
    id: z.uuid(),
    status: z.enum(STATUSES),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
  })
  .openapi('ExecutionSummary', { example: EXECUTION_SUMMARY_EXAMPLE });

export const ExecutionListSchema = z
  .object({ executions: z.array(ExecutionSchema), nextContinuationToken: z.string().nullable() })
  .openapi('ExecutionList', { example: EXECUTION_LIST_EXAMPLE });

/** Where to follow the execution that start, stop, retry and a schedule's trigger answer with. */
export const locationOf = (execution: Execution) => `/api/v1/executions/${execution.id}`;

/** How the API shows an execution: as events carry it (see representations.ts), with its page in Flink's web UI. */
export type ExecutionRepresentation = (execution: Execution) => z.infer<typeof ExecutionSchema>;

/** `flinkWebUrl`: FLINK_WEB_URL, else the Flink REST URL (the JobManager serves both). */
export function executionRepresentation(flinkWebUrl: string): ExecutionRepresentation {
  return (execution) => {
    const resource = executionResource(execution);
    // Added to the fresh object rather than spread into a new one (see toJobResource): a spread of its 25 fields is slow.
    return Object.assign(resource, { flinkWebUrl: resource.flinkJobId ? flinkJobPage(flinkWebUrl, execution) : null });
  };
}

export function toExecutionSummary(summary: ExecutionSummary): z.infer<typeof ExecutionSummarySchema> {
  return {
    id: summary.id,
    status: summary.status,
    createdAt: summary.createdAt.toISOString(),
    startedAt: iso(summary.startedAt),
    endedAt: iso(summary.endedAt),
  };
}
