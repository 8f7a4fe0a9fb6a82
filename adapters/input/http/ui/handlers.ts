import type { RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { JobNotFoundError } from '../../../../domain/errors.js';
import type { Job } from '../../../../domain/entities/job.js';
import type { JobExecutions } from '../../../../domain/ports/input/job-executions.js';
import type { JobViews } from '../../../../domain/ports/input/job-views.js';
import type { ContinuationTokens } from '../continuation-token.js';
import { readExecutionPage } from '../executions/execution-page.js';
import { readJobPage } from '../jobs/job-page.js';
import { signedInWithCookie } from './console-access.js';
import { executionBody } from './execution-view.js';
import { jobBody, jobListBody } from './job-views.js';
import { consolePage, sendPage } from './page-shell.js';
import type * as routes from './routes.js';
import { CONSOLE_ICON, CONSOLE_STYLESHEET } from './stylesheet.js';

/** What the console reads through, the same input ports the API reads through, and what it links to. */
export interface ConsoleDependencies {
  jobViews: JobViews;
  jobExecutions: Pick<JobExecutions, 'getExecution' | 'listExecutions'>;
  pageTokens: ContinuationTokens;
  /** Flink's web UI as a browser reaches it. */
  flinkWebUrl: string;
  now: () => Date;
}

export function jobsPage({ jobViews, pageTokens }: ConsoleDependencies): RouteHandler<typeof routes.jobsPage> {
  return async (c) => {
    const query = c.req.valid('query');
    const page = await readJobPage(jobViews, pageTokens, query);
    const body = jobListBody(page.jobs, page.nextContinuationToken, query.continuationToken !== undefined);
    return sendPage(c, consolePage({ title: 'Jobs', body, refresh: true, signOut: signedInWithCookie(c) }));
  };
}

export function jobPage(dependencies: ConsoleDependencies): RouteHandler<typeof routes.jobPage> {
  const { jobViews, jobExecutions, pageTokens, now } = dependencies;
  return async (c) => {
    const { id } = c.req.valid('param');
    const query = c.req.valid('query');
    const view = await jobViews.getJobView(id);
    const page = await readExecutionPage(jobExecutions, pageTokens, view.job.id, query);
    const body = jobBody({ view, ...page, onLaterPage: query.continuationToken !== undefined, now: now() });
    return sendPage(c, consolePage({ title: view.job.name, body, refresh: true, signOut: signedInWithCookie(c) }));
  };
}

export function executionPage(dependencies: ConsoleDependencies): RouteHandler<typeof routes.executionPage> {
  const { jobViews, jobExecutions, flinkWebUrl } = dependencies;
  return async (c) => {
    const execution = await jobExecutions.getExecution(c.req.valid('param').executionId);
    const job = await jobViews.getJobView(execution.jobId).then(
      (view): Job | null => view.job,
      (error: unknown) => {
        if (error instanceof JobNotFoundError) return null;
        throw error;
      },
    );
    const body = executionBody({ execution, job, flinkWebUrl });
    return sendPage(c, consolePage({ title: `Run ${execution.id.slice(0, 8)}`, body, refresh: true, signOut: signedInWithCookie(c) }));
  };
}

/** A file the pages load: cached for a while, never sniffed as something else. */
function pageFile(contentType: string, body: string) {
  return (c: Context) => {
    c.header('Content-Type', contentType);
    c.header('Cache-Control', 'public, max-age=300');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(body, 200);
  };
}

export const stylesheet: RouteHandler<typeof routes.stylesheet> = pageFile('text/css; charset=utf-8', CONSOLE_STYLESHEET);
export const icon: RouteHandler<typeof routes.icon> = pageFile('image/svg+xml', CONSOLE_ICON);
