/**
 * Submission overhead: how much time the service adds between `POST /api/v1/jobs/:id/start` and Flink's run call
 * returning, against a bare `POST /jars/:jarid/run` on the same cluster, in the same run, the two alternating. The
 * JAR is cached (the job names its SHA-256) and already uploaded, as for every run after the first. The added time
 * is reported twice: the difference of the two medians, and the median (and p90) of each run's time minus the
 * bare call made right after it, which a drift of the machine's load over the run affects less.
 *
 * Reported for the first runs after the service started and for the runs after a warm-up: a database connection
 * parses a statement on its first use and plans it anew on each of the next four (PostgreSQL's custom plans), and
 * the service spreads its statements over ten connections; a service that has been up a while is past all that.
 *
 *   npm run flink:up && mvn -q -f test/flink-job/pom.xml package
 *   npx tsx bench/submission-overhead.ts            # BENCH_RUNS=30, BENCH_WARMUP=60, FLINK_URL=http://127.0.0.1:8081
 *   DATABASE_URL=postgres://... npx tsx bench/submission-overhead.ts   # on PostgreSQL instead of PGlite
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../infrastructure/config.js';
import { createLogger } from '../infrastructure/logging.js';
import { startService } from '../infrastructure/service.js';
import { startJarServer, TEST_JOB_CLASS, TEST_JOB_JAR } from '../scripts/jar-server.js';

const runs = Number(process.env.BENCH_RUNS ?? 30);
/** Pairs run before the measured ones: enough for each of the ten connections to use the start's statements six times. */
const warmup = Number(process.env.BENCH_WARMUP ?? 60);
const flinkUrl = process.env.FLINK_URL ?? 'http://127.0.0.1:8081';

async function json(response: Response): Promise<any> {
  if (!response.ok) throw new Error(`${response.url}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    // Seldom, and not at once: the times come from the run's history, and a poll is CPU of the process (and of
    // the cores Flink runs on) beside the run call it measures, which takes some 70 ms.
    await new Promise((resolve) => setTimeout(resolve, 250));
    const value = await read();
    if (done(value)) return value;
  }
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p90: at(0.9), min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

const dataDir = await mkdtemp(join(tmpdir(), 'fjs-bench-'));
const jars = await startJarServer();
const config = loadConfig({
  PORT: '0',
  HOST: '127.0.0.1',
  DATA_DIR: dataDir,
  DATABASE_URL: process.env.DATABASE_URL,
  FLINK_JOBMANAGER_URL: flinkUrl,
  DATA_PROCESSOR_URL: jars.url,
  // FLINK_POLL_INTERVAL_MS stays at its default: a shorter one notices a run's end sooner, but its lease rounds are
  // work of the measured process, beside the run call, that a service as deployed does twenty times less often.
  LOG_LEVEL: 'warn',
});
const service = await startService(config, createLogger('warn'));
const api = `http://127.0.0.1:${service.port}/api/v1`;

try {
  const sha256 = createHash('sha256').update(await readFile(TEST_JOB_JAR)).digest('hex');
  const job = await json(
    await fetch(`${api}/jobs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: `bench-${Date.now()}`,
        jarURL: '/jars/flink-test-job.jar',
        entryClass: TEST_JOB_CLASS,
        config: { mode: 'bounded', count: '10' },
        jarSha256: sha256,
      }),
    }),
  );

  const runOnce = async () => {
    const started = performance.timeOrigin + performance.now();
    const execution = await json(await fetch(`${api}/jobs/${job.id}/start`, { method: 'POST' }));
    const ended = await until(
      () => fetch(`${api}/executions/${execution.id}`).then(json),
      (e) => ['SUCCEEDED', 'FAILED', 'STOPPED'].includes(e.status),
    );
    if (ended.status !== 'SUCCEEDED') throw new Error(`run ${ended.status}: ${JSON.stringify(ended.error)}`);
    // Each history entry is stamped as the run reaches it; RUNNING the moment Flink's run call returned.
    const at = (status: string) => Date.parse(ended.history.find((entry: { status: string }) => entry.status === status).at);
    const steps = {
      'request -> PENDING stamped (the request; a job not known yet is read)': at('PENDING') - started,
      'PENDING -> SUBMITTING stamped (JAR lookup, arguments; one write)': at('SUBMITTING') - at('PENDING'),
      'SUBMITTING -> RUNNING (the write, then the run call)': at('RUNNING') - at('SUBMITTING'),
    };
    return { ms: at('RUNNING') - started, jarId: ended.flinkJarId as string, steps };
  };

  const { jarId } = await runOnce(); // downloads, uploads, warms everything up
  await runOnce();

  const bareOnce = async () => {
    const started = performance.now();
    const { jobid } = await json(
      await fetch(`${flinkUrl}/jars/${jarId}/run`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        // The same body the service sends, a fresh job id included.
        body: JSON.stringify({
          entryClass: TEST_JOB_CLASS,
          programArgsList: ['--count', '10', '--mode', 'bounded'],
          jobId: randomUUID().replaceAll('-', ''),
        }),
      }),
    );
    const ms = performance.now() - started;
    await until(() => fetch(`${flinkUrl}/jobs/${jobid}`).then(json), (j) => ['FINISHED', 'FAILED', 'CANCELED'].includes(j.state));
    return ms;
  };

  // Alternated, so that a change in the machine's load falls on both sides alike.
  const pairs: { service: number; bare: number; steps: Record<string, number> }[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const run = await runOnce();
    pairs.push({ service: run.ms, bare: await bareOnce(), steps: run.steps });
  }

  const version = (await json(await fetch(`${flinkUrl}/config`)))['flink-version'];
  const round = (value: number) => value.toFixed(1).padStart(8);
  const verdict = (ms: number) => (ms <= 5 ? 'MET' : 'MISSED');
  const report = (title: string, measured: typeof pairs) => {
    const ours = stats(measured.map((pair) => pair.service));
    const bare = stats(measured.map((pair) => pair.bare));
    // Each run against the bare call made right after it: a change in the machine's load falls on both of a pair.
    const added = stats(measured.map((pair) => pair.service - pair.bare));
    console.log(`\n${title}: Flink ${version}, ${config.database.kind}, ${measured.length} runs each (ms)\n`);
    console.log('| path                                  |   median |      p90 |      min |      max |');
    console.log('| ------------------------------------- | -------- | -------- | -------- | -------- |');
    console.log(`| POST /start -> Flink run returned     | ${round(ours.median)} | ${round(ours.p90)} | ${round(ours.min)} | ${round(ours.max)} |`);
    console.log(`| bare POST /jars/:jarid/run            | ${round(bare.median)} | ${round(bare.p90)} | ${round(bare.min)} | ${round(bare.max)} |`);
    console.log(`| added: difference of the medians      | ${round(ours.median - bare.median)} |          |          |          |`);
    console.log(`| added: each run minus its bare call   | ${round(added.median)} | ${round(added.p90)} | ${round(added.min)} | ${round(added.max)} |`);
    console.log('\nWhere the service time goes (median ms, from the run history):');
    for (const step of Object.keys(measured[0]!.steps)) {
      console.log(`  ${step.padEnd(72)} ${stats(measured.map((pair) => pair.steps[step]!)).median.toFixed(1)}`);
    }
    console.log(`\nGoal: at most 5 ms added. Medians: ${verdict(ours.median - bare.median)}; pairs (median): ${verdict(added.median)}`);
  };
  if (warmup > 0) report('Submission overhead, the first runs after the service started', pairs.slice(0, Math.min(runs, warmup)));
  report(`Submission overhead${warmup > 0 ? `, after ${warmup} runs` : ''}`, pairs.slice(warmup));
} finally {
  await service.stop();
  await jars.close();
  await rm(dataDir, { recursive: true, force: true });
}
