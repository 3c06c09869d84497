import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npx kring members list | head -5`: the reader closes the pipe early. The CLI (bin/kring.mjs, as `npx
 * kring` runs it) must stop quietly, with no EPIPE stack trace.
 */
const root = join(import.meta.dirname, '..', '..');

function run(args: string[], env: Record<string, string>, options: { closeStdout?: boolean } = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [join(root, 'bin', 'kring.mjs'), ...args], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // What `head` does once it has read enough: the write end of the pipe then fails with EPIPE.
  if (options.closeStdout) child.stdout.destroy();
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

describe('kring output into a pipe that closes early', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'kring-pipe-'));
    const created = await run(['org', 'create', 'pijp', '--name', 'Pijp'], { KRING_DATA_DIR: dataDir });
    expect(created.code).toBe(0);
    const imported = await run(['members', 'import', 'examples/members.csv', '--org', 'pijp'], { KRING_DATA_DIR: dataDir });
    expect(imported.code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stops quietly, without an EPIPE stack trace', async () => {
    const listed = await run(['members', 'list', '--org', 'pijp'], { KRING_DATA_DIR: dataDir }, { closeStdout: true });

    expect(listed.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(listed.code).toBe(0);
  }, 60_000);
});
