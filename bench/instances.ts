/**
 * Instances of the service for the benchmarks, each a process of its own, so that its CPU and memory are its own
 * and not the benchmark's. They run compiled, as the service does after `npm start`, not under tsx (whose loader
 * and esbuild service add about 70 MiB of RSS): bench/scheduler-instance.ts (startService with the no-op Flink
 * port) and what it imports are compiled once into dist/bench-instance first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Instance {
  pid: number;
  /** The port its HTTP API listens on, on 127.0.0.1. */
  port: number;
  /** Resident memory right after start-up, before the benchmark gives it any work. */
  idleRss: number;
  /** SIGTERM, and SIGKILL if it has not stopped within STOP_LIMIT_MS. */
  stop(): Promise<void>;
}

/** How long a stopping instance may take (its own shutdown waits are 10 s each) before it is killed. */
const STOP_LIMIT_MS = 30_000;

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiledBench = join(projectRoot, 'dist', 'bench-instance', 'bench');
const instanceEntry = join(compiledBench, 'scheduler-instance.js');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * The NODE_OPTIONS every instance runs with: the Dockerfile's (its heap cap), so that the benchmarks measure the
 * service as it is deployed, unless BENCH_INSTANCE_NODE_OPTIONS says otherwise (empty: V8's defaults).
 */
export const instanceNodeOptions = process.env.BENCH_INSTANCE_NODE_OPTIONS ?? dockerfileNodeOptions();

/** For a benchmark's title. */
export const instanceSettings = `instances with NODE_OPTIONS=${instanceNodeOptions || '(none)'}`;

function dockerfileNodeOptions(): string {
  const found = /^\s*NODE_OPTIONS=(\S+)/m.exec(readFileSync(join(projectRoot, 'Dockerfile'), 'utf8'));
  if (!found) throw new Error('the Dockerfile sets no NODE_OPTIONS');
  return found[1]!;
}

/** Instances still running: killed when this process exits, however it exits, so none outlives a failed run. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function compileInstance(): Promise<void> {
  const tsc = spawn(process.execPath, [join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(projectRoot, 'bench', 'tsconfig.instance.json')], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
  const [code] = await once(tsc, 'exit');
  if (code !== 0) throw new Error(`compiling bench/scheduler-instance.ts failed (exit ${code})`);
}

export interface InstanceOptions {
  /** Another compiled script of bench/ (listed in bench/tsconfig.instance.json) that prints `{"port":N}` too. */
  script?: string;
  /** What it writes to stdout after listening (its log lines): to this process's stderr, or dropped. */
  output?: 'forward' | 'discard';
}

/**
 * Starts the compiled instance with `env` (PATH and `instanceNodeOptions` besides) as its whole environment and
 * `nodeArgs` before the script; resolves once it listens and has settled for a second. What it logs after that
 * goes to this process's stderr.
 */
export async function startInstance(
  name: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
  options: InstanceOptions = {},
): Promise<Instance> {
  const entry = options.script ? join(compiledBench, options.script) : instanceEntry;
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', ...(instanceNodeOptions && { NODE_OPTIONS: instanceNodeOptions }), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.add(child);
  const exited = once(child, 'exit').finally(() => running.delete(child));
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    const listening = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /^\{"port":(\d+)\}$/m.exec(output);
      if (!found) return;
      child.stdout!.off('data', listening);
      child.stdout!.on('data', (later: Buffer) => options.output !== 'discard' && process.stderr.write(later));
      resolve(Number(found[1]));
    };
    child.stdout!.on('data', listening);
    void exited.then(() => reject(new Error(`instance ${name} exited before listening:\n${output}`)));
  });
  await sleep(1000);
  return {
    pid: child.pid!,
    port,
    idleRss: processUsage(child.pid!).rss,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_LIMIT_MS);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** CPU seconds (user + system, what process.cpuUsage counts) and resident bytes of a process, from /proc. */
export function processUsage(pid: number): { cpuSeconds: number; rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, from field 3 (state) on: utime and stime are fields 14 and 15, in 1/100 s.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
  return { cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100, rss };
}

/** Samples the instances' CPU and resident memory over a window; the function returned closes it. */
export function watchUsage(instances: Pick<Instance, 'pid'>[]): () => { cpuPercent: number[]; peakRss: number[] } {
  const started = performance.now();
  const before = instances.map((instance) => processUsage(instance.pid));
  const peakRss = before.map((usage) => usage.rss);
  const sampler = setInterval(() => {
    instances.forEach((instance, n) => (peakRss[n] = Math.max(peakRss[n]!, processUsage(instance.pid).rss)));
  }, 200);
  return () => {
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    const cpuPercent = instances.map(
      (instance, n) => ((processUsage(instance.pid).cpuSeconds - before[n]!.cpuSeconds) / seconds) * 100,
    );
    return { cpuPercent, peakRss };
  };
}
