import type { Logger } from 'pino';
import type { ApiKeyFile, ReloadOutcome } from '../adapters/output/keys/api-key-file.js';
import type { AuditLog } from '../domain/ports/input/audit-log.js';
import { startRetentionSweep } from './retention-sweep.js';

/**
 * The background care of access control: the API keys file read again when it changes (or on `reloadKeys`, for
 * SIGHUP), keeping the last good set when it cannot be used; and the audit trail swept hourly (and at start) of
 * events past AUDIT_RETENTION_DAYS. Sweeps are idempotent deletes, so every replica may run them.
 */
export function startAccessUpkeep(keys: ApiKeyFile | null, auditLog: AuditLog, logger: Logger) {
  const logReload = (outcome: ReloadOutcome) => {
    if (outcome.ok) logger.info({ keys: outcome.keys }, 'API keys reloaded');
    else logger.error({ reason: outcome.error.message }, 'API keys file not reloaded; the last good set stays in use');
  };
  const stopWatching = keys?.watch(logReload);
  const stopSweeping = startRetentionSweep('audit events', () => auditLog.sweep(), logger);
  return {
    reloadKeys: async () => {
      if (keys) logReload(await keys.reload());
    },
    stop: () => {
      stopSweeping();
      stopWatching?.();
    },
  };
}
