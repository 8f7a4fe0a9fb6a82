import { z } from '@hono/zod-openapi';
import { UPGRADE_MODES, UPGRADE_STATES, upgradeResource, type Upgrade } from '../../../../domain/entities/upgrade.js';
import { pageQuery } from '../pagination.js';
import { UPGRADE_EXAMPLE, UPGRADE_LIST_EXAMPLE, UPGRADE_STARTED_EXAMPLE } from './upgrade-examples.js';

export const UpgradeSchema = z
  .object({
    id: z.uuid(),
    jobId: z.uuid(),
    mode: z.enum(UPGRADE_MODES),
    state: z.enum(UPGRADE_STATES).openapi({
      description:
        'STOPPING (the old run), STARTING (the new version, until it ran stable), ROLLING_BACK (the old version again), ' +
        'then SUCCEEDED or FAILED',
    }),
    fromVersion: z.number().int().openapi({ description: 'The version the old run ran' }),
    toVersion: z.number().int().openapi({ description: 'The version the upgrade stored' }),
    oldExecutionId: z.uuid(),
    newExecutionId: z.uuid().nullable(),
    rollbackExecutionId: z.uuid().nullable().openapi({ description: 'The run of the old version a failed upgrade started' }),
    restoredFrom: z.string().nullable().openapi({ description: 'The savepoint or checkpoint the new run (and a rollback) start from' }),
    restoredFromKind: z.enum(['savepoint', 'checkpoint']).nullable(),
    rolledBack: z.boolean().openapi({ description: 'FAILED with the old version running again from the same state' }),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    requestedBy: z.string().nullable(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    updatedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Upgrade', { example: UPGRADE_EXAMPLE });

export const UpgradeListSchema = z
  .object({ upgrades: z.array(UpgradeSchema), nextContinuationToken: z.string().nullable() })
  .openapi('UpgradeList', { example: UPGRADE_LIST_EXAMPLE });

/** What a replace or rollback answers about the upgrade it started. */
export const StartedUpgradeSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(UPGRADE_STATES),
    mode: z.enum(UPGRADE_MODES),
    links: z.object({ self: z.string(), oldExecution: z.string() }),
  })
  .openapi('StartedUpgrade', { example: UPGRADE_STARTED_EXAMPLE });

/** `?upgrade=` of a replace or rollback: what happens to the job's running run. */
export const ChangeQuerySchema = z.strictObject({
  upgrade: z
    .enum(['none', ...UPGRADE_MODES], { message: `must be one of none, ${UPGRADE_MODES.join(', ')}` })
    .default('none')
    .openapi({
      description:
        'none (default): the running run goes on with its version; savepoint: stop it with a savepoint and start the new ' +
        'version from it; last-state: cancel it and start from the newest retained checkpoint or savepoint; stateless: ' +
        'cancel it and start without state',
    }),
});

export const ListUpgradesQuerySchema = z.strictObject({ ...pageQuery });

export const UpgradeIdParams = z.object({
  upgradeId: z.string().openapi({ param: { name: 'upgradeId', in: 'path' }, format: 'uuid' }),
});

export const toUpgradeResource = (upgrade: Upgrade): z.infer<typeof UpgradeSchema> => upgradeResource(upgrade);

/** The fields a replace or rollback adds to the job it answers with, saying what became of the running run. */
export const changeFields = {
  upgrade: StartedUpgradeSchema.optional(),
  activeRun: z
    .object({ executionId: z.uuid(), jobVersion: z.number().int().nullable() })
    .optional()
    .openapi({ description: 'The active run, which goes on with the version it started with' }),
  notice: z.string().optional().openapi({ description: 'What became of the running run, for people' }),
};
