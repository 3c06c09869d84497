import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, openDatabase } from '../../src/infra/database/database.js';

describe('embedded database directory', () => {
  let dir: string;
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is opened by one holder at a time, and free again after close', async () => {
    dir = await mkdtemp(join(tmpdir(), 'kring-lock-'));
    const first = await openDatabase({ dataDir: dir });
    await expect(openDatabase({ dataDir: dir })).rejects.toBeInstanceOf(DataDirLockedError);
    await first.prisma.organization.create({ data: { slug: 'kept', name: 'Kept' } });
    await first.close();
    const second = await openDatabase({ dataDir: dir });
    expect(await second.prisma.organization.count()).toBe(1);
    await second.close();
  });
});
