import type { Clock } from '../../../domain/ports/output/clock.js';

export const systemClock: Clock = { now: () => new Date() };
