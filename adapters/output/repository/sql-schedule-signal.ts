import { sql } from 'drizzle-orm';
import type { ScheduleChangeSignal } from '../../../domain/ports/output/schedule-change-signal.js';
import type { AppDatabase } from './database.js';

/** The PostgreSQL notification channel schedule changes are announced on; instances LISTEN to it. */
export const SCHEDULE_CHANGES_CHANNEL = 'flink_job_scheduler_schedules';

/** Announces with NOTIFY: delivered to every listening session (PostgreSQL's or PGlite's) once it commits. */
export class SqlScheduleSignal implements ScheduleChangeSignal {
  constructor(private readonly db: AppDatabase) {}

  async announce(jobId: string): Promise<void> {
    await this.db.execute(sql`select pg_notify(${SCHEDULE_CHANGES_CHANNEL}, ${jobId})`);
  }
}
