import { randomUUID } from 'node:crypto';
import type { IdGenerator } from '../../../domain/ports/output/id-generator.js';

export const randomIds: IdGenerator = { newId: () => randomUUID() };
