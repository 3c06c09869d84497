import { describe, expect, it } from 'vitest';
import { channelTargets, isSettled, normaliseIdPrefix, progressPercent, shortId, tallyDeliveries, type TargetChannel } from './announcement.js';

const channel = (over: Partial<TargetChannel>): TargetChannel => ({
  platform: 'slack',
  workspaceExternalId: 'T1',
  externalId: 'C1',
  purpose: 'news',
  chapterId: null,
  ...over,
});

describe(channelTargets.name, () => {
  const channels = [
    channel({ externalId: 'C-news' }),
    channel({ externalId: 'C-general', purpose: 'general' }),
    channel({ platform: 'discord', workspaceExternalId: 'G1', externalId: '123' }),
    channel({ externalId: 'C-utrecht', purpose: 'chapter', chapterId: 'ch-utrecht' }),
    channel({ externalId: 'C-zwolle', purpose: 'chapter', chapterId: 'ch-zwolle' }),
    channel({ externalId: 'C-news' }),
  ];

  it('reaches every news channel on every platform for everyone, once each', () => {
    expect(channelTargets({ kind: 'all' }, channels).map((t) => `${t.platform}/${t.targetExternalId}`)).toEqual(['slack/C-news', 'discord/123']);
  });

  it('reaches only the chapter channels of the chosen chapters', () => {
    expect(channelTargets({ kind: 'chapters', chapterIds: ['ch-utrecht'] }, channels).map((t) => t.targetExternalId)).toEqual(['C-utrecht']);
  });

  it('reaches no channel for a role audience (roles are reached by direct message)', () => {
    expect(channelTargets({ kind: 'roles', roles: ['board'] }, channels)).toEqual([]);
  });
});

describe(tallyDeliveries.name, () => {
  it('counts per platform and overall', () => {
    const { totals, byPlatform } = tallyDeliveries([
      { platform: 'slack', status: 'sent', count: 3 },
      { platform: 'slack', status: 'queued', count: 1 },
      { platform: 'discord', status: 'failed', count: 2 },
    ]);
    expect(totals).toEqual({ queued: 1, sent: 3, failed: 2, retracted: 0, total: 6 });
    expect(byPlatform.map((p) => p.platform)).toEqual(['discord', 'slack']);
    expect(progressPercent(byPlatform[1]!.tally)).toBe(75);
    expect(isSettled(totals)).toBe(false);
  });

  it('calls an empty fan-out complete', () => {
    const { totals } = tallyDeliveries([]);
    expect(progressPercent(totals)).toBe(100);
    expect(isSettled(totals)).toBe(true);
  });
});

describe('short ids', () => {
  it('shows eight characters and accepts typed prefixes of four or more', () => {
    expect(shortId('3f9c01ab-0000-4000-8000-000000000000')).toBe('3f9c01ab');
    expect(normaliseIdPrefix(' 3F9C ')).toBe('3f9c');
    expect(normaliseIdPrefix('3f9')).toBeUndefined();
    expect(normaliseIdPrefix("3f9c'; drop")).toBeUndefined();
  });
});
