import { z } from '@hono/zod-openapi';
import { CLAIM_MODES, RESTORE_STRATEGY_NAMES } from '../../../domain/entities/restore.js';

/** A savepoint or retained checkpoint to restore from, as Flink takes it (`file:///...`, `s3://...`). */
export const snapshotPath = z
  .string()
  .min(1, 'must not be empty')
  .max(4096, 'must be at most 4096 characters')
  .refine((path) => path.trim() === path, 'must not start or end with white space');

const STRATEGY_MESSAGE = `must be one of ${RESTORE_STRATEGY_NAMES.map((name) => `'${name}'`).join(', ')}, or {"savepointPath": "..."}`;

/** `restore` of a start and of a job definition: a strategy's name, or a path to restore from. */
export const RestoreStrategySchema = z
  .union(
    [
      z.enum(RESTORE_STRATEGY_NAMES),
      z.strictObject({ savepointPath: snapshotPath.openapi({ description: 'A savepoint or retained checkpoint' }) }),
    ],
    { error: STRATEGY_MESSAGE },
  )
  .openapi('RestoreStrategy', {
    description:
      "Where the run takes its state from: 'none'; 'latest-savepoint' (the newest savepoint a run of the job took); " +
      "'latest-state' (that, or the newest retained checkpoint of an earlier run, whichever is newer); or " +
      '{"savepointPath": "..."}. A strategy that finds nothing starts the run without state and says so in its history.',
    example: 'latest-state',
  });

export const ClaimModeSchema = z
  .enum(CLAIM_MODES, { message: `must be one of ${CLAIM_MODES.join(', ')}` })
  .openapi({
    description:
      "With a restore: NO_CLAIM (the default, as Flink's) leaves the snapshot to its owner; CLAIM makes the new job own " +
      'it, and Flink deletes it once a newer checkpoint subsumes it',
    example: 'NO_CLAIM',
  });
