import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { kringTranslator } from '../../capabilities.js';
import { attendeesCsv, attendeesXlsx } from './attendee-export.js';
import type { Meetup } from './domain/meetup.js';
import type { AttendeeList } from './domain/meetup.service.js';

const nl = kringTranslator().for('nl');
const meetup = { id: '3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f', timeZone: 'Europe/Amsterdam' } as Meetup;
const list: AttendeeList = {
  meetup,
  headcount: { confirmedPlaces: 2, confirmedMembers: 1, waitlisted: 1, maybe: 0, notGoing: 0, checkedIn: 1 },
  rows: [
    { memberId: 'a', memberNumber: '1001', name: '=HYPERLINK("http://evil","klik")', chapterId: 'c', chapterName: '+31 Afdeling', answer: 'going', seat: 'confirmed', guests: 1, answeredAt: new Date('2026-10-20T08:00:00Z'), checkedInAt: new Date('2026-10-24T17:40:00Z'), firstVisit: true },
    { memberId: 'b', memberNumber: '1002', name: 'Bram, "de" Boer', chapterId: null, chapterName: null, answer: 'going', seat: 'waitlisted', guests: 0, answeredAt: new Date('2026-10-21T08:00:00Z'), checkedInAt: null, firstVisit: false },
  ],
  byChapter: [],
  firstTimers: 1,
};

describe('attendee exports', () => {
  it('writes CSV a spreadsheet cannot run: every text cell starting like a formula is neutralised', () => {
    const rows = parse(attendeesCsv(list, nl)) as string[][];
    expect(rows[0]).toEqual(['lidnummer', 'naam', 'afdeling', 'antwoord', 'plaats', 'gasten', 'geantwoord_op', 'aangemeld_op', 'eerste_keer']);
    expect(rows[1]).toEqual(['1001', `'=HYPERLINK("http://evil","klik")`, "'+31 Afdeling", 'ik kom', 'bevestigd', '1', '2026-10-20T08:00:00.000Z', '2026-10-24T17:40:00.000Z', 'ja']);
    expect(rows[2]).toEqual(['1002', 'Bram, "de" Boer', '', 'ik kom', 'wachtlijst', '0', '2026-10-21T08:00:00.000Z', '', '']);
  });

  it('writes an XLSX workbook with text cells neutralised, numbers as numbers and times in the meet-up\'s zone', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await attendeesXlsx(list, nl)) as never);
    const sheet = workbook.getWorksheet('Deelnemers')!;
    expect(sheet.getRow(1).getCell(2).value).toBe('naam');
    expect(sheet.getRow(2).getCell(2).value).toBe(`'=HYPERLINK("http://evil","klik")`);
    expect(sheet.getRow(2).getCell(3).value).toBe("'+31 Afdeling");
    expect(sheet.getRow(2).getCell(6).value).toBe(1);
    // 19:40 in Amsterdam (summer time), written as the wall-clock time.
    expect((sheet.getRow(2).getCell(8).value as Date).toISOString()).toBe('2026-10-24T19:40:00.000Z');
    expect(sheet.rowCount).toBe(3);
  });
});
