import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Logger } from '../../kernel/ports/logger.js';
import { PrismaClient } from './generated/prisma/client.js';
import { migrate } from './migrate.js';
import { PgliteProtocolQueue } from './pglite-protocol-queue.js';

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
  /** The connection pool's use right now (`/metrics`); absent on databases opened elsewhere (tests' own). */
  poolStats?(): { total: number; idle: number; waiting: number; max: number };
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
  /**
   * When another Kring process (the server) holds the embedded data: use its database through the
   * loopback socket it serves PGlite on, instead of refusing (the CLI beside a running server). The server
   * applied the migrations; nothing is migrated.
   */
  attachToRunning?: boolean;
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
    db = await PGliteClass.create({ startParams: PGLITE_START_PARAMS(PGliteClass.defaultStartParams) });
  } else {
    const dir = resolve(options.dataDir, 'pglite');
    await mkdir(dir, { recursive: true });
    try {
      unlock = await lockDataDir(resolve(options.dataDir, 'kring.pid'));
    } catch (err) {
      const locked = err instanceof DataDirLockedError ? err : null;
      const running = locked && options.attachToRunning ? await runningServer(options.dataDir, locked.pid) : null;
      if (!running) throw err;
      options.logger?.info({ pid: locked?.pid }, 'using the embedded database of the running Kring');
      // One connection: the server's pool shares the socket server's connections.
      return wrap(running, 'pglite', 1, async () => undefined);
    }
    try {
      db = await PGliteClass.create(dir, { startParams: PGLITE_START_PARAMS(PGliteClass.defaultStartParams) });
    } catch (err) {
      await unlock();
      throw err;
    }
  }
  // PGlite is single-connection; the socket server multiplexes several client connections onto it.
  const server: PGLiteSocketServer = new Server({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
  // Its own queue lets one connection's Parse and Bind be split by another's (pglite-protocol-queue.ts).
  (server as unknown as { queryQueue: PgliteProtocolQueue }).queryQueue = new PgliteProtocolQueue(db);
  await server.start();
  const conn = server.getServerConn(); // "127.0.0.1:<port>"
  const url = `postgresql://postgres@${conn}/postgres?sslmode=disable`;
  options.logger?.info({ data: options.inMemory ? 'memory' : resolve(options.dataDir, 'pglite') }, 'using embedded PGlite database');
  await migrate(url, options.logger);
  // Where the CLI finds this database while this process holds it (removed on close).
  const socketFile = resolve(options.dataDir, SOCKET_FILE);
  if (!options.inMemory) await writeFile(socketFile, JSON.stringify({ pid: process.pid, url }), { mode: 0o600 });
  return wrap(url, 'pglite', 4, async () => {
    if (!options.inMemory) await rm(socketFile, { force: true });
    await server.stop();
    await db.close();
    await unlock();
  });
}

/**
 * PGlite's start parameters: its own, with smaller shared buffers. PostgreSQL's default 128 MB is sized
 * for a server; an association's embedded database fits in 16 MB, and the data files stay in the OS's page
 * cache anyway. This alone takes about 120 MiB off the idle process (docs/BENCHMARKS.md).
 */
const PGLITE_START_PARAMS = (defaults: readonly string[]): string[] => [...defaults, '-c', 'shared_buffers=16MB'];

/** Next to the pid file: the loopback address of the running process's PGlite socket server. */
const SOCKET_FILE = 'kring.socket.json';

/**
 * The connection string of the running Kring that holds `dataDir` (pid `pid`), or null when it left none
 * (an older version, or it is still starting). Only a loopback address of that very process is accepted.
 */
async function runningServer(dataDir: string, pid: number): Promise<string | null> {
  try {
    const data = JSON.parse(await readFile(resolve(dataDir, SOCKET_FILE), 'utf8')) as { pid?: unknown; url?: unknown };
    if (data.pid !== pid || typeof data.url !== 'string') return null;
    return /^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres\?sslmode=disable$/.test(data.url) ? data.url : null;
  } catch {
    return null;
  }
}

/** The embedded database is in use by another process. */
export class DataDirLockedError extends Error {
  readonly pid: number;
  constructor(dir: string, pid: number) {
    super(
      `The embedded database in ${dir} is in use by another Kring process (pid ${pid}). ` +
        'Stop that process first (the CLI uses a running server\'s database once it has started), or use DATABASE_URL for PostgreSQL.',
    );
    this.name = 'DataDirLockedError';
    this.pid = pid;
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
  // Our own pool, handed to the adapter (which ends it on disconnect), so that its use can be read.
  const pool = new pg.Pool({ connectionString: url, max });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  return {
    prisma,
    kind,
    url,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max }),
    async ping() {
      await prisma.$queryRaw`SELECT 1`;
    },
    async close() {
      await prisma.$disconnect();
      await onClose();
    },
  };
}
