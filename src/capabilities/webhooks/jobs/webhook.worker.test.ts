import { describe, expect, it } from 'vitest';
import type { WebhookEndpoint } from '../domain/webhook-events.js';
import { verifyKringSignature } from '../domain/webhook-signature.js';
import type { JobQueue } from '../../../kernel/ports/job-queue.js';
import { silentLogger } from '../../../../test/support/logger.js';
import { createWebhookJobHandler } from './webhook.worker.js';
import type { WebhookJob } from './webhook.queue.js';

const now = new Date('2025-03-01T10:00:00Z');
const endpoint: WebhookEndpoint = {
  id: '00000000-0000-4000-8000-000000000001', organizationId: 'o', url: 'https://crm.example/hook', secret: 'whsec_x',
  events: ['poll.closed'], createdAt: now, disabledAt: null,
};
const job: WebhookJob = {
  deliveryId: '00000000-0000-4000-8000-000000000002', endpointId: endpoint.id, eventId: '00000000-0000-4000-8000-000000000003',
  event: 'poll.closed', body: '{"id":"e"}', attempt: 1,
};

function harness(answer: () => Promise<Response>, stored: WebhookEndpoint | null = endpoint) {
  const enqueued: { payload: WebhookJob; delayMs: number | undefined; jobId: string | undefined }[] = [];
  const requests: { url: string; init: RequestInit }[] = [];
  const queue = {
    enqueue: async (_q: string, _n: string, payload: unknown, options?: { delayMs?: number; jobId?: string }) =>
      void enqueued.push({ payload: payload as WebhookJob, delayMs: options?.delayMs, jobId: options?.jobId }),
  } as unknown as JobQueue;
  const sut = createWebhookJobHandler({
    queue,
    endpoints: { findById: async () => stored },
    clock: { now: () => now },
    logger: silentLogger,
    retryDelaysMs: [1000, 5000],
    fetch: (async (url: string, init: RequestInit) => {
      requests.push({ url, init });
      return answer();
    }) as unknown as typeof fetch,
  });
  return { sut, enqueued, requests };
}

describe(createWebhookJobHandler.name, () => {
  it('POSTs the body signed with the endpoint secret and stops on 2xx', async () => {
    const { sut, enqueued, requests } = harness(async () => new Response(null, { status: 204 }));
    expect(await sut(job)).toEqual({ kind: 'delivered', status: 204 });
    const headers = requests[0]!.init.headers as Record<string, string>;
    expect(verifyKringSignature('whsec_x', headers['Kring-Signature'], job.body, 300, now.getTime() / 1000)).toBe(true);
    expect(headers['Kring-Event']).toBe('poll.closed');
    expect(requests[0]!.init.redirect).toBe('manual');
    expect(enqueued).toEqual([]);
  });

  it('schedules the next attempt after a failure, honouring a longer Retry-After', async () => {
    const { sut, enqueued } = harness(async () => new Response(null, { status: 503, headers: { 'Retry-After': '30' } }));
    expect(await sut(job)).toEqual({ kind: 'retry', reason: 'HTTP 503', delayMs: 30_000 });
    expect(enqueued).toEqual([{ payload: { ...job, attempt: 2 }, delayMs: 30_000, jobId: `webhook-${job.deliveryId}-2` }]);
  });

  it('treats redirects and network errors as failures', async () => {
    expect((await harness(async () => new Response(null, { status: 302, headers: { Location: 'http://169.254.169.254/' } })).sut(job)).kind).toBe('retry');
    expect(await harness(async () => Promise.reject(new TypeError('fetch failed'))).sut(job)).toMatchObject({ kind: 'retry', reason: 'request failed: fetch failed', delayMs: 1000 });
  });

  it('gives up after the last scheduled attempt', async () => {
    const { sut, enqueued } = harness(async () => new Response(null, { status: 500 }));
    expect(await sut({ ...job, attempt: 3 })).toEqual({ kind: 'gave-up', reason: 'HTTP 500' });
    expect(enqueued).toEqual([]);
  });

  it('drops deliveries to a removed endpoint without calling it', async () => {
    const { sut, requests } = harness(async () => new Response(null, { status: 204 }), { ...endpoint, disabledAt: now });
    expect((await sut(job)).kind).toBe('dropped');
    expect(requests).toEqual([]);
  });
});
