import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Enforces the dependency direction of ../shared/STYLE.md: adapters, queue, persistence -> ports ->
 * domain. The domain and the ports never import an SDK, Prisma or BullMQ; no adapter imports another;
 * nothing in src/ imports an adapter except the composition root (src/main.ts); botbuilder stays in
 * adapters/teams.
 */
const root = join(import.meta.dirname, '..');

function filesUnder(dir: string): string[] {
  const abs = join(root, dir);
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (name === 'node_modules' || name === 'generated' || name === 'fixtures') continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) out.push(p);
    }
  };
  walk(abs);
  return out;
}

/** Every capability's domain folder. */
function domainDirs(): string[] {
  return readdirSync(join(root, 'src/capabilities')).map((c) => `src/capabilities/${c}/domain`).filter((d) => { try { return statSync(join(root, d)).isDirectory(); } catch { return false; } });
}

function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const specs = [...src.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  const dynamic = [...src.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
  return [...specs, ...dynamic];
}

const SDKS = [/^discord\.js/, /^@discordjs\//, /^@slack\//, /^botbuilder/, /^botframework-/, /^@azure\//, /^@prisma\//, /^prisma/, /^bullmq/, /^ioredis/, /^express/, /^pg$/, /^@electric-sql\//, /^nodemailer/, /generated\/prisma/];

function violations(dir: string, forbidden: (spec: string, file: string) => boolean): string[] {
  const files = dir === 'src/domain' ? domainDirs().flatMap(filesUnder) : filesUnder(dir);
  return files.flatMap((file) =>
    importsOf(file)
      .filter((spec) => forbidden(spec, file))
      .map((spec) => `${relative(root, file)} imports ${spec}`),
  );
}

describe('architecture boundaries', () => {
  it('keeps SDKs, Prisma and BullMQ out of the domain', () => {
    expect(violations('src/domain', (s) => SDKS.some((re) => re.test(s)))).toEqual([]);
  });

  it('keeps SDKs, Prisma and BullMQ out of the ports', () => {
    expect(violations('src/kernel', (s) => SDKS.some((re) => re.test(s)))).toEqual([]);
  });

  it('keeps the domain independent of ports, app and infrastructure', () => {
    expect(violations('src/domain', (s) => /\/(chat|infra|config|http|cli|jobs|repository|routes)\//.test(s) || s.includes('adapters/'))).toEqual([]);
  });

  it('keeps the app layer free of SDKs and infrastructure', () => {
    expect(violations('src/chat', (s) => SDKS.some((re) => re.test(s)) || /\/(infra|http)\//.test(s) || s.includes('adapters/'))).toEqual([]);
  });

  it('lets only the composition root and the CLI import adapters', () => {
    const offenders = violations('src', (s, file) => s.includes('adapters/') && !/src\/(main|cli\/[^/]+)\.ts$/.test(file));
    expect(offenders).toEqual([]);
  });

  it('never lets one adapter import another', () => {
    for (const name of ['slack', 'discord', 'teams']) {
      const others = ['slack', 'discord', 'teams'].filter((n) => n !== name);
      expect(violations(`adapters/${name}`, (s) => others.some((o) => s.includes(`/${o}/`) || s.startsWith(`../${o}`)))).toEqual([]);
    }
  });

  it('keeps botbuilder inside adapters/teams', () => {
    const bot = /^(botbuilder|botframework-)/;
    const outside = [...violations('src', (s) => bot.test(s)), ...violations('adapters/slack', (s) => bot.test(s)), ...violations('adapters/discord', (s) => bot.test(s))];
    expect(outside).toEqual([]);
  });

  it('keeps each SDK inside its own adapter', () => {
    expect(violations('src', (s) => /^(discord\.js|@discordjs\/|@slack\/)/.test(s))).toEqual([]);
  });
});
