import type { Clock } from '../../../domain/ports/output/clock.js';
import type { IdGenerator } from '../../../domain/ports/output/id-generator.js';

export class FixedClock implements Clock {
  constructor(private current = new Date('2026-01-01T00:00:00.000Z')) {}

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }

  set(time: Date): void {
    this.current = new Date(time);
  }
}

/** UUIDs 00000000-0000-4000-8000-000000000001, ...2, ... in order. */
export class SequentialIds implements IdGenerator {
  private next = 1;

  newId(): string {
    return `00000000-0000-4000-8000-${String(this.next++).padStart(12, '0')}`;
  }
}
