import { z } from '@hono/zod-openapi';
import { EXECUTION_STATUSES as STATUSES, EXECUTION_TRIGGERS, type Execution } from '../../../../domain/entities/execution.js';
import { executionResource, iso } from '../../../../domain/entities/representations.js';
import type { ExecutionSummary } from '../../../../domain/ports/output/execution-repository.js';

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
    restoredFrom: z.string().nullable().openapi({ description: 'The savepoint the execution started from' }),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    retryOf: z.uuid().nullable().openapi({ description: 'The failed execution this one tries again' }),
    requestedBy: z.string().nullable().openapi({
      description: 'Who asked for it: the API key name, `schedule` for a tick, `retry` for an automatic retry',
    }),
    backfillId: z.uuid().nullable().openapi({ description: 'The backfill that ran this tick (and its retries)' }),
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
  .openapi('Execution');

export const ExecutionSummarySchema = z
  .object({
    id: z.uuid(),
    status: z.enum(STATUSES),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
  })
  .openapi('ExecutionSummary');

export const ExecutionListSchema = z
  .object({ executions: z.array(ExecutionSchema), nextContinuationToken: z.string().nullable() })
  .openapi('ExecutionList', {
    example: {
      executions: [
        {
          id: '8c752f91-3001-4912-952a-262aacea6668',
          jobId: '3f1c7a9e-5a3b-4f7e-9d2c-1b2a3c4d5e6f',
          trigger: 'schedule',
          attempt: 1,
          scheduledFor: '2026-11-30T18:00:00.000Z',
          status: 'RUNNING',
          flinkJobId: '8c752f9130014912952a262aacea6668',
          flinkJarId: '0b6f8a1e-4c1d-4a55-9a3e-5f2b7c9d1e0a_aggregation.jar',
          savepointPath: null,
          restoredFrom: null,
          error: null,
          retryOf: null,
          requestedBy: 'schedule',
          queuedUntil: null,
          createdAt: '2026-11-30T18:00:00.012Z',
          startedAt: '2026-11-30T18:00:00.431Z',
          endedAt: null,
          durationMs: null,
          history: [
            { status: 'PENDING', at: '2026-11-30T18:00:00.012Z' },
            { status: 'SUBMITTING', at: '2026-11-30T18:00:00.015Z' },
            { status: 'RUNNING', at: '2026-11-30T18:00:00.431Z' },
          ],
        },
      ],
      nextContinuationToken: 'eyJwIjp7ImNyZWF0ZWRBdCI6IjIwMjYtMTEtMzBUMTg6MDA6MDAuMDEyWiJ9fQ.kX0c9aQwZ2s1b3Rm',
    },
  });

/** Where to follow the execution that start, stop, retry and a schedule's trigger answer with. */
export const locationOf = (execution: Execution) => `/api/v1/executions/${execution.id}`;

/** The execution as events carry it too (see representations.ts). */
export function toExecutionResource(execution: Execution): z.infer<typeof ExecutionSchema> {
  return executionResource(execution);
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
