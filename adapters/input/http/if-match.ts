import { HttpProblem } from './problem.js';

/** The job version an If-Match names: `"3"` (or weak `W/"3"`) names version 3; `*` matches any existing job. */
export function expectedVersion(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(ifMatch);
  if (!match) {
    throw new HttpProblem({
      status: 400,
      code: 'INVALID_IF_MATCH',
      title: 'Invalid If-Match header',
      detail: `If-Match must be an ETag returned by this service, such as "1", got '${ifMatch}'`,
    });
  }
  return Number(match[1]);
}
