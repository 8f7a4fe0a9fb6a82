import { z } from '@hono/zod-openapi';

const LIMIT_MESSAGE = 'must be an integer from 1 to 200';

/** The query parameters every list shares: a page size and the token of the page to continue from. */
export const pageQuery = {
  limit: z.coerce.number({ message: LIMIT_MESSAGE }).int(LIMIT_MESSAGE).min(1, LIMIT_MESSAGE).max(200, LIMIT_MESSAGE).default(50),
  continuationToken: z.string().optional(),
};
