import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, line, wellFormed } from './common.schemas.js';

describe('API schema helpers', () => {
  it('round-trips keyset cursors and rejects foreign ones', () => {
    for (const key of ['L-1', '', 'ü/ñ,"x"', '0'.repeat(64)]) expect(decodeCursor(encodeCursor(key))).toBe(key);
    expect(decodeCursor('not-a-cursor')).toBeUndefined();
    expect(decodeCursor(Buffer.from('{"k":1}').toString('base64url'))).toBeUndefined();
  });

  it('accepts single-line, valid Unicode text only', () => {
    const schema = line(10);
    expect(schema.parse('  Jan  ')).toBe('Jan');
    for (const bad of ['', '   ', 'a\nb', 'a\tb', '\u0085x', 'x'.repeat(11), '\ud800']) expect(schema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    expect(wellFormed('😀')).toBe(true);
    expect(wellFormed('\udc00x')).toBe(false);
  });
});
