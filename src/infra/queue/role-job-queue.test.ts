import { describe, expect, it } from 'vitest';
import { InProcessJobQueue } from './in-process.job-queue.js';
import { RoleJobQueue } from './role-job-queue.js';
import { silentLogger } from '../../../test/support/logger.js';

describe(RoleJobQueue.name, () => {
  it('enqueues in every role but takes jobs only as workers', async () => {
    const inner = new InProcessJobQueue(silentLogger, 10);
    const handled: string[] = [];
    const http = new RoleJobQueue(inner, { workers: false, schedulers: false }, silentLogger);
    http.process('q', async (name) => void handled.push(`http:${name}`));
    await http.enqueue('q', 'first', {});
    const worker = new RoleJobQueue(inner, { workers: true, schedulers: false }, silentLogger);
    worker.process('q', async (name) => void handled.push(`worker:${name}`));
    await worker.enqueue('q', 'second', {});
    const end = Date.now() + 5000;
    while (handled.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(handled.sort()).toEqual(['worker:first', 'worker:second']);
    expect(http.skippedQueues).toEqual(['q']);
    await inner.close();
  });
});
