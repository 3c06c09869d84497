#!/usr/bin/env node
// Builds the Teams app package (the zip you sideload or upload in the Teams admin centre):
// manifest.json with the placeholders filled in, the nl localisation and the two icons.
//
//   MICROSOFT_APP_ID=<bot app id> KRING_PUBLIC_URL=https://kring.example.org npm run teams:package
//
// Writes dist/teams/kring-teams-app.zip (or the path given as the first argument). Node has no zip
// writer built in; the format needs only a few headers around zlib's raw deflate, so it is written
// here rather than adding a dependency.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const source = new URL('./app-package/', import.meta.url);
const out = resolve(process.argv[2] ?? 'dist/teams/kring-teams-app.zip');

function fail(message) {
  console.error(`teams:package: ${message}`);
  process.exit(1);
}

const appId = (process.env.MICROSOFT_APP_ID ?? '').trim();
if (!GUID.test(appId)) fail('set MICROSOFT_APP_ID to the Azure Bot\'s Microsoft App ID (a GUID).');
let publicUrl = (process.env.KRING_PUBLIC_URL ?? '').trim().replace(/\/+$/, '');
if (!publicUrl) {
  publicUrl = 'https://example.org';
  console.warn('teams:package: KRING_PUBLIC_URL is not set; the manifest links to https://example.org (fine for sideloading tests only).');
} else if (!publicUrl.startsWith('https://')) {
  fail('KRING_PUBLIC_URL must start with https:// (Teams rejects other links).');
}

const manifestText = readFileSync(new URL('manifest.json', source), 'utf8')
  .replaceAll('{{MICROSOFT_APP_ID}}', appId)
  .replaceAll('{{KRING_PUBLIC_URL}}', publicUrl);
const leftover = /\{\{[A-Z_]+\}\}/.exec(manifestText);
if (leftover) fail(`manifest.json still contains ${leftover[0]}.`);
JSON.parse(manifestText); // fail loudly on a broken template

const files = [
  ['manifest.json', Buffer.from(manifestText, 'utf8')],
  ['nl.json', readFileSync(new URL('nl.json', source))],
  ['color.png', readFileSync(new URL('color.png', source))],
  ['outline.png', readFileSync(new URL('outline.png', source))],
];

/** A zip archive (deflate, no extras) of [name, content] pairs, entries at the root. */
function zip(entries) {
  const local = [];
  const central = [];
  let offset = 0;
  // 1980-01-01 00:00, so the same inputs always give the same bytes.
  const dosTime = 0;
  const dosDate = (0 << 9) | (1 << 5) | 1;
  for (const [name, content] of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const data = deflateRawSync(content, { level: 9 });
    const crc = crc32(content);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed
    header.writeUInt16LE(0x0800, 6); // UTF-8 names
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt16LE(dosTime, 10);
    header.writeUInt16LE(dosDate, 12);
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(content.length, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(0, 28);
    local.push(header, nameBytes, data);

    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4); // version made by
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(dosTime, 12);
    entry.writeUInt16LE(dosDate, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(content.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += header.length + nameBytes.length + data.length;
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, ...central, end]);
}

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, zip(files));
console.log(`teams:package: wrote ${out} (${files.map(([n]) => n).join(', ')})`);
