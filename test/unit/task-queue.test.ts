import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TaskQueue } from '../../infrastructure/background-tasks.js';
import { createLogger } from '../../infrastructure/logging.js';

function queueWithLog() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { queue: new TaskQueue(createLogger('info', sink)), lines };
}

/** A task that records when it starts and ends, and ends when the test says so. */
function gate(log: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const task = async () => {
    log.push(`${name} start`);
    await opened;
    log.push(`${name} end`);
  };
  return { task, open };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('TaskQueue', () => {
  it('runs the tasks of one key one after another, in order, and other keys beside them', async () => {
    const { queue } = queueWithLog();
    const log: string[] = [];
    const [a1, a2, b1] = [gate(log, 'a1'), gate(log, 'a2'), gate(log, 'b1')];
    queue.run('a', 'launch', a1.task);
    queue.run('a', 'follow-up', a2.task);
    queue.run('b', 'launch', b1.task);
    await settle();
    expect(log).toEqual(['a1 start', 'b1 start']);
    expect(queue.isBusy('a')).toBe(true);
    a1.open();
    await settle();
    expect(log).toEqual(['a1 start', 'b1 start', 'a1 end', 'a2 start']);
    a2.open();
    b1.open();
    await queue.idle();
    expect(queue.isBusy('a')).toBe(false);
    expect(queue.isBusy('b')).toBe(false);
  });

  it('runs at most eight tasks at once; a finished one hands its slot on', async () => {
    const { queue } = queueWithLog();
    const log: string[] = [];
    const gates = Array.from({ length: 10 }, (_, index) => gate(log, `t${index}`));
    gates.forEach((each, index) => queue.run(`key-${index}`, 'launch', each.task));
    await settle();
    expect(log.filter((line) => line.endsWith('start'))).toHaveLength(8);
    expect(queue.backlog(), 'the two waiting for a slot').toBe(2);
    gates[0]!.open();
    await settle();
    expect(log.filter((line) => line.endsWith('start'))).toHaveLength(9);
    expect(queue.backlog()).toBe(1);
    for (const each of gates) each.open();
    await queue.idle();
    expect(log.filter((line) => line.endsWith('end'))).toHaveLength(10);
    expect(queue.backlog()).toBe(0);
  });

  it('logs a failed task with its execution id and goes on with the next task of that key', async () => {
    const { queue, lines } = queueWithLog();
    const ran: string[] = [];
    queue.run('e1', 'launch', async () => {
      throw new Error('disk full');
    });
    queue.run('e1', 'follow-up', async () => void ran.push('follow-up'));
    await queue.idle();
    expect(ran).toEqual(['follow-up']);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'execution launch failed', executionId: 'e1' }));
  });

  it('once stopped, takes no more tasks and waits for the ones under way only up to the timeout', async () => {
    const { queue } = queueWithLog();
    const log: string[] = [];
    const slow = gate(log, 'slow');
    queue.run('a', 'launch', slow.task);
    await settle();
    const started = Date.now();
    await queue.stop(50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    queue.run('b', 'launch', async () => void log.push('after stop'));
    slow.open();
    await queue.idle();
    expect(log).toEqual(['slow start', 'slow end']);
  });
});
