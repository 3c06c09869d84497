import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as kringCli } from '../../src/cli/kring.js';
import { DEFAULT_RETENTION_MONTHS, retentionCutoff } from '../../src/capabilities/insights/domain/retention.service.js';
import { INSIGHTS_JOBS, INSIGHTS_QUEUE } from '../../src/capabilities/insights/jobs/insights.jobs.js';
import { startInsightsHarness, type InsightsHarness } from './insights-harness.js';

/**
 * Retention (issue 21, item 21): per organisation a number of months (default 24, set by managers with
 * the CLI or the admin API); the nightly job, run here through the insights queue under a test clock,
 * deletes older daily rollups, weekly topic counts and question threads, and keeps the recent ones.
 */

/** A clock the test moves. */
class TestClock {
  constructor(private at: Date) {}
  now(): Date {
    return new Date(this.at);
  }
  set(at: string): void {
    this.at = new Date(at);
  }
}

describe('insights retention', () => {
  const clock = new TestClock(new Date('2026-11-25T10:00:00Z'));
  let h: InsightsHarness;

  beforeAll(async () => {
    h = await startInsightsHarness({ clock });
  });
  afterAll(async () => {
    await h?.close();
  });

  const days = async (organizationId: string) =>
    (await h.db.prisma.activityDaily.findMany({ where: { organizationId }, orderBy: { day: 'asc' } })).map((r) => r.day.toISOString().slice(0, 10));
  const weeks = async (organizationId: string) =>
    (await h.db.prisma.topicWeekly.findMany({ where: { organizationId }, orderBy: { week: 'asc' } })).map((r) => r.week.toISOString().slice(0, 10));
  const threads = async (organizationId: string) =>
    (await h.db.prisma.threadState.findMany({ where: { organizationId }, orderBy: { startedAt: 'asc' } })).map((r) => r.threadKey);

  async function seed(organizationId: string, activityDays: string[], topicWeeks: string[], threadStarts: string[]): Promise<void> {
    await h.db.prisma.activityDaily.createMany({
      data: activityDays.map((day) => ({ organizationId, day: new Date(`${day}T00:00:00Z`), platform: 'slack' as const, channelKey: 'slack:CGENERAL', memberKey: '', kind: 'message', count: 1 })),
    });
    await h.db.prisma.topicWeekly.createMany({
      data: topicWeeks.map((week) => ({ organizationId, week: new Date(`${week}T00:00:00Z`), channelKey: 'slack:CGENERAL', term: 'fiets', count: 3 })),
    });
    await h.db.prisma.threadState.createMany({
      data: threadStarts.map((at) => ({ organizationId, platform: 'slack' as const, channelKey: 'slack:CGENERAL', threadKey: at, startedAt: new Date(at) })),
    });
  }

  /** Runs the nightly retention job through the insights queue and waits until it has finished. */
  async function runRetentionJob(done: () => Promise<boolean>): Promise<void> {
    await h.queue.enqueue(INSIGHTS_QUEUE, INSIGHTS_JOBS.retention, {}, { jobId: `retention-${clock.now().getTime()}` });
    // The job runs on the queue's own schedule; wait for its effect (bounded, not timed).
    for (let i = 0; i < 500 && !(await done()); i++) await new Promise((r) => setTimeout(r, 20));
  }

  it('computes the first local day kept, calendar months back (month ends clamped)', () => {
    expect(retentionCutoff(new Date('2026-11-25T10:00:00Z'), 'Europe/Amsterdam', 3)).toEqual({ keepFrom: '2026-08-25' });
    expect(retentionCutoff(new Date('2026-03-31T10:00:00Z'), 'Europe/Amsterdam', 1)).toEqual({ keepFrom: '2026-02-28' });
    // 23:30 UTC on 31 December is already 1 January in Amsterdam.
    expect(retentionCutoff(new Date('2026-12-31T23:30:00Z'), 'Europe/Amsterdam', 24)).toEqual({ keepFrom: '2025-01-01' });
  });

  it('sets the retention from the CLI, and the nightly job deletes what is older and keeps what is recent', async () => {
    const env = { DATABASE_URL: h.db.url, LOG_LEVEL: 'silent' };
    const cli = async (...args: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await kringCli(['node', 'kring', ...args], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env });
      return { code, stdout, stderr };
    };
    expect(await cli('insights', 'retention', '--org', h.world.slug)).toMatchObject({ code: 0, stdout: expect.stringContaining(`${DEFAULT_RETENTION_MONTHS} months`) });
    expect(await cli('insights', 'retention', '--org', h.world.slug, '--months', '3')).toMatchObject({ code: 0, stdout: expect.stringContaining('now keeps insights data for 3 months') });
    expect(await cli('insights', 'retention', '--org', h.world.slug, '--months', '0')).toMatchObject({ code: 2, stderr: expect.stringContaining('positive whole number') });
    expect(await h.install.retention.months(h.world.organizationId)).toBe(3);
    expect(await h.install.retention.months(h.other.organizationId)).toBe(24);

    // World keeps 3 months from 2026-11-25: from 2026-08-25 (Amsterdam). Other keeps 24: from 2024-11-25.
    await seed(
      h.world.organizationId,
      ['2024-01-01', '2026-08-24', '2026-08-25', '2026-11-24'],
      ['2026-08-17', '2026-08-24'],
      // 21:59:59Z is 23:59:59 on 24 August in Amsterdam (summer time); 22:00Z is midnight of the 25th.
      ['2026-08-24T21:59:59.000Z', '2026-08-24T22:00:00.000Z', '2026-11-20T09:00:00.000Z'],
    );
    await seed(h.other.organizationId, ['2024-11-24', '2024-11-25', '2026-08-24'], ['2024-11-18', '2024-11-25'], ['2024-11-24T12:00:00.000Z', '2024-11-25T12:00:00.000Z']);

    await runRetentionJob(async () => (await days(h.other.organizationId)).length === 2 && (await days(h.world.organizationId)).length === 2);
    expect(await days(h.world.organizationId)).toEqual(['2026-08-25', '2026-11-24']);
    expect(await weeks(h.world.organizationId)).toEqual(['2026-08-24']);
    expect(await threads(h.world.organizationId)).toEqual(['2026-08-24T22:00:00.000Z', '2026-11-20T09:00:00.000Z']);
    expect(await days(h.other.organizationId)).toEqual(['2024-11-25', '2026-08-24']);
    expect(await weeks(h.other.organizationId)).toEqual(['2024-11-25']);
    expect(await threads(h.other.organizationId)).toEqual(['2024-11-25T12:00:00.000Z']);

    // A month later the next run takes the next month away, and still keeps the recent rows.
    clock.set('2026-12-25T10:00:00Z');
    await runRetentionJob(async () => (await days(h.world.organizationId)).length === 1 && (await days(h.other.organizationId)).length === 1);
    expect(await days(h.world.organizationId)).toEqual(['2026-11-24']);
    expect(await weeks(h.world.organizationId)).toEqual([]);
    expect(await threads(h.world.organizationId)).toEqual(['2026-11-20T09:00:00.000Z']);
    expect(await days(h.other.organizationId)).toEqual(['2026-08-24']);
    expect(await weeks(h.other.organizationId)).toEqual([]);
  });
});
