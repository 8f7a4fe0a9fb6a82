/**
 * CPU used by the PostgreSQL server processes of one database's connections, other than the benchmark's own, read
 * from /proc: the instance's statements, which its own CPU does not show. Needs PostgreSQL on this machine and its
 * processes' /proc/<pid>/stat readable; otherwise there is nothing to report.
 */
import { readFileSync } from 'node:fs';
import type { Sql } from 'postgres';

/** The application_name the benchmark's own connection sets, so that its statements are left out. */
export const BENCH_APPLICATION = 'fjs-bench';

const SAMPLE_MS = 1000;

/** The process's CPU seconds; `gone` when it has ended, `hidden` when /proc does not let this user read it. */
function cpuSecondsOf(pid: number): number | 'gone' | 'hidden' {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // A server in a container of its own names pids of another namespace: those are not its processes here.
    if (!stat.includes('(postgres)')) return 'hidden';
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'hidden';
  }
}

/**
 * Sums the CPU of the database's server processes since the first sample: one there from the start counts from
 * then, one that came later in full; one that ended keeps what it had at its last sample (taken every second).
 */
export class DatabaseCpu {
  private readonly base = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private readable = true;
  private first = true;

  constructor(private readonly sql: Sql) {}

  async start(): Promise<void> {
    await this.sample();
    this.timer = setInterval(() => void this.sample().catch(() => undefined), SAMPLE_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** CPU seconds used since `start`, sampled now; undefined when /proc does not show the server's processes. */
  async seconds(): Promise<number | undefined> {
    await this.sample();
    if (!this.readable) return undefined;
    let total = 0;
    for (const [pid, last] of this.last) total += last - (this.base.get(pid) ?? 0);
    return total;
  }

  private async sample(): Promise<void> {
    const backends = await this.sql<{ pid: number }[]>`
      select pid from pg_stat_activity
      where datname = current_database() and application_name <> ${BENCH_APPLICATION} and backend_type = 'client backend'`;
    for (const { pid } of backends) {
      const seconds = cpuSecondsOf(pid);
      if (seconds === 'hidden') this.readable = false;
      if (typeof seconds !== 'number') continue;
      if (this.first) this.base.set(pid, seconds);
      this.last.set(pid, seconds);
    }
    this.first = false;
  }
}
