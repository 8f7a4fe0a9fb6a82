import { z } from '@hono/zod-openapi';
import type { Execution, ExecutionStatus } from '../../../../domain/entities/execution.js';
import type { ExecutionPage, JobExecutions } from '../../../../domain/ports/input/job-executions.js';
import type { ContinuationTokens } from '../continuation-token.js';
import { storableInstant } from '../instant.js';

export const PagePosition = z.object({ createdAt: storableInstant.transform((value) => new Date(value)), id: z.uuid() });

export interface ExecutionPageQuery {
  limit: number;
  continuationToken?: string;
  status?: ExecutionStatus;
}

/**
 * A page of a job's runs, newest first, and the signed token of the next page (null on the last): the API's list
 * and the web console's job page the same way, so a token of one serves the other.
 */
export async function readExecutionPage(
  jobExecutions: Pick<JobExecutions, 'listExecutions'>,
  pageTokens: ContinuationTokens,
  jobId: string,
  query: ExecutionPageQuery,
): Promise<{ executions: Execution[]; nextContinuationToken: string | null }> {
  const filters = { jobId, status: query.status ?? null };
  const after = query.continuationToken ? pageTokens.decode(query.continuationToken, filters, PagePosition) : undefined;
  const page = await jobExecutions.listExecutions(jobId, { limit: query.limit, after, status: query.status });
  return withNextToken(page, pageTokens, filters);
}

/** The page with the signed token of the next page under the same filters (null on the last). */
export function withNextToken(
  page: ExecutionPage,
  pageTokens: ContinuationTokens,
  filters: unknown,
): { executions: Execution[]; nextContinuationToken: string | null } {
  const nextContinuationToken = page.next
    ? pageTokens.encode({ createdAt: page.next.createdAt.toISOString(), id: page.next.id }, filters)
    : null;
  return { executions: page.executions, nextContinuationToken };
}
