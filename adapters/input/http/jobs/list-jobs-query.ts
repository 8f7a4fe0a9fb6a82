import { z } from '@hono/zod-openapi';
import { pageQuery } from '../pagination.js';
import { labelKey, labelValue } from './job-definition.js';

const labelSelector = z
  .string()
  .refine((value) => value.includes(':'), "must be 'key:value'")
  .transform((value) => {
    const separator = value.indexOf(':');
    return [value.slice(0, separator), value.slice(separator + 1)] as const;
  })
  .pipe(z.tuple([labelKey, labelValue]));

/** A query parameter that may be repeated: one arrives as a string, several as an array, none as []. */
export const repeatable = <Item extends z.ZodType>(item: Item) =>
  z.preprocess((value) => (value === undefined ? [] : [value].flat()), z.array(item));

/** `label=key:value`, repeated to require several labels. */
export const labelFilter = repeatable(labelSelector).openapi({
  description: '`key:value`; repeat to require several labels',
  type: 'string',
});

export const ListJobsQuerySchema = z.strictObject({
  ...pageQuery,
  label: labelFilter,
  namePrefix: z.string().max(128, 'must be at most 128 characters').optional(),
});
