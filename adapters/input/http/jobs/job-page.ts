import { z } from '@hono/zod-openapi';
import type { JobView, JobViews } from '../../../../domain/ports/input/job-views.js';
import type { ContinuationTokens } from '../continuation-token.js';

const PagePosition = z.object({ name: z.string(), id: z.uuid() });

export interface JobPageQuery {
  limit: number;
  continuationToken?: string;
  labels?: Record<string, string>;
  namePrefix?: string;
}

/**
 * A page of jobs as read, and the signed token of the next page (null on the last): the API's list and the web
 * console's job list page the same way, so a token of one serves the other.
 */
export async function readJobPage(
  jobViews: JobViews,
  pageTokens: ContinuationTokens,
  query: JobPageQuery,
): Promise<{ jobs: JobView[]; nextContinuationToken: string | null }> {
  const labels = query.labels ?? {};
  const filters = { labels: Object.entries(labels).sort(), namePrefix: query.namePrefix ?? null };
  const after = query.continuationToken ? pageTokens.decode(query.continuationToken, filters, PagePosition) : undefined;
  const page = await jobViews.listJobViews({ limit: query.limit, after, labels, namePrefix: query.namePrefix });
  return { jobs: page.jobs, nextContinuationToken: page.next ? pageTokens.encode(page.next, filters) : null };
}
