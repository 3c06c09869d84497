import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The README's quick start, word for word, on a clean clone: the commands are read from README.md's
 * "Quick start" section (not copied into this test), run by a shell in a fresh `git clone` of the
 * committed tree, in the order a reader types them: `npm start` on the embedded default, `curl` of
 * /healthz, then the CLI block in a second "terminal" while the server runs, and `kring demo` after it.
 *
 * Two substitutions, both named where they happen: `npm ci` is not run again inside the test (the clone
 * gets the installed node_modules and then runs what `npm ci` runs after installing, the `postinstall`
 * script: `prisma generate` and the build; CI runs the real `npm ci && npm test` on a clean clone, see
 * .ci/run), and port 3000 becomes a free port (`PORT`), because the machine may be running another Kring.
 */
const ROOT = join(import.meta.dirname, '..', '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The `sh` blocks of the README section `## <title>`, each as its command lines (comments removed). */
function shellBlocks(readme: string, title: string): string[][] {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${title}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) =>
    m[1]!
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').replace(/^#.*$/, '').trim())
      .filter((line) => line !== ''),
  );
}

/** The section's text outside its code blocks. */
function prose(readme: string, title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end).replace(/```[\s\S]*?```/g, '');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('the README quick start, word for word on a clean clone', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('installs, starts, answers /healthz, runs every CLI step beside the running server, then the demo', async () => {
    const clone = await mkdtemp(join(tmpdir(), 'kring-quick-start-'));
    cleanups.push(() => rm(clone, { recursive: true, force: true }));
    const port = await freePort();
    // A reader's environment: no Kring variables at all (no DATABASE_URL, no data directory), only the port.
    const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', PORT: String(port) };
    const sh = (command: string, timeout = 180_000): Promise<Run> =>
      new Promise((resolve) => {
        execFile('sh', ['-c', command], { cwd: clone, env, timeout, maxBuffer: 16 * 2 ** 20 }, (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
        );
      });
    /** Starts a long-running command in its own process group; resolves once `ready` matches its output. */
    const background = async (command: string, ready: RegExp): Promise<{ child: ChildProcess; output: () => string }> => {
      const child = spawn('sh', ['-c', command], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      cleanups.push(async () => {
        if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
      });
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      const deadline = Date.now() + 240_000;
      while (!ready.test(out)) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${command} did not get ready: ${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return { child, output: () => out };
    };
    /**
     * Stops a background command as Ctrl-C in its terminal does (SIGINT to its process group: the shell, npm
     * and Kring), and resolves once Kring has logged that it stopped (the shell and npm may end first, by
     * the signal). Resolves with Kring's log lines from its shutdown.
     */
    const ctrlC = async (run: { child: ChildProcess; output: () => string }) => {
      const before = run.output().length;
      process.kill(-run.child.pid!, 'SIGINT');
      const deadline = Date.now() + 60_000;
      while (!/"msg":"stopped"/.test(run.output().slice(before))) {
        if (Date.now() > deadline) throw new Error(`Kring did not stop after Ctrl-C: ${run.output().slice(before)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return run.output().slice(before);
    };

    // A clean clone of the committed tree, and its README.
    const cloned = await new Promise<Run>((resolve) =>
      execFile('git', ['clone', '--quiet', ROOT, clone], { env }, (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr })),
    );
    expect(cloned.code, cloned.stderr).toBe(0);
    const readme = await readFile(join(clone, 'README.md'), 'utf8');
    const [start, cli, ...rest] = shellBlocks(readme, 'Quick start');
    expect(rest).toEqual([]);
    expect(start).toEqual(['npm ci && npm start', 'curl localhost:3000/healthz', 'npm ci && npm test']);
    expect(cli!.length).toBeGreaterThanOrEqual(5);
    const demoCommand = /run `([^`]+ demo)`/.exec(prose(readme, 'Quick start'))?.[1];
    expect(demoCommand).toBeDefined();

    // `npm ci`: the installed packages, then what npm ci runs once they are there (package.json "postinstall").
    await symlink(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
    const installed = await sh('npm run postinstall', 300_000);
    expect(installed.code, installed.stdout + installed.stderr).toBe(0);
    expect(existsSync(join(clone, 'dist', 'bundle', 'main.js'))).toBe(true);

    // `npm start`: the one readable line that says where to click.
    const npmStart = start![0]!.replace(/^npm ci && /, '');
    expect(npmStart).toBe('npm start');
    const server = await background(npmStart, /Kring is ready/);
    expect(server.output()).toMatch(new RegExp(`Kring is ready: open http://localhost:${port}/ in your browser \\(web community: http://localhost:${port}/web/\\)\\. No chat app connected yet`));
    // `curl localhost:3000/healthz`, on the port this run got.
    const curl = await sh(start![1]!.replace('localhost:3000', `localhost:${port}`));
    expect(curl.code, curl.stderr).toBe(0);
    expect(curl.stdout).toContain('ok');
    const landing = await fetch(`http://localhost:${port}/`);
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain('href="/web/"');

    // The CLI block, line by line, while the server runs (the CLI uses the server's embedded database).
    const outputs: string[] = [];
    for (const line of cli!) {
      expect(line).toMatch(/^(node bin\/kring\.mjs|npx kring) /);
      const run = await sh(line);
      expect(run.code, `${line}\n${run.stdout}${run.stderr}`).toBe(0);
      outputs.push(run.stdout);
    }
    const all = outputs.join('\n');
    expect(all).toContain('Created organisation "my-club"');
    expect(all).toMatch(/created\s+12/);
    expect(all).toContain('Anne de Vries');
    expect(all).toMatch(/my-club/);
    // The server sees what the CLI wrote: one database.
    const ready = await fetch(`http://localhost:${port}/readyz`);
    expect(ready.status).toBe(200);

    // Ctrl-C, and it stops cleanly, releasing the embedded database.
    expect(await ctrlC(server)).not.toMatch(/"level":50|shutdown failed/);
    expect(existsSync(join(clone, 'data', 'kring.pid'))).toBe(false);
    expect(existsSync(join(clone, 'data', 'kring.socket.json'))).toBe(false);

    // `npm ci` is the same install as above; `npm test` is the suite this test belongs to (vitest run).
    expect(start![2]).toBe('npm ci && npm test');
    const pkg = JSON.parse(await readFile(join(clone, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['test']).toBe('vitest run');

    // The demo: a one-time link that signs the demo manager in to the web community.
    const demo = await background(demoCommand!, /Kring demo is ready[\s\S]*\n\s+(http\S+)\n/);
    const link = /Kring demo is ready[\s\S]*?\n\s+(http\S+)\n/.exec(demo.output())![1]!;
    expect(link).toMatch(new RegExp(`^http://localhost:${port}/web/signin/link\\?token=`));
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('id="confirm"');
    expect(await ctrlC(demo)).not.toMatch(/"level":50|shutdown failed/);
  }, 900_000);
});
