import { sql } from 'drizzle-orm';
import type { ScheduleChangeFeed, ScheduleChangeSignal } from '../../../domain/ports/output/schedule-change-signal.js';
import type { AppDatabase } from './database.js';

/**
 * A session-level LISTEN, as the database driver offers it: calls `onNotify` with the payload of every notification
 * on `channel` from now on, and resolves once listening with a way to stop.
 */
export type Notifications = (channel: string, onNotify: (payload: string) => void) => Promise<() => Promise<void>>;

/** The notification channel schedule changes are announced on; known to this module only. */
const SCHEDULE_CHANGES_CHANNEL = 'flink_job_scheduler_schedules';

/**
 * Announces with NOTIFY, delivered to every listening session (PostgreSQL's or PGlite's) once it commits, and
 * hears the announcements of every instance with LISTEN.
 */
export class SqlScheduleSignal implements ScheduleChangeSignal, ScheduleChangeFeed {
  constructor(
    private readonly db: AppDatabase,
    private readonly listen: Notifications,
  ) {}

  async announce(jobId: string): Promise<void> {
    await this.db.execute(sql`select pg_notify(${SCHEDULE_CHANGES_CHANNEL}, ${jobId})`);
  }

  subscribe(onChange: (jobId: string) => void): Promise<() => Promise<void>> {
    return this.listen(SCHEDULE_CHANGES_CHANNEL, onChange);
  }
}
