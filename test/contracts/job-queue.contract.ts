import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentJobError, type JobQueue } from '../../src/ports/job-queue.js';

/** The JobQueue contract, run against BullMQ (real Redis) and the in-process driver. */
export function jobQueueContract(name: string, create: () => JobQueue): void {
  describe(`JobQueue contract: ${name}`, () => {
    let sut: JobQueue;
    beforeEach(() => {
      sut = create();
    });
    afterEach(async () => {
      await sut.close();
    });

    const collect = () => {
      const seen: { name: string; payload: unknown; attempt: number }[] = [];
      let notify: () => void = () => undefined;
      const waitFor = (n: number, ms = 8000) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`only ${seen.length} of ${n} jobs ran`)), ms);
          notify = () => {
            if (seen.length >= n) {
              clearTimeout(timer);
              resolve();
            }
          };
          notify();
        });
      return { seen, waitFor, ran: () => notify() };
    };

    it('answers ping', async () => {
      await expect(sut.ping()).resolves.toBeUndefined();
    });

    it('runs an enqueued job with its payload', async () => {
      const c = collect();
      sut.process('mail', async (jobName, payload, meta) => {
        c.seen.push({ name: jobName, payload, attempt: meta.attempt });
        c.ran();
      });
      await sut.enqueue('mail', 'send', { to: 'a@example.org' });
      await c.waitFor(1);
      expect(c.seen).toEqual([{ name: 'send', payload: { to: 'a@example.org' }, attempt: 1 }]);
    });

    it('keeps jobs enqueued before a worker starts', async () => {
      await sut.enqueue('early', 'x', { n: 1 });
      const c = collect();
      sut.process('early', async (jobName, payload, meta) => {
        c.seen.push({ name: jobName, payload, attempt: meta.attempt });
        c.ran();
      });
      await c.waitFor(1);
      expect(c.seen[0]!.payload).toEqual({ n: 1 });
    });

    it('ignores a second job with the same id', async () => {
      const c = collect();
      let release: () => void = () => undefined;
      const gate = new Promise<void>((r) => (release = r));
      sut.process('dedupe', async (jobName, payload, meta) => {
        await gate;
        c.seen.push({ name: jobName, payload, attempt: meta.attempt });
        c.ran();
      });
      await sut.enqueue('dedupe', 'x', { n: 1 }, { jobId: 'delivery-42' });
      await sut.enqueue('dedupe', 'x', { n: 2 }, { jobId: 'delivery-42' });
      release();
      await c.waitFor(1);
      await new Promise((r) => setTimeout(r, 300));
      expect(c.seen.map((s) => s.payload)).toEqual([{ n: 1 }]);
    });

    it('runs a delayed job no earlier than asked', async () => {
      const c = collect();
      const started = Date.now();
      let ranAt = 0;
      sut.process('later', async (jobName, payload, meta) => {
        ranAt = Date.now();
        c.seen.push({ name: jobName, payload, attempt: meta.attempt });
        c.ran();
      });
      await sut.enqueue('later', 'x', {}, { delayMs: 400 });
      await c.waitFor(1);
      expect(ranAt - started).toBeGreaterThanOrEqual(380);
    });

    it('retries a failing job until it succeeds', async () => {
      const c = collect();
      sut.process('flaky', async (jobName, payload, meta) => {
        c.seen.push({ name: jobName, payload, attempt: meta.attempt });
        c.ran();
        if (meta.attempt < 2) throw new Error('smtp down');
      });
      await sut.enqueue('flaky', 'x', {}, { attempts: 3 });
      await c.waitFor(2);
      expect(c.seen.map((s) => s.attempt)).toEqual([1, 2]);
    });

    it('does not retry a permanent failure', async () => {
      const c = collect();
      sut.process('doomed', async (jobName, payload, meta) => {
        c.seen.push({ name: jobName, payload, attempt: meta.attempt });
        c.ran();
        throw new PermanentJobError('channel gone');
      });
      await sut.enqueue('doomed', 'x', {}, { attempts: 3 });
      await c.waitFor(1);
      await new Promise((r) => setTimeout(r, 1500));
      expect(c.seen).toHaveLength(1);
    });
  });
}
