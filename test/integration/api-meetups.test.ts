import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaMeetupRepository } from '../../src/capabilities/meetups/repository/prisma-meetup.repository.js';
import { verifyKringSignature } from '../../src/capabilities/webhooks/domain/webhook-signature.js';
import type { Member } from '../../src/kernel/community.js';
import { startApiHarness, type ApiHarness } from './api-harness.js';

/**
 * The meet-ups' admin API for a CRM or a website, through the real router on PostgreSQL (every answer is
 * checked against the OpenAPI document by the harness): create with the organisation's wall-clock times,
 * scopes, the same rules as in chat (422 with a code, nothing stored), the attendee list as JSON, CSV and
 * XLSX, the .ics, changes and cancelling; and the webhooks event.created, rsvp.changed, event.attended.
 */
describe('admin API: meet-ups', () => {
  let h: ApiHarness;
  let write: string;
  let read: string;
  const base = '/api/v1/orgs/fietsclub/events';
  const received: { verified: boolean; event: string; body: Record<string, unknown> }[] = [];
  let receiver: Server;
  let receiverUrl = '';
  let webhookSecret = '';
  let anna: Member;

  beforeAll(async () => {
    h = await startApiHarness({ capabilities: ['membership', 'channels', 'polls', 'meetups', 'webhooks', 'api-tokens'], webhookRetryDelaysMs: [50, 50] });
    write = (await h.token(h.orgA, ['events:write'])).secret;
    read = (await h.token(h.orgA, ['events:read'])).secret;
    await h.connectChannel(h.orgA, 'general');
    const [utrecht] = await h.repos.chapters.ensureMany(h.orgA.id, ['Utrecht']);
    await h.repos.members.upsertMany(h.orgA.id, [{ memberNumber: '1001', name: 'Anna de Vries', email: null, status: 'active', roles: ['member'], chapterId: utrecht!.id }]);
    anna = (await h.repos.members.findByNumber(h.orgA.id, '1001'))!;
    receiver = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks);
      received.push({
        verified: verifyKringSignature(webhookSecret, req.headers['kring-signature'] as string | undefined, raw, 300),
        event: String(req.headers['kring-event']),
        body: JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
      });
      res.statusCode = 204;
      res.end();
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/kring`;
    const added = await h.install.webhooks.add({ organizationId: h.orgA.id, url: receiverUrl, events: ['event.created', 'rsvp.changed', 'event.attended'] });
    webhookSecret = added.secret;
  });

  afterAll(async () => {
    await h?.close();
    await new Promise((r) => receiver?.close(r));
  });

  const waitFor = async (n: number) => {
    const end = Date.now() + 10_000;
    while (received.length < n) {
      if (Date.now() > end) throw new Error(`received ${received.length} of ${n} webhooks`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const body = { title: 'Afdelingsavond', startsAt: '2027-10-23T19:30', endsAt: '2027-10-23T21:30', place: 'Stadhuisplein 1, Utrecht', capacity: 2, guestsPerMember: 1, rsvpDeadline: '2027-10-22' };

  it('creates a meet-up in the organisation\'s time zone and tells the webhooks', async () => {
    const res = await h.call('POST', base, { token: write, json: { ...body, rsvpDeadline: '2027-10-22T18:00' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      title: 'Afdelingsavond',
      startsAt: '2027-10-23T17:30:00.000Z',
      endsAt: '2027-10-23T19:30:00.000Z',
      rsvpDeadline: '2027-10-22T16:00:00.000Z',
      timeZone: 'Europe/Amsterdam',
      place: { kind: 'address', text: 'Stadhuisplein 1, Utrecht' },
      capacity: 2,
      status: 'scheduled',
      reminderOffsets: [1440, 60],
      headcount: { confirmedPlaces: 0, waitlisted: 0 },
      checkInCode: expect.stringMatching(/^[2-9A-Z]{6}$/),
      icsUrl: expect.stringMatching(/^http:\/\/localhost:3000\/meetups\/ics\/[0-9a-f-]{36}\/[0-9A-Za-z]{24}\.ics$/),
    });
    expect((await h.call('GET', `${base}/${res.body.id}`, { token: read })).body.id).toBe(res.body.id);
    expect((await h.call('GET', base, { token: read })).body.data.map((m: { id: string }) => m.id)).toContain(res.body.id);
    await waitFor(1);
    expect(received[0]).toMatchObject({ verified: true, event: 'event.created', body: { type: 'event.created', data: { eventId: res.body.id, startsAt: '2027-10-23T17:30:00.000Z', capacity: 2, audience: { kind: 'all' } } } });
  });

  it('holds the scopes: reading is not writing, other scopes are neither', async () => {
    expect((await h.call('POST', base, { token: read, json: body })).status).toBe(403);
    const polls = (await h.token(h.orgA, ['polls:write'])).secret;
    expect((await h.call('GET', base, { token: polls })).status).toBe(403);
    expect((await h.call('GET', '/api/v1/orgs/zwemclub/events', { token: read })).status).toBe(404);
  });

  it('refuses bad times with the rule\'s code and stores nothing', async () => {
    const before = (await h.call('GET', `${base}?includePast=true&includeCancelled=true`, { token: read })).body.data.length;
    const end = await h.call('POST', base, { token: write, json: { ...body, endsAt: '2027-10-23T18:00' } });
    expect([end.status, end.body.code]).toEqual([422, 'MEETUP.END_BEFORE_START']);
    const past = await h.call('POST', base, { token: write, json: { ...body, startsAt: '2020-01-01T19:30', endsAt: '2020-01-01T21:30', rsvpDeadline: null } });
    expect([past.status, past.body.code]).toEqual([422, 'MEETUP.START_PASSED']);
    const zero = await h.call('POST', base, { token: write, json: { ...body, capacity: 0 } });
    expect(zero.status).toBe(400);
    expect(zero.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.capacity']);
    const garbage = await h.call('POST', base, { token: write, json: { ...body, startsAt: 'tomorrow', extra: 1 } });
    expect(garbage.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body', 'body.startsAt']);
    expect((await h.call('GET', `${base}?includePast=true&includeCancelled=true`, { token: read })).body.data.length).toBe(before);
  });

  it('serves the attendee list as JSON, CSV and XLSX, and the meet-up as .ics', async () => {
    const created = (await h.call('POST', base, { token: write, json: { ...body, title: 'Lijst' } })).body;
    const repo = new PrismaMeetupRepository(h.db.prisma);
    await repo.castRsvp({ meetupId: created.id, memberId: anna.id, answer: 'going', guests: 1, account: null, at: new Date() });
    const list = await h.call('GET', `${base}/${created.id}/attendees`, { token: read });
    expect(list.body.data).toEqual([
      expect.objectContaining({ memberNumber: '1001', name: 'Anna de Vries', chapter: { id: anna.chapterId, name: 'Utrecht' }, answer: 'going', place: 'confirmed', guests: 1, checkedInAt: null }),
    ]);
    expect(list.body.event.headcount).toMatchObject({ confirmedPlaces: 2, confirmedMembers: 1 });

    const csv = await h.call('GET', `${base}/${created.id}/attendees.csv?lang=en`, { token: read });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text.split('\r\n')[0]).toBe('member_number,name,chapter,answer,place,guests,answered_at,checked_in_at,first_time');
    expect(csv.text).toContain('1001,Anna de Vries,Utrecht,going,confirmed,1,');

    const xlsx = await fetch(`${h.baseUrl}${base}/${created.id}/attendees.xlsx`, { headers: { Authorization: `Bearer ${read}` } });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toMatch(/attachment; filename="meetup-[0-9a-f]{8}\.xlsx"/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await xlsx.arrayBuffer()) as never);
    const sheet = workbook.worksheets[0]!;
    expect([sheet.getRow(1).getCell(1).value, sheet.getRow(2).getCell(2).value, sheet.getRow(2).getCell(6).value]).toEqual(['lidnummer', 'Anna de Vries', 1]);

    const ics = await h.call('GET', `${base}/${created.id}/event.ics`, { token: read });
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics.text)).getFirstSubcomponent('vevent')!);
    expect([event.summary, event.startDate.toJSDate().toISOString()]).toEqual(['Lijst', '2027-10-23T17:30:00.000Z']);
  });

  it('changes and cancels a meet-up (409 when cancelled already)', async () => {
    const created = (await h.call('POST', base, { token: write, json: { ...body, title: 'Wijzigen' } })).body;
    const changed = await h.call('PATCH', `${base}/${created.id}`, { token: write, json: { startsAt: '2027-10-24T20:00', endsAt: '2027-10-24T22:00', capacity: 10 } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ startsAt: '2027-10-24T18:00:00.000Z', capacity: 10 });
    expect((await h.call('PATCH', `${base}/${created.id}`, { token: write, json: {} })).status).toBe(400);
    expect((await h.call('POST', `${base}/${created.id}/cancel`, { token: write })).body.status).toBe('cancelled');
    const again = await h.call('POST', `${base}/${created.id}/cancel`, { token: write });
    expect([again.status, again.body.code]).toEqual([409, 'MEETUP.ALREADY_CANCELLED']);
    expect((await h.call('GET', `${base}/00000000-0000-4000-8000-000000000000`, { token: read })).status).toBe(404);
  });

  it('sends rsvp.changed and event.attended so the member administration can record attendance', async () => {
    received.length = 0;
    const meetupId = '11111111-1111-4111-8111-111111111111';
    await h.bus.publish('meetup.rsvp-changed', {
      organizationId: h.orgA.id, meetupId, title: 'Avond', member: anna, answer: 'going', seat: 'waitlisted', guests: 0, previousAnswer: 'maybe', promoted: false, changedAt: new Date('2027-10-01T10:00:00Z'),
    });
    await h.bus.publish('meetup.attended', { organizationId: h.orgA.id, meetupId, title: 'Avond', member: anna, checkedInAt: new Date('2027-10-23T17:40:00Z'), firstTime: true });
    await waitFor(2);
    const byEvent = Object.fromEntries(received.map((r) => [r.event, r]));
    expect(byEvent['rsvp.changed']).toMatchObject({
      verified: true,
      body: { data: { eventId: meetupId, member: { memberNumber: '1001', name: 'Anna de Vries' }, answer: 'going', place: 'waitlisted', previousAnswer: 'maybe', promoted: false } },
    });
    expect(byEvent['event.attended']).toMatchObject({ verified: true, body: { data: { eventId: meetupId, checkedInAt: '2027-10-23T17:40:00.000Z', firstTime: true } } });
  });
});
