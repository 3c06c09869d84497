import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/infra/database/database.js';
import { migrate, MIGRATIONS_DIR } from '../../src/infra/database/migrate.js';
import { createPrismaDirectory } from '../../src/infra/database/directory.js';
import { PrismaLinkRequestRepository } from '../../src/capabilities/membership/repository/prisma-link-request.repository.js';
import type { MembershipRepositories } from '../../src/capabilities/membership/ports.js';
import { testSecretBox } from './secrets.js';

/** The test server's admin connection (CI and dev machines: local PostgreSQL, trust auth). */
export const TEST_PG_ADMIN_URL = process.env['KRING_TEST_PG_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';

/**
 * A fresh, migrated PostgreSQL database for one test file, dropped on close. Isolated by a unique name so
 * test files run in parallel and never see an earlier run's rows.
 *
 * It is a copy of a template database that the first test file of a run migrates (see
 * {@link copyMigratedTemplate}): copying takes a fraction of running every migration again in every file.
 * `openDatabase` still runs the migrator on the copy, which then finds every migration applied.
 */
export async function createPostgresTestDatabase(): Promise<Database> {
  const name = `kring_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    await copyMigratedTemplate(admin, name);
  } finally {
    await admin.end();
  }
  const db = await openDatabase({ url: testDatabaseUrl(name), dataDir: '', poolSize: 5 });
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

function testDatabaseUrl(name: string): string {
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Template databases are named by this prefix and a hash of what their content follows from. */
const TEMPLATE_PREFIX = 'kring_template_';
/** Arbitrary constant (not the migrator's): held shared while copying a template, exclusively while building or dropping one. */
const TEMPLATE_LOCK = 72_957_134;
/** A template of other migrations is dropped once it is this old (another checkout may still be using a newer one). */
const STALE_TEMPLATE_MS = 60 * 60 * 1000;

/**
 * The template's name: a hash of every migration (folder name and SQL) and of the migrator itself, so a
 * migration added, edited or removed (by anyone, while others' test runs go on) gets a template of its own.
 */
async function templateName(): Promise<string> {
  const hash = createHash('sha256');
  hash.update(await readFile(fileURLToPath(new URL('../../src/infra/database/migrate.ts', import.meta.url)))).update('\0');
  const dir = fileURLToPath(MIGRATIONS_DIR);
  const folders = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  for (const folder of folders) hash.update(folder).update('\0').update(await readFile(join(dir, folder, 'migration.sql'))).update('\0');
  return `${TEMPLATE_PREFIX}${hash.digest('hex').slice(0, 20)}`;
}

/**
 * Creates database `name` as a copy of the migrated template, building the template first when it is not
 * there. PostgreSQL copies a template only while nobody is connected to it: the template refuses
 * connections (ALLOW_CONNECTIONS false) and appears under its name only once it is complete. Copies run in
 * parallel under a shared advisory lock; building or dropping a template takes it exclusively, so no
 * template disappears under a copy.
 */
async function copyMigratedTemplate(admin: pg.Client, name: string): Promise<void> {
  const template = await templateName();
  for (;;) {
    await admin.query('SELECT pg_advisory_lock_shared($1)', [TEMPLATE_LOCK]);
    try {
      if (await databaseExists(admin, template)) {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        return;
      }
    } finally {
      await admin.query('SELECT pg_advisory_unlock_shared($1)', [TEMPLATE_LOCK]);
    }
    await buildTemplate(admin, template);
  }
}

async function databaseExists(admin: pg.Client, name: string): Promise<boolean> {
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rowCount === 1;
}

/** Migrates a new database and publishes it as `template` (unless another process did meanwhile). */
async function buildTemplate(admin: pg.Client, template: string): Promise<void> {
  await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
  try {
    if (await databaseExists(admin, template)) return;
    const building = `${template}_${randomBytes(3).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${building}`);
    await admin.query(`COMMENT ON DATABASE ${building} IS '${JSON.stringify({ built: new Date().toISOString() })}'`);
    try {
      await migrate(testDatabaseUrl(building));
      await waitUntilUnused(admin, building);
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
    } catch (err) {
      await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`).catch(() => undefined);
      throw err;
    }
    await admin.query(`ALTER DATABASE ${template} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
    await dropStaleTemplates(admin, template);
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
  }
}

/** The migrator has closed its connection, but its server process may take a moment to go, and a rename refuses while one is there. */
async function waitUntilUnused(admin: pg.Client, name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
    if (rows[0]!.n === 0) return;
    if (Date.now() > deadline) throw new Error(`database ${name} still has ${rows[0]!.n} connection(s) after the migrations`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Best effort: templates (and interrupted builds) of other migrations, older than {@link STALE_TEMPLATE_MS}. */
async function dropStaleTemplates(admin: pg.Client, keep: string): Promise<void> {
  const { rows } = await admin.query<{ datname: string; note: string | null }>(
    "SELECT datname, shobj_description(oid, 'pg_database') AS note FROM pg_database WHERE starts_with(datname, $1) AND datname <> $2",
    [TEMPLATE_PREFIX, keep],
  );
  for (const { datname, note } of rows) {
    let built = 0;
    try {
      built = Date.parse((JSON.parse(note ?? '{}') as { built?: string }).built ?? '') || 0;
    } catch {
      // An unreadable note counts as old.
    }
    if (Date.now() - built < STALE_TEMPLATE_MS) continue;
    await admin.query(`ALTER DATABASE ${datname} WITH IS_TEMPLATE false`).catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => undefined);
  }
}

/** A fresh in-memory PGlite database (the embedded default), migrated. */
export async function createPgliteTestDatabase(): Promise<Database> {
  return openDatabase({ dataDir: '', inMemory: true });
}

/** The directory and the membership's link requests over one Prisma client (what the services store to), secrets sealed with the test key. */
export function prismaRepositories(prisma: Database['prisma']): MembershipRepositories {
  return { ...createPrismaDirectory(prisma, testSecretBox), linkRequests: new PrismaLinkRequestRepository(prisma) };
}
