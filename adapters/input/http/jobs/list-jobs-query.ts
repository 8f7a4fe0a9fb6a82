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

export const ListJobsQuerySchema = z.strictObject({
  ...pageQuery,
  // One `label=` arrives as a string, several as an array.
  label: z
    .preprocess((value) => (value === undefined ? [] : [value].flat()), z.array(labelSelector))
    .openapi({ description: '`key:value`; repeat to require several labels', type: 'string' }),
  namePrefix: z.string().max(128, 'must be at most 128 characters').optional(),
});
