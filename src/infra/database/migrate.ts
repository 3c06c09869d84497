import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from '../../kernel/ports/logger.js';

/**
 * Applies the committed SQL migrations in prisma/migrations, in folder-name order, each in its own
 * transaction, with the same `_prisma_migrations` bookkeeping as `prisma migrate deploy` (checksum =
 * sha256 of migration.sql). So Kring never needs Prisma's downloadable schema engine, and the stock CLI
 * stays compatible for users who have it. An advisory lock keeps two starting processes from racing.
 */

/** Where the committed migrations live (relative to the project root). */
export const MIGRATIONS_DIR = new URL('../../../prisma/migrations/', import.meta.url);

/** Arbitrary constant: the advisory lock key Kring's migrator holds while it works. */
const LOCK_KEY = 72_957_133;

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

async function readMigrations(dir: URL): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir.pathname, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

const BOOKKEEPING_DDL = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** Applies every migration not yet applied to the database at `connectionString`. */
export async function migrate(connectionString: string, logger?: Logger, dir: URL = MIGRATIONS_DIR): Promise<MigrationResult> {
  const migrations = await readMigrations(dir);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      await client.query(BOOKKEEPING_DDL);
      const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"',
      );
      const done = new Map(rows.filter((r) => r.finished_at && !r.rolled_back_at).map((r) => [r.migration_name, r.checksum]));
      const failed = rows.filter((r) => !r.finished_at && !r.rolled_back_at);
      if (failed.length > 0) {
        throw new MigrationError(
          `Migration ${failed[0]!.migration_name} failed earlier and was not rolled back; fix the database, then mark it rolled back (prisma migrate resolve).`,
        );
      }
      const applied: string[] = [];
      for (const m of migrations) {
        const known = done.get(m.name);
        if (known !== undefined) {
          if (known !== m.checksum) {
            logger?.warn({ migration: m.name }, 'migration file changed after it was applied (checksum differs)');
          }
          continue;
        }
        const id = randomUUID();
        await client.query('BEGIN');
        try {
          await client.query(
            'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
            [id, m.checksum, m.name],
          );
          await client.query(m.sql);
          await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
          await client.query('COMMIT');
        } catch (cause) {
          await client.query('ROLLBACK');
          throw new MigrationError(`Migration ${m.name} failed: ${(cause as Error).message}`, { cause });
        }
        applied.push(m.name);
        logger?.info({ migration: m.name }, 'migration applied');
      }
      return { applied, alreadyApplied: done.size };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}
