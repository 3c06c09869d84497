import { randomUUID } from 'node:crypto';

/** A new random identifier (UUID v4), used for every entity Kring creates. */
export function newId(): string {
  return randomUUID();
}
