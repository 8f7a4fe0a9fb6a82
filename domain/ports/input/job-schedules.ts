import type { AuditContext } from '../../entities/audit.js';
import type { Execution } from '../../entities/execution.js';
import type { Schedule, ScheduleDefinition } from '../../entities/schedule.js';

export interface ScheduleView {
  schedule: Schedule;
  /** The next five fire times, at most its `remainingRuns` (empty when paused or ended). */
  nextRunTimes: Date[];
  /** True once the schedule fires no more: `endAt` has passed, or its `remainingRuns` are used up. */
  ended: boolean;
}

/** Cron schedules of jobs, and firing their due ticks. A change is recorded in the audit trail, in its transaction. */
export interface JobSchedules {
  /** Creates or replaces the job's schedule; its next tick is computed from now. */
  setSchedule(jobId: string, definition: ScheduleDefinition, audit: AuditContext): Promise<ScheduleView>;
  getSchedule(jobId: string): Promise<ScheduleView>;
  deleteSchedule(jobId: string, audit: AuditContext): Promise<void>;
  /** Pauses the schedule; without a note, the stored note stays. */
  pauseSchedule(jobId: string, note: string | undefined, audit: AuditContext): Promise<ScheduleView>;
  resumeSchedule(jobId: string, audit: AuditContext): Promise<ScheduleView>;
  /**
   * Fires a tick of the schedule now, paused or not, as the overlap policy says: resolves with its run (SKIPPED
   * when the policy skips it). The schedule's own ticks stay as they are; a run started uses up a remaining run.
   */
  triggerSchedule(jobId: string, audit: AuditContext): Promise<Execution>;
  schedulesFor(jobIds: string[]): Promise<Map<string, ScheduleView>>;
  /**
   * Claims up to `limit` ticks due now (each by exactly one instance) and records their runs in one transaction;
   * resolves with them.
   */
  fireDueTicks(limit?: number): Promise<Execution[]>;
  /** When the next tick of any schedule is due, for the loop's timer. */
  nextDueAt(): Promise<Date | null>;
}
