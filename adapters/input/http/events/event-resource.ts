import { z } from '@hono/zod-openapi';
import { cloudEvent, EVENT_TYPES, type StoredEvent } from '../../../../domain/entities/event.js';
import { pageQuery } from '../pagination.js';
import { CLOUD_EVENT_EXAMPLE, EVENT_LIST_EXAMPLE } from './event-examples.js';

const SEQUENCE_OR_ID = /^([0-9]{1,19}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

const eventPosition = z.string().regex(SEQUENCE_OR_ID, "must be an event's sequence (decimal digits) or id (a UUID)");
const after = eventPosition
  .optional()
  .openapi({ description: "Events after this one (its `sequence` or `id`); from the oldest stored when absent" });
const filters = {
  type: z.enum(EVENT_TYPES).optional(),
  jobId: z.uuid('must be a job id (a UUID)').optional().openapi({ description: 'Events about this job' }),
};

export const ListEventsQuerySchema = z.strictObject({ limit: pageQuery.limit, after, ...filters });

export const StreamEventsQuerySchema = z.strictObject({ after, ...filters });

export const ExecutionEventsQuerySchema = z.strictObject({ after });

/** A client reconnecting to an event stream says where it stopped; it takes precedence over `after`. */
export const LastEventIdHeaders = z.object({
  'last-event-id': eventPosition
    .optional()
    .openapi({ description: 'The `id:` of the last message received (`Last-Event-ID`; header names are case-insensitive)' }),
});

export const EventStreamSchema = z.string().openapi({
  description:
    'Server-Sent Events: one message per event (`id:` its sequence, `event:` its type, `data:` the CloudEvent as ' +
    '`GET /api/v1/events` lists it), and `: keep-alive` comments while nothing happens',
  example: 'id: 42\nevent: run.started\ndata: {"specversion":"1.0",...}\n\n',
});

export const CloudEventSchema = z
  .object({
    specversion: z.literal('1.0'),
    id: z.uuid().openapi({ description: 'Unique, and the same on every delivery of the event' }),
    type: z.enum(EVENT_TYPES),
    source: z.string(),
    subject: z.uuid().openapi({ description: 'The job the event is about' }),
    time: z.string(),
    datacontenttype: z.literal('application/json'),
    sequence: z.string().openapi({ description: 'Its place in the order of events: pass it as `after` to read on' }),
    data: z.unknown().openapi({ description: 'The execution, job or schedule as the API shows it; counts for ticks_missed' }),
  })
  .openapi('CloudEvent', { example: CLOUD_EVENT_EXAMPLE });

export const EventListSchema = z
  .object({
    events: z.array(CloudEventSchema),
    nextAfter: z.string().nullable().openapi({ description: 'What to pass as `after` for the next page' }),
  })
  .openapi('EventList', { example: EVENT_LIST_EXAMPLE });

export const toEventResource = (event: StoredEvent): z.infer<typeof CloudEventSchema> => cloudEvent(event);
