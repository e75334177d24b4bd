import { randomUUID } from 'node:crypto';

/** Id source, injected so tests can make ids predictable. */
export type IdSource = { uuid(): string };
export const randomIds: IdSource = { uuid: () => randomUUID() };
