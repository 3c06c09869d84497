import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Logger } from '../../kernel/ports/logger.js';
import { PrismaClient } from './generated/prisma/client.js';
import { migrate } from './migrate.js';

/**
 * Opens Kring's database: PostgreSQL when a URL is given, else embedded PGlite (data under
 * `<dataDir>/pglite`) served on a private loopback port, so both paths use the same driver adapter
 * (`@prisma/adapter-pg`) and the same migrations. Migrations are applied before the client is returned.
 */
export interface Database {
  prisma: PrismaClient;
  kind: 'postgres' | 'pglite';
  /** Connection string for the pg driver (for PGlite: the loopback socket server). */
  url: string;
  /** Resolves when a trivial query succeeds (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; undefined selects embedded PGlite. */
  url?: string | undefined;
  /** Directory for embedded data (PGlite). */
  dataDir: string;
  /** Use an in-memory PGlite (tests, `kring` dry runs) instead of `<dataDir>/pglite`. */
  inMemory?: boolean;
  /** Pool size for PostgreSQL (default 10). */
  poolSize?: number;
  logger?: Logger;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    await migrate(options.url, options.logger);
    return wrap(options.url, 'postgres', options.poolSize ?? 10, async () => undefined);
  }
  // Loaded lazily: a Postgres deployment never pays for the WASM build.
  const { PGlite: PGliteClass } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer: Server } = await import('@electric-sql/pglite-socket');
  let db: PGlite;
  let unlock = async () => undefined as void;
  if (options.inMemory) {
    db = await PGliteClass.create();
  } else {
    const dir = resolve(options.dataDir, 'pglite');
    await mkdir(dir, { recursive: true });
    unlock = await lockDataDir(resolve(options.dataDir, 'kring.pid'));
    try {
      db = await PGliteClass.create(dir);
    } catch (err) {
      await unlock();
      throw err;
    }
  }
  // PGlite is single-connection; the socket server multiplexes several client connections onto it.
  const server: PGLiteSocketServer = new Server({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
  await server.start();
  const conn = server.getServerConn(); // "127.0.0.1:<port>"
  const url = `postgresql://postgres@${conn}/postgres?sslmode=disable`;
  options.logger?.info({ data: options.inMemory ? 'memory' : resolve(options.dataDir, 'pglite') }, 'using embedded PGlite database');
  await migrate(url, options.logger);
  return wrap(url, 'pglite', 4, async () => {
    await server.stop();
    await db.close();
    await unlock();
  });
}

/** The embedded database is in use by another process. */
export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The embedded database in ${dir} is in use by another Kring process (pid ${pid}). ` +
        'Stop that process first (a server and the CLI cannot share embedded data), or use DATABASE_URL for PostgreSQL.',
    );
    this.name = 'DataDirLockedError';
  }
}

/**
 * PGlite is one process's database: two processes opening the same directory corrupt it. A pid file
 * guards it; a stale one (its process gone) is taken over. Returns the release function.
 */
async function lockDataDir(pidFile: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(pidFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(pidFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new DataDirLockedError(resolve(pidFile, '..'), pid);
      }
      await rm(pidFile, { force: true });
    }
  }
  throw new Error(`could not lock ${pidFile}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function wrap(url: string, kind: Database['kind'], max: number, onClose: () => Promise<void>): Database {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max }) });
  return {
    prisma,
    kind,
    url,
    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
    async close() {
      await prisma.$disconnect();
      await onClose();
    },
  };
}
