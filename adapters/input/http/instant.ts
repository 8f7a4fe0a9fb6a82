import { z } from '@hono/zod-openapi';

/**
 * The instants the service takes: from 1970 through year 9999. PostgreSQL refuses year 0 and RFC 3339 has no
 * year after 9999, and no schedule needs anything outside.
 */
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const RANGE = 'from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z';

/** An RFC 3339 date-time with its offset, inside the range above (after the offset is applied). */
export const storableInstant = z.iso
  .datetime({ offset: true, message: 'must be an RFC 3339 date-time such as 2026-01-31T08:00:00Z', abort: true })
  .refine((value) => {
    const at = Date.parse(value);
    return at >= EARLIEST && at <= LATEST;
  }, `must be ${RANGE}`);
