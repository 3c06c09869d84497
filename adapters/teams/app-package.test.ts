import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = new URL('./app-package/', import.meta.url);
/** The parts of the manifest these tests read. */
interface Manifest {
  manifestVersion: string;
  name: { short: string; full: string };
  description: { short: string; full: string };
  bots: { botId: string; scopes: string[]; commandLists: { commands: { title: string; description: string }[] }[] }[];
  authorization: { permissions: { resourceSpecific: { name: string; type: string }[] } };
  webApplicationInfo: { id: string };
}

const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as Manifest;
const nl = JSON.parse(readFileSync(new URL('nl.json', dir), 'utf8')) as Record<string, string>;

function pngSize(name: string): { width: number; height: number; colourType: number } {
  const png = readFileSync(new URL(name, dir));
  expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), colourType: png[25]! };
}

describe('Teams app package', () => {
  it('declares a bot in personal, team and group chat scopes with the command menu', () => {
    expect(Number(manifest.manifestVersion)).toBeGreaterThanOrEqual(1.17);
    const bot = manifest.bots[0]!;
    expect(bot.botId).toBe('{{MICROSOFT_APP_ID}}');
    expect(bot.scopes).toEqual(['personal', 'team', 'groupChat']);
    expect(bot.commandLists[0]!.commands.map((c) => c.title)).toEqual(['link', 'verify', 'whoami', 'help', 'unlink']);
  });

  it('asks the RSC permission to see channel messages without an @mention', () => {
    expect(manifest.authorization.permissions.resourceSpecific).toContainEqual({ name: 'ChannelMessage.Read.Group', type: 'Application' });
    // The bot also declares groupChat: without this one, group chats deliver only messages that @mention it.
    expect(manifest.authorization.permissions.resourceSpecific).toContainEqual({ name: 'ChatMessage.Read.Chat', type: 'Application' });
    expect(manifest.webApplicationInfo.id).toBe('{{MICROSOFT_APP_ID}}');
  });

  it('keeps texts within the manifest limits, in English and Dutch', () => {
    expect(manifest.name.short.length).toBeLessThanOrEqual(30);
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
    expect(nl['description.short']!.length).toBeLessThanOrEqual(80);
    expect(nl['name.full']!.length).toBeLessThanOrEqual(100);
    for (const command of manifest.bots[0]!.commandLists[0]!.commands) expect(command.description.length).toBeLessThanOrEqual(128);
  });

  it('has a 192x192 colour icon and a 32x32 transparent outline icon', () => {
    expect(pngSize('color.png')).toMatchObject({ width: 192, height: 192 });
    expect(pngSize('outline.png')).toEqual({ width: 32, height: 32, colourType: 6 /* RGBA */ });
  });

  it('zips the manifest with the app id filled in', () => {
    const out = mkdtempSync(join(tmpdir(), 'kring-teams-'));
    try {
      const zipPath = join(out, 'app.zip');
      execFileSync(process.execPath, [new URL('./package-app.mjs', import.meta.url).pathname, zipPath], {
        env: { ...process.env, MICROSOFT_APP_ID: '3c9b1f1e-7c1a-4a0b-9a8e-5a1e1b2c3d4e', KRING_PUBLIC_URL: 'https://kring.example.org' },
        stdio: 'pipe',
      });
      const zip = readFileSync(zipPath);
      expect(zip.readUInt32LE(0)).toBe(0x04034b50);
      const names = ['manifest.json', 'nl.json', 'color.png', 'outline.png'];
      for (const name of names) expect(zip.includes(Buffer.from(name))).toBe(true);
      expect(zip.readUInt16LE(zip.length - 22 + 10)).toBe(names.length);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('refuses to package without a valid app id', () => {
    expect(() =>
      execFileSync(process.execPath, [new URL('./package-app.mjs', import.meta.url).pathname, join(tmpdir(), 'never.zip')], {
        env: { ...process.env, MICROSOFT_APP_ID: 'not-a-guid' },
        stdio: 'pipe',
      }),
    ).toThrow();
  });
});
