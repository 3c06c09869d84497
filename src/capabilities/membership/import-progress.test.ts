import { describe, expect, it } from 'vitest';
import { ImportProgressDisplay, formatCount } from './import-progress.js';

function harness(isTTY: boolean) {
  let t = 0;
  const written: string[] = [];
  const sut = new ImportProgressDisplay({ isTTY, write: (s: string) => written.push(s) }, () => t);
  return { sut, written, advance: (ms: number) => void (t += ms) };
}

describe(ImportProgressDisplay.name, () => {
  it('rewrites one line on a terminal, at most every 100 ms, and clears it at the end', () => {
    const { sut, written, advance } = harness(true);
    advance(50);
    sut.update({ rowsRead: 500, rowsImported: 500 });
    expect(written).toEqual([]);
    advance(450);
    sut.update({ rowsRead: 5000, rowsImported: 4990 });
    expect(written).toEqual(['\r\x1b[Kimporting: 5,000 rows read, 4,990 imported, 10,000 rows/s']);
    sut.finish();
    expect(written.at(-1)).toBe('\r\x1b[K');
  });

  it('prints a plain line every 2 seconds when not on a terminal', () => {
    const { sut, written, advance } = harness(false);
    advance(1000);
    sut.update({ rowsRead: 1000, rowsImported: 1000 });
    advance(1500);
    sut.update({ rowsRead: 2500, rowsImported: 2500 });
    sut.finish();
    expect(written).toEqual(['importing: 2,500 rows read, 2,500 imported, 1,000 rows/s\n']);
  });

  it('formats counts with thousands separators', () => {
    expect(formatCount(1234567.4)).toBe('1,234,567');
  });
});
