import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeferJobError, PermanentJobError, RateLimitedJobError, type JobQueue } from '../../src/kernel/ports/job-queue.js';

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

    it('enqueues many jobs in one call, de-duplicating by id', async () => {
      const c = collect();
      let release: () => void = () => undefined;
      const gate = new Promise<void>((r) => (release = r));
      sut.process('bulk', async (jobName, payload, meta) => {
        await gate;
        c.seen.push({ name: jobName, payload, attempt: meta.attempt });
        c.ran();
      });
      await sut.enqueueBulk('bulk', [
        { name: 'deliver', payload: { n: 1 }, options: { jobId: 'delivery-1' } },
        { name: 'deliver', payload: { n: 2 }, options: { jobId: 'delivery-2' } },
        { name: 'deliver', payload: { n: 1 }, options: { jobId: 'delivery-1' } },
      ]);
      await sut.enqueueBulk('bulk', [{ name: 'deliver', payload: { n: 3 }, options: { jobId: 'delivery-2' } }]);
      release();
      await c.waitFor(2);
      await new Promise((r) => setTimeout(r, 300));
      expect(c.seen.map((s) => s.payload).sort((a, b) => (a as { n: number }).n - (b as { n: number }).n)).toEqual([{ n: 1 }, { n: 2 }]);
    });

    it('tells the handler its attempt budget', async () => {
      const metas: { attempt: number; maxAttempts: number }[] = [];
      const c = collect();
      sut.process('budget', async (jobName, payload, meta) => {
        metas.push({ attempt: meta.attempt, maxAttempts: meta.maxAttempts });
        c.seen.push({ name: jobName, payload, attempt: meta.attempt });
        c.ran();
      });
      await sut.enqueue('budget', 'x', {}, { attempts: 7 });
      await c.waitFor(1);
      expect(metas).toEqual([{ attempt: 1, maxAttempts: 7 }]);
    });

    it('starts no more jobs per window than its limiter allows', async () => {
      const starts: number[] = [];
      const c = collect();
      sut.process(
        'limited',
        async (jobName, payload, meta) => {
          starts.push(Date.now());
          c.seen.push({ name: jobName, payload, attempt: meta.attempt });
          c.ran();
        },
        { limiter: { max: 4, durationMs: 400 } },
      );
      const t0 = Date.now();
      await sut.enqueueBulk('limited', Array.from({ length: 12 }, (_, i) => ({ name: 'x', payload: { i } })));
      await c.waitFor(12);
      // 12 jobs at 4 per 400 ms take three windows: the last ones start no earlier than 800 ms in.
      expect(Math.max(...starts) - t0).toBeGreaterThanOrEqual(750);
      expect(starts.filter((t) => t - t0 < 350).length).toBeLessThanOrEqual(4);
    });

    it('runs no more jobs at once than its concurrency', async () => {
      let running = 0;
      let peak = 0;
      const c = collect();
      sut.process(
        'narrow',
        async (jobName, payload, meta) => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 60));
          running--;
          c.seen.push({ name: jobName, payload, attempt: meta.attempt });
          c.ran();
        },
        { concurrency: 2 },
      );
      await sut.enqueueBulk('narrow', Array.from({ length: 6 }, (_, i) => ({ name: 'x', payload: { i } })));
      await c.waitFor(6);
      expect(peak).toBe(2);
    });

    it('pauses the whole queue on a rate limit, keeping the attempt', async () => {
      const runs: { id: string; attempt: number; at: number }[] = [];
      const c = collect();
      let limited = false;
      sut.process(
        'throttled',
        async (jobName, payload, meta) => {
          runs.push({ id: (payload as { id: string }).id, attempt: meta.attempt, at: Date.now() });
          if (!limited) {
            limited = true;
            throw new RateLimitedJobError(600);
          }
          c.seen.push({ name: jobName, payload, attempt: meta.attempt });
          c.ran();
        },
        { concurrency: 1 },
      );
      const t0 = Date.now();
      await sut.enqueue('throttled', 'x', { id: 'a' }, { attempts: 1 });
      await sut.enqueue('throttled', 'x', { id: 'b' }, { attempts: 1 });
      await c.waitFor(2);
      // The limited job ran again with its only attempt, and nothing ran during the pause.
      expect(runs.filter((r) => r.id === 'a').map((r) => r.attempt)).toEqual([1, 1]);
      const afterFirst = runs.slice(1);
      for (const r of afterFirst) expect(r.at - t0).toBeGreaterThanOrEqual(550);
    });

    it('defers one job without consuming an attempt or holding up the others', async () => {
      const runs: { id: string; attempt: number; at: number }[] = [];
      const c = collect();
      let deferred = false;
      sut.process('paced', async (jobName, payload, meta) => {
        const id = (payload as { id: string }).id;
        runs.push({ id, attempt: meta.attempt, at: Date.now() });
        if (id === 'a' && !deferred) {
          deferred = true;
          throw new DeferJobError(500);
        }
        c.seen.push({ name: jobName, payload, attempt: meta.attempt });
        c.ran();
      });
      const t0 = Date.now();
      await sut.enqueue('paced', 'x', { id: 'a' }, { attempts: 1 });
      await sut.enqueue('paced', 'x', { id: 'b' }, { attempts: 1 });
      await c.waitFor(2);
      const a = runs.filter((r) => r.id === 'a');
      const b = runs.find((r) => r.id === 'b')!;
      expect(a.map((r) => r.attempt)).toEqual([1, 1]);
      expect(a[1]!.at - t0).toBeGreaterThanOrEqual(450);
      expect(b.at - t0).toBeLessThan(450);
    });
  });
}
