import { z } from '@hono/zod-openapi';
import { mayBeOnFlink } from '../../../../domain/entities/execution.js';
import { iso } from '../../../../domain/entities/representations.js';
import type { FlinkException } from '../../../../domain/entities/flink-exception.js';
import type { RunExceptions } from '../../../../domain/ports/input/execution-exceptions.js';
import { EXECUTION_EXCEPTIONS_EXAMPLE } from './exception-examples.js';

const exceptionFields = {
  timestamp: z.string().nullable().openapi({ format: 'date-time', description: 'When Flink recorded it' }),
  exceptionName: z.string().nullable().openapi({ description: 'The Java class Flink recorded' }),
  message: z.string().openapi({ description: 'The innermost cause, `class: message`, as run errors give it' }),
  taskName: z.string().nullable().openapi({ description: 'The subtask that failed; null for a failure of the whole job' }),
  location: z.string().nullable().openapi({ description: "The TaskManager's host:port" }),
  taskManagerId: z.string().nullable(),
  failureLabels: z.record(z.string(), z.string()),
  stacktrace: z.string().nullable().openapi({ description: 'The Java stack trace, cut at 16384 characters' }),
  stacktraceTruncated: z.boolean(),
};

const ConcurrentExceptionSchema = z.object(exceptionFields);

export const ExecutionExceptionsSchema = z
  .object({
    executionId: z.uuid(),
    flinkJobId: z.string().nullable(),
    exceptions: z
      .array(z.object({ ...exceptionFields, concurrent: z.array(ConcurrentExceptionSchema) }))
      .openapi({ description: 'Newest first; each with the failures its restart handled together' }),
    truncated: z.boolean().openapi({ description: 'Flink keeps older exceptions than these' }),
    note: z.string().nullable().openapi({
      description: 'Why the list is empty without asking Flink: not submitted yet, or Flink no longer keeps the job',
    }),
  })
  .openapi('ExecutionExceptions', { example: EXECUTION_EXCEPTIONS_EXAMPLE });

export function toExecutionExceptions(run: RunExceptions): z.infer<typeof ExecutionExceptionsSchema> {
  return {
    executionId: run.execution.id,
    flinkJobId: mayBeOnFlink(run.execution) ? run.execution.flinkJobId : null,
    exceptions: run.exceptions.map(({ concurrent, ...exception }) => ({
      ...fieldsOf(exception),
      concurrent: concurrent.map(fieldsOf),
    })),
    truncated: run.truncated,
    note: run.note,
  };
}

function fieldsOf(exception: Omit<FlinkException, 'concurrent'>): z.infer<typeof ConcurrentExceptionSchema> {
  return { ...exception, timestamp: iso(exception.timestamp) };
}
