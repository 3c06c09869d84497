import { describe, expect, it } from 'vitest';
import { KringError, ValidationError } from '../../../kernel/errors.js';
import { validate } from '../../../kernel/validate.js';
import { zonedTimeToUtc } from '../../../kernel/zoned-time.js';
import { announcementContentSchema, newAnnouncementSchema, parseAnnouncementText, parsePublishTime } from './news.schemas.js';

describe(parseAnnouncementText.name, () => {
  it('reads a title and a body', () => {
    expect(parseAnnouncementText('Ledenvergadering | Kom allemaal op 12 december')).toEqual({ title: 'Ledenvergadering', body: 'Kom allemaal op 12 december' });
  });

  it('takes trailing web addresses as the link and then the image', () => {
    expect(parseAnnouncementText('Borrel | Vrijdag in Utrecht | https://example.org/borrel | https://example.org/b.png')).toEqual({
      title: 'Borrel',
      body: 'Vrijdag in Utrecht',
      linkUrl: 'https://example.org/borrel',
      imageUrl: 'https://example.org/b.png',
    });
  });

  it('keeps a bar inside the body', () => {
    expect(parseAnnouncementText('Uitslag | Ja 12 | Nee 3').body).toBe('Ja 12 | Nee 3');
  });

  it('refuses text without a body', () => {
    expect(() => parseAnnouncementText('Alleen een titel')).toThrow(ValidationError);
    expect(() => parseAnnouncementText('Titel |   ')).toThrow(ValidationError);
  });
});

describe('announcement schemas', () => {
  it('refuses a title longer than a Slack header holds', () => {
    expect(() => validate(announcementContentSchema, { title: 'x'.repeat(151), body: 'b' })).toThrow(ValidationError);
  });

  it('accepts only web addresses, and images only over https', () => {
    expect(() => validate(announcementContentSchema, { title: 't', body: 'b', linkUrl: 'javascript:alert(1)' })).toThrow(ValidationError);
    expect(() => validate(announcementContentSchema, { title: 't', body: 'b', imageUrl: 'http://example.org/a.png' })).toThrow(ValidationError);
    expect(validate(announcementContentSchema, { title: 't', body: 'b', linkUrl: 'http://example.org' }).linkUrl).toBe('http://example.org');
  });

  it('defaults to everyone, no direct messages, published now', () => {
    const parsed = validate(newAnnouncementSchema, { organizationId: '00000000-0000-4000-8000-000000000001', title: 't', body: 'b' });
    expect(parsed).toMatchObject({ audience: { kind: 'all' }, directMessages: false, publishAt: null, authorMemberId: null, linkUrl: null });
  });
});

describe(parsePublishTime.name, () => {
  // 2026-11-25 10:00 in Amsterdam (CET, UTC+1).
  const now = new Date('2026-11-25T09:00:00Z');
  const tz = 'Europe/Amsterdam';

  it('reads relative times', () => {
    expect(parsePublishTime('+30m', now, tz).toISOString()).toBe('2026-11-25T09:30:00.000Z');
    expect(parsePublishTime('+2h', now, tz).toISOString()).toBe('2026-11-25T11:00:00.000Z');
    expect(parsePublishTime('+1d', now, tz).toISOString()).toBe('2026-11-26T09:00:00.000Z');
  });

  it('reads a clock time as the next time it is that o’clock in the organisation’s zone', () => {
    expect(parsePublishTime('14:15', now, tz).toISOString()).toBe('2026-11-25T13:15:00.000Z');
    expect(parsePublishTime('09:00', now, tz).toISOString()).toBe('2026-11-26T08:00:00.000Z');
  });

  it('reads a date and time in winter and in summer time', () => {
    expect(parsePublishTime('2026-12-01T09:00', now, tz).toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(parsePublishTime('2027-07-01@09:00', now, tz).toISOString()).toBe('2027-07-01T07:00:00.000Z');
  });

  it('refuses the past, impossible dates, far futures and nonsense', () => {
    for (const input of ['2026-11-24T09:00', '2026-02-30T09:00', '2028-01-01T09:00', '25:00', 'tomorrow', '+0m']) {
      expect(() => parsePublishTime(input, now, tz), input).toThrow(KringError);
    }
  });

  it('moves a time in the spring-forward gap to after it', () => {
    // 2027-03-28 02:30 does not exist in Amsterdam.
    const at = zonedTimeToUtc({ year: 2027, month: 3, day: 28, hour: 2, minute: 30 }, tz);
    expect(at.toISOString()).toBe('2027-03-28T01:30:00.000Z');
  });
});
