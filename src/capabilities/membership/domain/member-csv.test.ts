import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { isMembershipError } from './membership.errors.js';
import {
  detectDelimiter,
  normalizeHeader,
  parseRoles,
  parseStatus,
  readMemberCsv,
  type MemberCsvItem,
  type ReadMemberCsvOptions,
} from './member-csv.js';

/** Feeds `content` as byte chunks of `chunkSize` (1 splits every multi-byte character). */
async function* bytes(content: string | Uint8Array, chunkSize = 64 * 1024): AsyncGenerator<Uint8Array> {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  for (let i = 0; i < buf.length; i += chunkSize) yield buf.subarray(i, i + chunkSize);
}

async function readAll(content: string | Uint8Array, options: ReadMemberCsvOptions & { chunkSize?: number } = {}): Promise<MemberCsvItem[]> {
  const items: MemberCsvItem[] = [];
  for await (const item of readMemberCsv(bytes(content, options.chunkSize), options)) items.push(item);
  return items;
}

const rows = (items: MemberCsvItem[]) => items.filter((i) => i.kind === 'row');
const errors = (items: MemberCsvItem[]) => items.filter((i) => i.kind === 'error');

async function refusal(content: Uint8Array, options: ReadMemberCsvOptions = {}): Promise<{ code: string; message: string; params: unknown }> {
  try {
    await readAll(content, options);
  } catch (error) {
    if (isMembershipError(error)) return { code: error.code, message: error.message, params: error.params };
    throw error;
  }
  throw new Error('expected the file to be refused');
}

async function failure(content: string): Promise<{ code: string; message: string }> {
  try {
    await readAll(content);
  } catch (error) {
    if (isMembershipError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected the file to be refused');
}

describe('readMemberCsv', () => {
  it('reads a Dutch Excel export: BOM, ";" separator, CRLF, Dutch headers and words', async () => {
    const csv = '\uFEFFLidnummer;Naam;E-mail;Afdeling;Status;Rollen\r\n1001;Anne de Vries;Anne@Example.org;Utrecht;actief;lid, bestuur\r\n1002;Bram Jansen;;;verlopen;\r\n';
    const items = await readAll(csv);
    expect(items[0]).toMatchObject({ kind: 'header', delimiter: ';', ignoredColumns: [] });
    expect(rows(items)).toEqual([
      { kind: 'row', line: 2, memberNumber: '1001', name: 'Anne de Vries', email: 'anne@example.org', chapter: 'Utrecht', status: 'active', roles: ['member', 'board'] },
      { kind: 'row', line: 3, memberNumber: '1002', name: 'Bram Jansen', email: null, chapter: null, status: 'lapsed', roles: ['member'] },
    ]);
    expect(errors(items)).toEqual([]);
  });

  it('reads English headers with "," and LF', async () => {
    const csv = 'member_number,name,email,chapter,status,roles\n7,Kim Peeters,kim@example.org,Gent,left,manager|ambassador\n';
    expect(rows(await readAll(csv))).toEqual([
      { kind: 'row', line: 2, memberNumber: '7', name: 'Kim Peeters', email: 'kim@example.org', chapter: 'Gent', status: 'left', roles: ['member', 'manager', 'ambassador'] },
    ]);
  });

  it('finds headers regardless of case, spaces and punctuation, and reports unknown ones', async () => {
    const csv = ' Lid nr. ;NAAM;E-mailadres;Geboortedatum;Member Number Old\n5;Noor;noor@example.org;1990-01-01;x\n';
    const items = await readAll(csv);
    expect(items[0]).toMatchObject({ columns: { memberNumber: 0, name: 1, email: 2 }, ignoredColumns: ['Geboortedatum', 'Member Number Old'] });
    expect(rows(items)[0]).toMatchObject({ memberNumber: '5', name: 'Noor', email: 'noor@example.org' });
  });

  it('keeps separators, quotes and line breaks inside quoted fields, and counts lines from where a row starts', async () => {
    const csv = 'lidnummer;naam;rollen\n1;"Jansen; Bram";"lid;bestuur"\n2;"Kees ""de"" Vries\nhuis 2";lid\n3;Ilse;lid\n';
    const items = await readAll(csv);
    expect(rows(items).map((r) => [r.line, r.name, r.roles])).toEqual([
      [2, 'Jansen; Bram', ['member', 'board']],
      [3, 'Kees "de" Vries\nhuis 2', ['member']],
      [5, 'Ilse', ['member']],
    ]);
  });

  it('skips empty lines without losing the line count', async () => {
    const items = await readAll('lidnummer;naam;e-mail\n\n1;A;bad\n\n\n2;B;\n');
    expect(errors(items).map((e) => e.line)).toEqual([3]);
    expect(rows(items).map((r) => r.line)).toEqual([6]);
  });

  it('reports a later duplicate of a member number and keeps the first', async () => {
    const items = await readAll('lidnummer;naam\n1;First\n2;Other\n1;Second\n');
    expect(rows(items).map((r) => r.name)).toEqual(['First', 'Other']);
    expect(errors(items)).toEqual([
      { kind: 'error', line: 4, memberNumber: '1', field: 'memberNumber', code: 'duplicate', message: 'member number 1 also on line 2; the first row is used' },
    ]);
  });

  it('reports bad e-mail, status, roles and language per field while the good rows pass', async () => {
    const csv = [
      'lidnummer;naam;email;status;rollen;taal',
      '1;Good;good@example.org;actief;lid;nl',
      '2;Bad mail;not-an-email;actief;lid;',
      '3;Bad status;;misschien;lid;',
      '4;Bad role;;;lid, koning;',
      '5;Bad language;;;;frans',
      ';No number;;;;',
      '7;;;;;',
      '8;Two problems;x@;weg;;',
    ].join('\n');
    const items = await readAll(csv);
    expect(rows(items).map((r) => r.memberNumber)).toEqual(['1']);
    expect(errors(items).map((e) => e.kind === 'error' && [e.line, e.memberNumber, e.field, e.code])).toEqual([
      [3, '2', 'email', 'invalid'],
      [4, '3', 'status', 'invalid'],
      [5, '4', 'roles', 'invalid'],
      [6, '5', 'locale', 'invalid'],
      [7, undefined, 'memberNumber', 'required'],
      [8, '7', 'name', 'required'],
      [9, '8', 'email', 'invalid'],
      [9, '8', 'status', 'invalid'],
    ]);
    const messages = errors(items).map((e) => (e.kind === 'error' ? e.message : ''));
    expect(messages[0]).toBe('"not-an-email" is not a valid e-mail address');
    expect(messages[1]).toContain('unknown status "misschien"');
    expect(messages[2]).toContain('unknown role "koning"');
  });

  it('reads the language column only when the file has one', async () => {
    const withColumn = rows(await readAll('lidnummer;naam;taal\n1;A;English\n2;B;\n3;C;nl-BE\n'));
    expect(withColumn.map((r) => r.locale)).toEqual(['en', null, 'nl']);
    const without = rows(await readAll('lidnummer;naam\n1;A\n'));
    expect('locale' in without[0]!).toBe(false);
  });

  it('reports a row with more values than columns instead of shifting its data', async () => {
    const items = await readAll('member number,name,email\n1,Jansen, Bram,bram@example.org\n2,Kim,\n3,Lotte,lotte@example.org,,\n');
    expect(errors(items)).toEqual([
      expect.objectContaining({ line: 2, memberNumber: '1', code: 'malformed', message: expect.stringContaining('4 values but the header has 3 columns') }),
    ]);
    expect(rows(items).map((r) => r.memberNumber)).toEqual(['2', '3']);
  });

  it('joins first name, infix and last name when there is no name column', async () => {
    const items = await readAll('Lidnummer\tVoornaam\tTussenvoegsel\tAchternaam\n12\tAnne\tvan der\tBerg\n13\tPriya\t\tShah\n');
    expect(items[0]).toMatchObject({ delimiter: '\t' });
    expect(rows(items).map((r) => r.name)).toEqual(['Anne van der Berg', 'Priya Shah']);
  });

  it('refuses a header without the required columns, naming them and the accepted names', async () => {
    const { code, message } = await failure('nummer;volledig;email\n1;A;a@example.org\n');
    expect(code).toBe('MEMBERSHIP.CSV_MISSING_COLUMNS');
    expect(message).toContain('no member number and no name column');
    expect(message).toContain('"lidnummer"');
    expect(message).toContain('"member_number"');
    expect(message).toContain('"naam"');
    expect(message).toContain('Found: "nummer", "volledig", "email"');
  });

  it('refuses two columns for the same field', async () => {
    expect((await failure('lidnummer;naam;name\n1;A;B\n')).code).toBe('MEMBERSHIP.CSV_DUPLICATE_COLUMN');
  });

  it('refuses an empty file', async () => {
    expect((await failure('')).code).toBe('MEMBERSHIP.CSV_EMPTY');
    expect((await failure('\uFEFF')).code).toBe('MEMBERSHIP.CSV_EMPTY');
  });

  it('reports an unterminated quote at the end as a bad row after the good rows', async () => {
    const items = await readAll('lidnummer;naam\n1;A\n2;"B\n');
    expect(rows(items).map((r) => r.memberNumber)).toEqual(['1']);
    expect(errors(items)).toEqual([expect.objectContaining({ line: 3, code: 'malformed' })]);
  });

  it('decodes multi-byte characters split across chunks', async () => {
    const items = await readAll('lidnummer;naam;afdeling\n1;Zoë Ağaoğlu;Curaçao\n', { chunkSize: 1 });
    expect(rows(items)[0]).toMatchObject({ name: 'Zoë Ağaoğlu', chapter: 'Curaçao' });
  });

  it('decodes Windows-1252 exports when asked', async () => {
    const latin = Buffer.from('lidnummer;naam;status\n1;Zoë Hennequin;beëindigd\n', 'latin1');
    const items = await readAll(latin, { encoding: 'windows-1252' });
    expect(rows(items)[0]).toMatchObject({ name: 'Zoë Hennequin', status: 'left' });
  });

  it('detects a Windows-1252 export as Excel on Windows writes it, and reads its names intact', async () => {
    const file = iconv.encode('Lidnummer;Naam;Afdeling\r\n1001;José Özil;Curaçao\r\n1002;Anne de Vries;Noord\r\n', 'windows-1252');
    const decisions: unknown[] = [];
    const items = await readAll(file, { onEncoding: (d) => decisions.push(d) });
    expect(rows(items).map((r) => [r.name, r.chapter])).toEqual([['José Özil', 'Curaçao'], ['Anne de Vries', 'Noord']]);
    expect(errors(items)).toEqual([]);
    expect(decisions).toEqual([{ encoding: 'windows-1252', source: 'detected' }]);
  });

  it('detects the encoding where the first accented letter comes late in the file (bounded memory)', async () => {
    const ascii = Array.from({ length: 3000 }, (_, i) => `${i + 1};Lid ${i + 1}\n`).join('');
    const file = iconv.encode(`lidnummer;naam\n${ascii}9999;Zoë Müller\n`, 'windows-1252');
    const items = await readAll(file, { chunkSize: 4096 });
    expect(rows(items)).toHaveLength(3001);
    expect(rows(items).at(-1)).toMatchObject({ memberNumber: '9999', name: 'Zoë Müller' });
  });

  it('reads UTF-8 with and without BOM and UTF-16 LE/BE with BOM, split at every byte', async () => {
    const csv = 'lidnummer;naam\n1;José Özil\n2;Zoë Ağaoğlu\n';
    const bom = (enc: 'utf16le' | 'utf16be' | 'utf8') => Buffer.concat([iconv.encode('\uFEFF', enc), iconv.encode(csv, enc)]);
    for (const file of [Buffer.from(csv), bom('utf8'), bom('utf16le'), bom('utf16be')]) {
      const items = await readAll(file, { chunkSize: 1 });
      expect(rows(items).map((r) => r.name)).toEqual(['José Özil', 'Zoë Ağaoğlu']);
    }
  });

  it('never stores U+FFFD: a name damaged before the export is a row error, the other rows are read', async () => {
    const items = await readAll('lidnummer;naam\n1;Jos\uFFFD \uFFFDzil\n2;Anne\n');
    expect(rows(items).map((r) => r.memberNumber)).toEqual(['2']);
    expect(errors(items)).toEqual([expect.objectContaining({ line: 2, memberNumber: '1', field: 'name', code: 'invalid' })]);
  });

  it('never stores U+FFFD from a byte Windows-1252 leaves undefined, even when the encoding is given', async () => {
    const file = Buffer.concat([Buffer.from('lidnummer;naam\n1;Jo'), Buffer.from([0x81]), Buffer.from('st\n2;Piet\n')]);
    const items = await readAll(file, { encoding: 'windows-1252' });
    expect(rows(items).map((r) => r.memberNumber)).toEqual(['2']);
    expect(errors(items)).toEqual([expect.objectContaining({ line: 2, field: 'name', code: 'invalid' })]);
  });

  it('stops naming --encoding where it cannot tell the encoding', async () => {
    // Bytes Windows-1252 leaves undefined (as a DOS code page writes "ü" and "É"): not UTF-8, not Windows-1252.
    const file = Buffer.concat([Buffer.from('lidnummer;naam\n1;Anne\n2;M'), Buffer.from([0x81]), Buffer.from('ller '), Buffer.from([0x90]), Buffer.from('mile\n')]);
    const error = await refusal(file);
    expect(error).toMatchObject({ code: 'MEMBERSHIP.CSV_ENCODING_UNKNOWN', params: { line: 3 } });
    expect(error.message).toContain('--encoding');
  });

  it('stops naming --encoding when a file read as UTF-8 holds bytes that are not UTF-8', async () => {
    const file = iconv.encode('lidnummer;naam\n1;José\n', 'windows-1252');
    const error = await refusal(file, { encoding: 'utf-8' });
    expect(error).toMatchObject({ code: 'MEMBERSHIP.CSV_ENCODING_INVALID', params: { line: 2, encoding: 'utf-8' } });
    expect(error.message).toContain('--encoding');
  });
});

describe('member CSV words', () => {
  it('detects the separator from the header line', () => {
    expect(detectDelimiter('Lidnummer;Naam;E-mail')).toBe(';');
    expect(detectDelimiter('member_number,name')).toBe(',');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('"naam, voluit";lidnummer')).toBe(';');
    expect(detectDelimiter('lidnummer')).toBe(',');
  });

  it('normalises header names', () => {
    expect(normalizeHeader(' Lid nr. ')).toBe('lidnr');
    expect(normalizeHeader('E-Mail')).toBe('email');
    expect(normalizeHeader('member_number')).toBe('membernumber');
  });

  it('reads status words in Dutch and English', () => {
    expect(['', 'Actief', 'active'].map(parseStatus)).toEqual(['active', 'active', 'active']);
    expect(['verlopen', 'GESCHORST', 'lapsed'].map(parseStatus)).toEqual(['lapsed', 'lapsed', 'lapsed']);
    expect(['opgezegd', 'vertrokken', 'left'].map(parseStatus)).toEqual(['left', 'left', 'left']);
    expect(parseStatus('misschien')).toBeUndefined();
  });

  it('reads role words in Dutch and English with any separator', () => {
    expect(parseRoles('')).toEqual({ roles: ['member'] });
    expect(parseRoles('bestuur; communitymanager')).toEqual({ roles: ['member', 'manager', 'board'] });
    expect(parseRoles('Community Manager | Ambassadeur')).toEqual({ roles: ['member', 'manager', 'ambassador'] });
    expect(parseRoles('klankbordgroep lid')).toEqual({ roles: ['member', 'sounding_board'] });
    // "sounding board" is one role, not the board.
    expect(parseRoles('sounding board')).toEqual({ roles: ['member', 'sounding_board'] });
    expect(parseRoles('board,member,board')).toEqual({ roles: ['member', 'board'] });
    expect(parseRoles('lid, koning')).toEqual({ unknown: ['koning'] });
  });
});
