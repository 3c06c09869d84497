import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../../src/kernel/community.js';
import { prismaRepositories } from '../support/database.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { startApiHarness, type ApiHarness } from './api-harness.js';

/**
 * The idea box and statements in the admin API and the outgoing webhooks, on PostgreSQL: an idea submitted
 * the way `/kring idea` submits it is told as `idea.submitted`; moving it on through the API changes it and
 * is told as `idea.status-changed` (with the upvotes, never who); a statement posted and closed through the
 * API is told as `statement.closed`. Every delivery is signed and matches the schema the OpenAPI document publishes.
 */
describe('admin API and webhooks: ideas and statements', () => {
  let h: ApiHarness;
  let receiver: WebhookReceiver;
  let anne: Member;
  let bram: Member;

  const linkedMember = async (memberNumber: string, name: string, userId: string): Promise<Member> => {
    const repos = prismaRepositories(h.db.prisma);
    await repos.members.upsertMany(h.orgA.id, [{ memberNumber, name, email: null, status: 'active', roles: ['member'], chapterId: null }]);
    const member = (await repos.members.findByNumber(h.orgA.id, memberNumber))!;
    const link = await repos.linkRequests.create({ organizationId: h.orgA.id, memberId: member.id, platform: 'discord', workspaceId: 'G-fietsclub', platformUserId: userId, codeHash: 'x', expiresAt: new Date(Date.now() + 60_000), createdAt: new Date() });
    await repos.linkRequests.confirm(link.id, new Date(), null);
    return member;
  };

  beforeAll(async () => {
    h = await startApiHarness({ capabilities: ['membership', 'channels', 'polls', 'ideas', 'statements', 'webhooks', 'api-tokens'], webhookRetryDelaysMs: [50, 50] });
    receiver = new WebhookReceiver();
    await receiver.start();
    await h.connectChannel(h.orgA, 'ideas');
    await h.connectChannel(h.orgA, 'general');
    anne = await linkedMember('I-1', 'Anne de Vries', 'D-anne');
    bram = await linkedMember('I-2', 'Bram Smit', 'D-bram');
  });
  afterAll(async () => {
    await h?.close();
    await receiver?.close();
  });

  const ideas = () => h.parts.ideas!.service;

  it('tells idea.submitted and idea.status-changed; the API lists, shows and moves ideas on', async () => {
    const { endpoint, secret } = await h.install.webhooks.add({ organizationId: h.orgA.id, url: receiver.url, events: ['idea.submitted', 'idea.status-changed'] });
    receiver.secret = secret;
    receiver.received.length = 0;
    const idea = await ideas().submit({ organizationId: h.orgA.id, member: anne, text: 'Een  fietsenstalling bij het clubhuis' });
    await receiver.waitFor(1);
    expect(receiver.received[0]).toMatchObject({ verified: true, event: 'idea.submitted' });
    expect(receiver.received[0]!.body['data']).toEqual({
      ideaId: idea.id, text: 'Een fietsenstalling bij het clubhuis', submitter: { memberNumber: 'I-1', name: 'Anne de Vries' }, submittedAt: idea.createdAt.toISOString(),
    });
    // Two upvotes, one of them repeated: counted once.
    await ideas().upvote({ organizationId: h.orgA.id, ideaId: idea.id, member: bram });
    await ideas().upvote({ organizationId: h.orgA.id, ideaId: idea.id, member: bram });
    await ideas().upvote({ organizationId: h.orgA.id, ideaId: idea.id, member: anne });

    const read = (await h.token(h.orgA, ['ideas:read'])).secret;
    const write = (await h.token(h.orgA, ['ideas:write'])).secret;
    const base = '/api/v1/orgs/fietsclub/ideas';
    const list = await h.call('GET', base, { token: read });
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([expect.objectContaining({ id: idea.id, status: 'new', votes: 2, reason: null })]);
    expect((await h.call('GET', `${base}/${idea.id}`, { token: read })).body).toMatchObject({ id: idea.id, text: 'Een fietsenstalling bij het clubhuis', votes: 2 });
    expect((await h.call('POST', `${base}/${idea.id}/status`, { token: read, json: { status: 'planned' } })).status).toBe(403);

    const declined = await h.call('POST', `${base}/${idea.id}/status`, { token: write, json: { status: 'declined' } });
    expect(declined.status).toBe(422);
    expect(declined.body.code).toBe('IDEA.REASON_REQUIRED');
    const bad = await h.call('POST', `${base}/${idea.id}/status`, { token: write, json: { status: 'someday', colour: 'red' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body', 'body.status']);
    expect((await h.call('POST', `${base}/00000000-0000-4000-8000-000000000000/status`, { token: write, json: { status: 'planned' } })).status).toBe(404);

    const planned = await h.call('POST', `${base}/${idea.id}/status`, { token: write, json: { status: 'planned' } });
    expect(planned.status).toBe(200);
    expect(planned.body).toMatchObject({ id: idea.id, status: 'planned', votes: 2 });
    expect((await h.call('POST', `${base}/${idea.id}/status`, { token: write, json: { status: 'planned' } })).body.code).toBe('IDEA.SAME_STATUS');
    await receiver.waitFor(2);
    const changed = receiver.received.find((r) => r.event === 'idea.status-changed')!;
    expect(changed.verified).toBe(true);
    expect(changed.body['data']).toEqual({ ideaId: idea.id, text: 'Een fietsenstalling bij het clubhuis', status: 'planned', reason: null, votes: 2, changedAt: planned.body.statusChangedAt });
    // Who upvoted never travels.
    expect(JSON.stringify(changed.body)).not.toContain('Bram');
    expect((await h.call('GET', `${base}?status=planned`, { token: read })).body.data.map((i: { id: string }) => i.id)).toEqual([idea.id]);
    expect((await h.call('GET', `${base}?status=done`, { token: read })).body.data).toEqual([]);
    for (const r of receiver.received) expect(h.contract.webhookProblems(r.event!, r.body)).toEqual([]);
    await h.install.webhooks.remove(endpoint.id);
  });

  it('answers only for the token’s own organisation', async () => {
    const idea = await ideas().submit({ organizationId: h.orgA.id, member: bram, text: 'Vaker een ritje in de avond' });
    const other = (await h.token(h.orgB, ['ideas:read', 'ideas:write'])).secret;
    expect((await h.call('GET', `/api/v1/orgs/zwemclub/ideas/${idea.id}`, { token: other })).status).toBe(404);
    expect((await h.call('POST', `/api/v1/orgs/zwemclub/ideas/${idea.id}/status`, { token: other, json: { status: 'done' } })).status).toBe(404);
    expect((await h.call('GET', '/api/v1/orgs/zwemclub/ideas', { token: other })).body.data).toEqual([]);
    // Naming the idea's own organisation with the other's token: 404, as for an organisation that does not exist.
    expect((await h.call('GET', `/api/v1/orgs/fietsclub/ideas/${idea.id}`, { token: other })).status).toBe(404);
  });

  it('tells statement.closed when a statement posted through the API is closed through it', async () => {
    const { endpoint, secret } = await h.install.webhooks.add({ organizationId: h.orgA.id, url: receiver.url, events: ['statement.closed'] });
    receiver.secret = secret;
    receiver.received.length = 0;
    const token = (await h.token(h.orgA, ['statements:write'])).secret;
    const posted = await h.call('POST', '/api/v1/orgs/fietsclub/statements', { token, json: { text: 'De clubavond moet op vrijdag.' } });
    expect(posted.status).toBe(201);
    const closed = await h.call('POST', `/api/v1/orgs/fietsclub/statements/${posted.body.id}/close`, { token });
    expect(closed.status).toBe(200);
    await receiver.waitFor(1);
    expect(receiver.received.map((r) => [r.event, r.verified])).toEqual([['statement.closed', true]]);
    expect(receiver.received[0]!.body['data']).toEqual({
      statementId: posted.body.id, text: 'De clubavond moet op vrijdag.', closedAt: closed.body.statement.closedAt, answers: { agree: 0, neutral: 0, disagree: 0, total: 0 },
    });
    expect(h.contract.webhookProblems('statement.closed', receiver.received[0]!.body)).toEqual([]);
    await h.install.webhooks.remove(endpoint.id);
  });
});
