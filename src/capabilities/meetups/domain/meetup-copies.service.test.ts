import { describe, expect, it } from 'vitest';
import { MeetupCopiesService, type MeetupCopiesDeps } from './meetup-copies.service.js';
import { silentLogger } from '../../../../test/support/logger.js';

/**
 * Two refreshes of one meet-up at once (the jobs of two consecutive windows, on a busy machine): the one
 * that read the count first must not be the one that edits last.
 */
describe(MeetupCopiesService.name, () => {
  it('runs the refreshes of one meet-up one after another, so the last edit carries the latest count', async () => {
    let confirmed = 2;
    let releaseFirstRead!: () => void;
    const firstRead = new Promise<void>((resolve) => (releaseFirstRead = resolve));
    let reads = 0;
    const edits: string[] = [];
    const post = { id: 'post-1', meetupId: 'm1', platform: 'slack', workspaceExternalId: 'T1', channelExternalId: 'C1', messageId: 'msg-1' };
    const deps = {
      repo: {
        findById: async () => ({ id: 'm1', organizationId: 'org-1' }),
        headcount: async () => {
          const seen = confirmed;
          // The first refresh's read is slow, and sees the count from before the last answer.
          if (++reads === 1) await firstRead;
          return { confirmedPlaces: seen };
        },
        listPosts: async () => [post],
      },
      platforms: {
        get: () => ({
          update: async (_ref: unknown, view: { text: string }) => {
            edits.push(view.text);
          },
        }),
      },
      organizations: { findById: async () => ({ id: 'org-1' }) },
      jobs: { scheduleRefresh: async () => undefined },
      render: ({ headcount }: { headcount: { confirmedPlaces: number } }) => ({ text: `${headcount.confirmedPlaces} places taken` }),
      clock: { now: () => new Date('2026-10-01T10:00:00Z') },
      logger: silentLogger,
    } as unknown as MeetupCopiesDeps;
    const sut = new MeetupCopiesService(deps);

    const first = sut.refresh('m1');
    await new Promise((r) => setImmediate(r));
    confirmed = 3; // an answer lands; its window's refresh starts while the first one still reads
    const second = sut.refresh('m1');
    await new Promise((r) => setImmediate(r));
    releaseFirstRead();
    await Promise.all([first, second]);

    expect(edits.at(-1)).toBe('3 places taken');
  });
});
