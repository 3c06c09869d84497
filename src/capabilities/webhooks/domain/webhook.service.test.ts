import { beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../kernel/clock.js';
import { ValidationError } from '../../../kernel/errors.js';
import { newId } from '../../../kernel/ids.js';
import type { WebhookEndpointRepository } from '../ports.js';
import type { WebhookEndpoint } from './webhook-events.js';
import { WebhookService, type WebhookDelivery } from './webhook.service.js';

function memoryWebhooks(): WebhookEndpointRepository {
  const rows = new Map<string, WebhookEndpoint>();
  const copy = (e: WebhookEndpoint): WebhookEndpoint => ({ ...e, events: [...e.events] });
  return {
    async create(input) {
      const row: WebhookEndpoint = { id: newId(), ...input, events: [...input.events], disabledAt: null };
      rows.set(row.id, row);
      return copy(row);
    },
    async findById(id) {
      const row = rows.get(id);
      return row ? copy(row) : null;
    },
    async list(organizationId, options = {}) {
      return [...rows.values()].filter((r) => (organizationId === undefined || r.organizationId === organizationId) && (options.includeDisabled || !r.disabledAt)).map(copy);
    },
    async listSubscribed(organizationId, event) {
      return [...rows.values()].filter((r) => r.organizationId === organizationId && !r.disabledAt && r.events.includes(event)).map(copy);
    },
    async disable(id, at) {
      const row = rows.get(id);
      if (!row) return null;
      row.disabledAt ??= at;
      return copy(row);
    },
  };
}

describe(WebhookService.name, () => {
  const orgA = { id: newId(), slug: 'a' };
  const orgB = { id: newId(), slug: 'b' };
  const clock: Clock = { now: () => new Date('2025-03-01T10:00:00Z') };
  let outbox: WebhookDelivery[];
  let sut: WebhookService;

  const make = (requireHttps: boolean) =>
    new WebhookService({
      webhooks: memoryWebhooks(),
      organizations: { findById: async (id) => ([orgA, orgB].find((o) => o.id === id) ?? null) as never },
      outbox: { enqueue: async (d) => void outbox.push(d) },
      clock,
      requireHttps,
    });

  beforeEach(() => {
    outbox = [];
    sut = make(false);
  });

  it('asks for subscriptions once for many events, builds a lazy payload only for a listener, and sees a new endpoint at once', async () => {
    const repo = memoryWebhooks();
    let lookups = 0;
    const counting: WebhookEndpointRepository = { ...repo, listSubscribed: (o, e) => (lookups++, repo.listSubscribed(o, e)) };
    sut = new WebhookService({ webhooks: counting, organizations: { findById: async () => orgA as never }, outbox: { enqueue: async (d) => void outbox.push(d) }, clock, requireHttps: false });
    let built = 0;
    const data = async () => (built++, { memberNumber: '1', name: 'Anne', status: 'lapsed' as const, identities: [] });
    for (let i = 0; i < 100; i++) expect(await sut.publish(orgA.id, 'member.lapsed', data)).toBe(0);
    expect([lookups, built]).toEqual([1, 0]);
    // Adding an endpoint here clears what was looked up: the very next event goes to it.
    await sut.add({ organizationId: orgA.id, url: 'https://crm.example.org/hook', events: ['member.lapsed'] });
    expect(await sut.publish(orgA.id, 'member.lapsed', data)).toBe(1);
    expect([lookups, built, outbox.length]).toEqual([2, 1, 1]);
  });

  it('adds an endpoint with a fresh whsec_ secret', async () => {
    const { endpoint, secret } = await sut.add({ organizationId: orgA.id, url: 'https://crm.example.org/hook', events: ['poll.closed', 'member.linked'] });
    expect(secret).toMatch(/^whsec_[0-9A-Za-z]{40}$/);
    expect(endpoint.events).toEqual(['member.linked', 'poll.closed']);
  });

  it('names every bad field: url scheme, credentials, unknown events', async () => {
    const error = (await sut.add({ organizationId: orgA.id, url: 'ftp://x', events: ['member.deleted'] }).catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues.map((i) => i.path).sort()).toEqual(['events.0', 'url']);
    await expect(sut.add({ organizationId: orgA.id, url: 'https://user:pw@x.example', events: ['poll.closed'] })).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses plain http when https is required', async () => {
    await expect(make(true).add({ organizationId: orgA.id, url: 'http://crm.example.org/hook', events: ['poll.closed'] })).rejects.toBeInstanceOf(ValidationError);
  });

  it('publishes one delivery per subscribed endpoint of that organisation only', async () => {
    await sut.add({ organizationId: orgA.id, url: 'https://one.example/h', events: ['poll.closed'] });
    await sut.add({ organizationId: orgA.id, url: 'https://two.example/h', events: ['poll.closed', 'member.linked'] });
    await sut.add({ organizationId: orgA.id, url: 'https://three.example/h', events: ['member.linked'] });
    await sut.add({ organizationId: orgB.id, url: 'https://other.example/h', events: ['poll.closed'] });
    const data = { pollId: newId(), question: 'Q?', closedAt: clock.now().toISOString(), totalVoters: 2, results: [] };
    expect(await sut.publish(orgA.id, 'poll.closed', data)).toBe(2);
    expect(outbox).toHaveLength(2);
    expect(new Set(outbox.map((d) => d.eventId)).size).toBe(1);
    const envelope = JSON.parse(outbox[0]!.body) as Record<string, unknown>;
    expect(envelope).toMatchObject({ type: 'poll.closed', organization: { id: orgA.id, slug: 'a' }, data, createdAt: '2025-03-01T10:00:00.000Z' });
  });

  it('removes an endpoint, but never one of another organisation', async () => {
    const { endpoint } = await sut.add({ organizationId: orgA.id, url: 'https://one.example/h', events: ['poll.closed'] });
    await expect(sut.remove(endpoint.id, orgB.id)).rejects.toMatchObject({ code: 'API.WEBHOOK_NOT_FOUND' });
    await sut.remove(endpoint.id, orgA.id);
    await expect(sut.remove(endpoint.id, orgA.id)).rejects.toMatchObject({ code: 'API.WEBHOOK_NOT_FOUND' });
    expect(await sut.publish(orgA.id, 'poll.closed', { pollId: newId(), question: 'Q', closedAt: '', totalVoters: 0, results: [] })).toBe(0);
  });
});
