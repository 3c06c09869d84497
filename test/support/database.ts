import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/infra/database/database.js';
import { createPrismaDirectory } from '../../src/infra/database/directory.js';
import { PrismaLinkRequestRepository } from '../../src/capabilities/membership/repository/prisma-link-request.repository.js';
import type { MembershipRepositories } from '../../src/capabilities/membership/ports.js';
import { testSecretBox } from './secrets.js';

/** The test server's admin connection (CI and dev machines: local PostgreSQL, trust auth). */
export const TEST_PG_ADMIN_URL = process.env['KRING_TEST_PG_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';

/**
 * A fresh, migrated PostgreSQL database for one test file, dropped on close. Isolated by a unique name so
 * test files run in parallel and never see an earlier run's rows.
 */
export async function createPostgresTestDatabase(): Promise<Database> {
  const name = `kring_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), dataDir: '', poolSize: 5 });
  return {
    ...db,
    async close() {
      await db.close();
      const a = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** A fresh in-memory PGlite database (the embedded default), migrated. */
export async function createPgliteTestDatabase(): Promise<Database> {
  return openDatabase({ dataDir: '', inMemory: true });
}

/** The directory and the membership's link requests over one Prisma client (what the services store to), secrets sealed with the test key. */
export function prismaRepositories(prisma: Database['prisma']): MembershipRepositories {
  return { ...createPrismaDirectory(prisma, testSecretBox), linkRequests: new PrismaLinkRequestRepository(prisma) };
}
