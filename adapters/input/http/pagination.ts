import { z } from '@hono/zod-openapi';

const LIMIT_MESSAGE = 'must be an integer from 1 to 200, in decimal digits';
const DECIMAL_DIGITS = /^[0-9]+$/;

/** The query parameters every list shares: a page size and the token of the page to continue from. */
export const pageQuery = {
  // Plain digits only: Number() would also read '0x10', ' 5', '1e1' and '+5'.
  limit: z
    .preprocess(
      (value) => (typeof value === 'string' && DECIMAL_DIGITS.test(value) ? Number(value) : value),
      z.number({ message: LIMIT_MESSAGE }).int(LIMIT_MESSAGE).min(1, LIMIT_MESSAGE).max(200, LIMIT_MESSAGE),
    )
    .default(50),
  continuationToken: z.string().optional(),
};
