/**
 * Member import benchmark: a generated 10,000-row export (Dutch Excel format) imported through
 * MemberImportService — the same service `kring members import` uses — on PostgreSQL (a fresh database),
 * embedded PGlite in memory and PGlite on disk. Prints rows/s of the first import (all created), a
 * re-import (all unchanged) and a re-import with 10% of the rows changed; on PostgreSQL also that last one
 * with every capability's listeners on the bus (what `kring members import` runs: each changed member is
 * announced as `member.updated`), side by side with the same import without listeners.
 *
 *   npm run bench:import            (ROWS=50000 npm run bench:import for another size)
 *
 * Needs the PostgreSQL of ../shared/MACHINE.md (KRING_TEST_PG_URL to point elsewhere).
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemberImportService } from '../src/capabilities/membership/domain/member-import.service.js';
import { openDatabase, type Database } from '../src/infra/database/database.js';
import { createPrismaDirectory } from '../src/infra/database/directory.js';
import { generatedMemberRows, membersCsv } from '../test/factories/membership.factory.js';
import { createPostgresTestDatabase } from '../test/support/database.js';
import { buildCapabilities } from '../src/capability.js';
import { capabilities } from '../src/capabilities.js';
import { InProcessJobQueue } from '../src/infra/queue/in-process.job-queue.js';
import { testContext } from '../test/support/capabilities.js';
import { silentLogger } from '../test/support/logger.js';

const ROWS = Number(process.env['ROWS'] ?? 10_000);

interface Target {
  name: string;
  open(dir: string): Promise<Database>;
}

const targets: Target[] = [
  { name: 'PostgreSQL 15 (local, TCP)', open: () => createPostgresTestDatabase() },
  { name: 'PGlite in memory', open: () => openDatabase({ dataDir: '', inMemory: true }) },
  { name: 'PGlite on disk', open: (dir) => openDatabase({ dataDir: join(dir, 'data') }) },
];

async function timed(label: string, run: () => Promise<{ rows: number; created: number; updated: number; unchanged: number; errorCount: number }>) {
  const start = performance.now();
  const report = await run();
  const seconds = (performance.now() - start) / 1000;
  const rate = Math.round(report.rows / seconds);
  console.log(
    `  ${label.padEnd(24)} ${seconds.toFixed(2).padStart(6)} s  ${rate.toLocaleString('en-US').padStart(8)} rows/s  ` +
      `(created ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}, errors ${report.errorCount})`,
  );
  return { seconds, rate };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kring-bench-'));
  try {
    const first = join(dir, 'members.csv');
    const changed = join(dir, 'members-changed.csv');
    await writeFile(first, membersCsv([...generatedMemberRows(ROWS)], { bom: true }));
    await writeFile(changed, membersCsv([...generatedMemberRows(ROWS, 1)], { bom: true }));
    const size = (await stat(first)).size;
    console.log(`Member import benchmark: ${ROWS.toLocaleString('en-US')} rows (${(size / 1024).toFixed(0)} KiB), node ${process.version}, ${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}`);
    for (const target of targets) {
      const openStart = performance.now();
      const db = await target.open(dir);
      console.log(`${target.name} (opened and migrated in ${((performance.now() - openStart) / 1000).toFixed(1)} s)`);
      try {
        const repos = createPrismaDirectory(db.prisma);
        const org = await repos.organizations.ensure({ slug: 'bench', name: 'Bench' });
        const service = new MemberImportService({ repos });
        const importFile = (file: string) => service.importCsv(createReadStream(file), { organizationId: org.id, mode: 'full' });
        await timed('first import', () => importFile(first));
        await timed('re-import, unchanged', () => importFile(first));
        const quiet = await timed('re-import, 10% changed', () => importFile(changed));
        if (target.name.startsWith('PostgreSQL')) {
          // The same change again, now announced to every capability's listeners (webhooks, caches).
          await timed('(10% changed back)', () => importFile(first));
          const queue = new InProcessJobQueue(silentLogger);
          const built = buildCapabilities(capabilities, testContext({ directory: repos, database: db, queue, platforms: { get: () => undefined, all: () => [] } }));
          const announced = await timed('  ... with every listener', () =>
            built.parts.membership.importer.importCsv(createReadStream(changed), { organizationId: org.id, mode: 'full' }),
          );
          console.log(`  listeners cost: ${(quiet.rate / announced.rate).toFixed(2)}x the time of the import without them`);
          await queue.close();
        }
        const count = await repos.members.count(org.id);
        if (count !== ROWS) throw new Error(`expected ${ROWS} members, found ${count}`);
      } finally {
        await db.close();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
