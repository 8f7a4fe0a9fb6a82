import type { DefinitionChange } from '../../../../domain/ports/input/job-upgrades.js';
import type { JobResource } from '../jobs/job-resource.js';

/** The job answered by a replace or rollback, with what became of its active run (see `changeFields`). */
export function toChangeResource(change: DefinitionChange, job: JobResource, asked: string) {
  const { upgrade, activeRun } = change;
  if (upgrade) {
    const links = { self: `/api/v1/upgrades/${upgrade.id}`, oldExecution: `/api/v1/executions/${upgrade.oldExecutionId}` };
    const notice = `Upgrading run ${upgrade.oldExecutionId} from version ${upgrade.fromVersion} to ${upgrade.toVersion} (${upgrade.mode}); follow it at ${links.self}`;
    return { ...job, upgrade: { id: upgrade.id, status: upgrade.state, mode: upgrade.mode, links }, notice };
  }
  if (activeRun) {
    const notice = `Run ${activeRun.executionId} goes on with version ${activeRun.jobVersion ?? 'it started with'}; runs started from now on use version ${job.version}`;
    return { ...job, activeRun, notice };
  }
  if (asked !== 'none') return { ...job, notice: 'No run of the job is active: the definition was stored, there was nothing to upgrade' };
  return job;
}
