import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AccessControl } from '../../../../domain/ports/input/access-control.js';
import { ACCESS } from '../access/access-table.js';
import { guardRoutes } from '../access/guard.js';
import { problemFor } from '../problem.js';
import { rejectInvalid } from '../validation-hook.js';
import { consoleKey, forgetKey, login, loginPage, logout, showLogin, signedInWithCookie } from './console-access.js';
import * as handlers from './handlers.js';
import { consolePage, markup, sendPage } from './page-shell.js';
import * as plainRoutes from './routes.js';

/**
 * The web console: read-only pages of the jobs and their runs, read through the same input ports as the API and
 * guarded by the same permission table, with the key taken from the console's cookie as well. Mounted at /ui.
 */
export function createConsoleRouter(dependencies: handlers.ConsoleDependencies & { access: AccessControl }) {
  const { access } = dependencies;
  const routes = guardRoutes(plainRoutes, ACCESS.console, access, consoleKey);
  return new OpenAPIHono()
    .openapi(routes.jobsPage, handlers.jobsPage(dependencies), rejectInvalid(routes.jobsPage))
    .openapi(routes.jobPage, handlers.jobPage(dependencies), rejectInvalid(routes.jobPage))
    .openapi(routes.executionPage, handlers.executionPage(dependencies), rejectInvalid(routes.executionPage))
    .openapi(routes.stylesheet, handlers.stylesheet)
    .openapi(routes.icon, handlers.icon)
    .openapi(routes.loginPage, showLogin(access))
    .openapi(routes.login, login(access), rejectInvalid(routes.login))
    .openapi(routes.logout, logout(access))
    .onError((error, c) => pageForError(error, c, access));
}

/**
 * A refused or failed page is a page too: the key form for a missing or unknown key, else the problem's title and
 * detail. An unexpected failure goes on to the app's handler, which logs it.
 */
function pageForError(error: unknown, c: Context, access: AccessControl): Response {
  const { problem, isExpected } = problemFor(error);
  if (!isExpected) throw error;
  if (problem.status === 401) {
    for (const [name, value] of Object.entries(problem.headers ?? {})) c.header(name, value);
    const hadCookie = signedInWithCookie(c);
    if (hadCookie) forgetKey(c);
    return loginPage(c, access, hadCookie ? 'expired' : 'asked', 401);
  }
  const body = markup`<h1>${problem.title}</h1><p>${problem.detail}</p><p><a href="/ui">All jobs</a></p>`;
  return sendPage(c, consolePage({ title: problem.title, body, signOut: signedInWithCookie(c) }), problem.status);
}
