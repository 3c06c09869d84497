#!/usr/bin/env node
// Compiles Kring for running: every TypeScript file of src/ and adapters/ (tests left out) transpiled by
// esbuild into dist/, one file each, keeping the layout (so import paths and `import.meta.url` look-ups
// stay right); every other file there (pages, styles, browser scripts) copied beside them; the SQL
// migrations into dist/prisma/migrations. Type checking is `npm run typecheck`'s job, not this one's:
// transpiling takes about a second, so `npm start` never runs TypeScript through tsx on every start.
//
// Beside that, dist/bundle/ holds the same program as two bundles (main.js for `npm start`, kring.js for the
// CLI; chunks shared, the platforms' adapters and other lazily imported parts split off): Node then loads a
// handful of files instead of about 350 (our files and zod's), which is a fifth of the CPU time of loading
// Kring (docs/BENCHMARKS.md, Start-up). npm packages stay outside it, except zod (nothing outside our code
// imports it at run time). Each bundled file's `import.meta.url` is rewritten to the URL of its per-file twin
// in dist/, so the pages, styles and migrations it finds beside itself are the same files.
//
// dist/.build-hash holds a hash of every input: `--if-needed` rebuilds only when it differs (a source edit,
// a git pull), which is what `npm start` and the `kring` launcher do.
//
//   node scripts/build.mjs               build
//   node scripts/build.mjs --if-needed   build unless dist/ is up to date
//   node scripts/build.mjs --postinstall as --if-needed, but never fail an install (no sources yet, e.g. a
//                                        Docker layer that installs before copying src/)
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['src', 'adapters'];
const OUT = join(root, 'dist');
const HASH_FILE = join(OUT, '.build-hash');
/** Bump when the way of building changes (old builds are then rebuilt). */
const BUILD_FORMAT = 'esbuild-2';

const isTest = (path) => /\.test\.ts$/.test(path) || path.split(sep).includes('fixtures');

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** Every input of the build, sorted: sources, assets, migrations. */
function inputs() {
  const files = SOURCE_DIRS.flatMap((d) => walk(join(root, d))).filter((f) => !isTest(f));
  files.push(...walk(join(root, 'prisma', 'migrations')));
  return files.sort();
}

/** A hash over every input's path and content (and the build format and Node's major version). */
export function sourceHash(files = inputs()) {
  const hash = createHash('sha256').update(`${BUILD_FORMAT}\0${process.versions.node.split('.')[0]}\0`);
  for (const file of files) {
    hash.update(relative(root, file)).update('\0');
    hash.update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** Whether dist/ was built from exactly these sources. */
export function upToDate(hash = sourceHash()) {
  return existsSync(HASH_FILE) && readFileSync(HASH_FILE, 'utf8').trim() === hash;
}

/** Builds dist/ (into a fresh folder, swapped in at the end, so a failed build leaves the old one). */
export async function build({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const started = Date.now();
  const { transform, build: bundle } = await import('esbuild');
  const files = inputs();
  const hash = sourceHash(files);
  const next = `${OUT}.next-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  let count = 0;
  await Promise.all(
    files.map(async (file) => {
      const rel = relative(root, file);
      const target = join(next, rel);
      mkdirSync(dirname(target), { recursive: true });
      if (file.endsWith('.ts') && !file.endsWith('.d.ts')) {
        const { code } = await transform(readFileSync(file, 'utf8'), {
          loader: 'ts',
          format: 'esm',
          platform: 'node',
          target: 'node20',
          sourcefile: rel,
          tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } },
        });
        writeFileSync(target.replace(/\.ts$/, '.js'), code);
        count++;
      } else if (!file.endsWith('.d.ts')) {
        cpSync(file, target);
      }
    }),
  );
  await bundle(bundleOptions(join(next, 'bundle')));
  writeFileSync(join(next, '.build-hash'), `${hash}\n`);
  // The package's own type so Node reads dist/ as ES modules wherever it is started from.
  writeFileSync(join(next, 'package.json'), '{ "type": "module" }\n');
  // Swapped in by renames: a process that starts meanwhile finds no hash file and waits for the lock.
  const old = `${OUT}.old-${process.pid}`;
  if (existsSync(OUT)) renameSync(OUT, old);
  renameSync(next, OUT);
  rmSync(old, { recursive: true, force: true });
  writeCliHelp();
  log(`kring: compiled ${count} files into dist/ in ${Date.now() - started} ms`);
}

/** Packages bundled in; every other import of a package stays an import. */
const BUNDLED_PACKAGES = /^(zod|@asteasolutions\/zod-to-openapi)(\/|$)/;

/** esbuild options for dist/bundle/ (see the top of this file). */
function bundleOptions(outdir) {
  return {
    absWorkingDir: root,
    entryPoints: { main: 'src/main.ts', kring: 'src/cli/kring.ts' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunk-[hash]',
    logLevel: 'error',
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } },
    plugins: [
      {
        name: 'kring-packages-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => (BUNDLED_PACKAGES.test(args.path) || args.path.startsWith('node:') ? undefined : { path: args.path, external: true }));
        },
      },
      {
        name: 'kring-import-meta-url',
        setup(b) {
          b.onLoad({ filter: /\.ts$/ }, (args) => {
            let contents = readFileSync(args.path, 'utf8');
            if (contents.includes('import.meta.url')) {
              // The per-file twin's URL, relative to the bundle's folder.
              const twin = relative(outdir, join(outdir, '..', relative(root, args.path))).split(sep).join('/').replace(/\.ts$/, '.js');
              contents = contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(twin)}, import.meta.url).href`);
            }
            return { contents, loader: 'ts' };
          });
        },
      },
    ],
  };
}

/** Where the launcher finds `kring --help` without loading the application (bin/kring.mjs). */
export const CLI_HELP_FILE = join(OUT, 'cli-help.txt');

/**
 * `kring --help` as the full CLI prints it, written once per build: the top-level help lists every
 * capability's commands, which only loading every capability can tell, so the launcher prints this file
 * instead (0.1 s instead of a second). Without it (the run failed) the launcher loads the CLI as before.
 */
function writeCliHelp() {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' };
  const run = spawnSync(process.execPath, [join(OUT, 'src', 'cli', 'kring.js'), '--help'], { env, encoding: 'utf8', timeout: 60_000 });
  if (run.status === 0 && run.stdout.includes('Usage: kring')) writeFileSync(CLI_HELP_FILE, run.stdout);
}

/** Builds when dist/ is missing or stale; returns whether it built. One process builds at a time. */
export async function buildIfNeeded(options) {
  if (upToDate()) return false;
  const release = await lock();
  try {
    // Another process may have built while this one waited.
    if (upToDate()) return false;
    await build(options);
    return true;
  } finally {
    release();
  }
}

const LOCK_FILE = join(root, '.dist.lock');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Takes the build lock (a pid file; a stale one, its process gone, is taken over). */
async function lock() {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      writeFileSync(LOCK_FILE, String(process.pid), { flag: 'wx' });
      return () => rmSync(LOCK_FILE, { force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(LOCK_FILE, 'utf8').trim() || '0');
      if (!pid || !alive(pid)) {
        rmSync(LOCK_FILE, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another build (pid ${pid}) holds ${LOCK_FILE}`);
      await sleep(100);
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  try {
    if (args.includes('--postinstall')) {
      if (!existsSync(join(root, 'src', 'main.ts'))) process.exit(0);
      await buildIfNeeded();
    } else if (args.includes('--if-needed')) {
      await buildIfNeeded();
    } else {
      await build();
    }
  } catch (err) {
    process.stderr.write(`kring: building dist/ failed: ${err?.message ?? err}\n`);
    // An install must not fail for this: `npm start` builds again and reports the error there.
    process.exit(args.includes('--postinstall') ? 0 : 1);
  }
}
