import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { IN_FLIGHT_POLL_MS, IN_FLIGHT_STALE_MS, InMemoryPacer, minimumSchedule, minimumSpanMs, RedisPacer, type Pacer } from '../../src/infra/queue/pacer.js';
import { PLATFORM_LIMITS, paceRequest, type PaceTarget } from '../../src/kernel/platform-limits.js';
import { deletePrefix, REDIS_URL } from './news-harness.js';

/** The Pacer contract, run against Redis and the in-memory pacer, on a controlled clock. */
const prefixes: string[] = [];
afterAll(async () => {
  for (const p of prefixes) await deletePrefix(p);
});

const implementations: { name: string; create(now: () => number): Pacer }[] = [
  { name: 'in memory', create: (now) => new InMemoryPacer({ marginMs: 0, now }) },
  {
    name: 'Redis',
    create: (now) => {
      const prefix = `test-${randomUUID()}`;
      prefixes.push(prefix);
      return new RedisPacer(new Redis(REDIS_URL), { prefix, marginMs: 0, now });
    },
  },
];

const slack = [{ max: 1, windowMs: 1000 }];
const teams = [
  { max: 7, windowMs: 1000 },
  { max: 8, windowMs: 2000 },
];

for (const impl of implementations) {
  describe(`Pacer contract: ${impl.name}`, () => {
    it('plans one slot per second on a Slack channel, and the same slot again for the same holder', async () => {
      let now = 1_000_000;
      const sut = impl.create(() => now);
      const slots = await sut.reserve(['a', 'b', 'c'].map((holder) => ({ holder, keys: [{ key: 'slack:T:channel:C1', rules: slack }] })));
      expect(slots.map((s) => s - now)).toEqual([0, 1000, 2000]);
      now += 500;
      expect(await sut.reserve([{ holder: 'b', keys: [{ key: 'slack:T:channel:C1', rules: slack }] }])).toEqual([slots[1]]);
      // Another channel is independent.
      expect(await sut.reserve([{ holder: 'x', keys: [{ key: 'slack:T:channel:C2', rules: slack }] }])).toEqual([now]);
      await sut.close();
    });

    it('plans Teams bursts within 7 per second and 8 per two seconds', async () => {
      const now = 2_000_000;
      const sut = impl.create(() => now);
      const slots = await sut.reserve(Array.from({ length: 16 }, (_, i) => ({ holder: `h${i}`, keys: [{ key: 'teams:t:channel:19', rules: teams }] })));
      const offsets = slots.map((s) => s - now);
      expect(offsets).toEqual([0, 0, 0, 0, 0, 0, 0, 1000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 3000]);
      expect(offsets.at(-1)).toBe(minimumSpanMs(16, teams));
      await sut.close();
    });

    it('takes a send slot only when every rule allows it, and tells how long to wait otherwise', async () => {
      let now = 3_000_000;
      const sut = impl.create(() => now);
      const request = (holder: string) => ({ holder, keys: [{ key: 'slack:T:channel:C9', rules: slack }, { key: 'slack:global', rules: [{ max: 2, windowMs: 1000 }] }] });
      const first = await sut.take(request('a'));
      expect(first.waitMs).toBe(0);
      // The first request is still on its way: it may arrive at any moment, so the channel is not free.
      expect(await sut.take(request('b'))).toEqual({ waitMs: IN_FLIGHT_POLL_MS, blockedBy: 0 });
      // Its answer came back 40 ms after it took its slot: the platform counted it no later than that, so
      // the next one waits a window from then.
      await sut.sent(request('a'), first.ticket!, now + 40);
      expect(await sut.take(request('b'))).toEqual({ waitMs: 1040, blockedBy: 0 });
      now += 1000;
      expect(await sut.take(request('b'))).toEqual({ waitMs: 40, blockedBy: 0 });
      now += 40;
      expect((await sut.take(request('b'))).waitMs).toBe(0);
      await sut.close();
    });

    it('counts a request whose answer never came back (its process died) at its take time after a minute', async () => {
      let now = 3_500_000;
      const sut = impl.create(() => now);
      const request = (holder: string) => ({ holder, keys: [{ key: 'slack:T:channel:C8', rules: slack }] });
      expect((await sut.take(request('a'))).waitMs).toBe(0);
      now += 30_000;
      expect(await sut.take(request('b'))).toEqual({ waitMs: IN_FLIGHT_POLL_MS, blockedBy: 0 });
      now += IN_FLIGHT_STALE_MS;
      expect((await sut.take(request('b'))).waitMs).toBe(0);
      await sut.close();
    });

    it('plans Discord’s 50 requests per sliding second across channels, and shares the app-wide key between announcements', async () => {
      const now = 4_000_000;
      const sut = impl.create(() => now);
      const discord = (i: number, holder: string) => paceRequest(PLATFORM_LIMITS, { platform: 'discord', workspaceExternalId: 'G1', kind: 'channel', targetExternalId: `c${i}` }, 'post', holder)!;
      const first = await sut.reserve(Array.from({ length: 120 }, (_, i) => discord(i, `a${i}`)));
      const count = (slots: number[], offset: number) => slots.filter((s) => s - now === offset).length;
      expect([count(first, 0), count(first, 1000), count(first, 2000)]).toEqual([50, 50, 20]);
      // A second announcement to the same guild queues behind the first in the app-wide window.
      const second = await sut.reserve(Array.from({ length: 40 }, (_, i) => discord(i, `b${i}`)));
      expect([count(second, 2000), count(second, 3000)]).toEqual([30, 10]);
      await sut.close();
    });

    it('plans Slack edits at 50 a minute per workspace, each workspace on its own', async () => {
      const now = 5_000_000;
      const sut = impl.create(() => now);
      const edit = (workspace: string, i: number) => paceRequest(PLATFORM_LIMITS, { platform: 'slack', workspaceExternalId: workspace, kind: 'channel', targetExternalId: `C${i}` }, 'update', `${workspace}-${i}`)!;
      const t1 = await sut.reserve(Array.from({ length: 60 }, (_, i) => edit('T1', i)));
      const t2 = await sut.reserve(Array.from({ length: 10 }, (_, i) => edit('T2', i)));
      expect(t1.filter((s) => s === now)).toHaveLength(50);
      expect(t1.filter((s) => s === now + 60_000)).toHaveLength(10);
      expect(t2.every((s) => s === now)).toBe(true);
      await sut.close();
    });

    it('takes Teams sends within 50 per second per tenant and 7 per second per conversation', async () => {
      const now = 6_000_000;
      const sut = impl.create(() => now);
      const teams = (tenant: string, conversation: string, holder: string) => {
        const target: PaceTarget = { platform: 'teams', workspaceExternalId: tenant, kind: 'channel', targetExternalId: conversation };
        return paceRequest(PLATFORM_LIMITS, target, 'post', holder)!;
      };
      for (let i = 0; i < 50; i++) {
        const request = teams('t1', `19:c${i}`, `h${i}`);
        const taken = await sut.take(request);
        expect(taken.waitMs).toBe(0);
        await sut.sent(request, taken.ticket!, now);
      }
      // The tenant's second is full (the shared key, the request's last, is what blocks); another tenant is not.
      expect(await sut.take(teams('t1', '19:c50', 'x'))).toEqual({ waitMs: 1000, blockedBy: 1 });
      const takeAnswered = async (holder: string) => {
        const request = teams('t2', '19:c0', holder);
        const taken = await sut.take(request);
        if (taken.ticket) await sut.sent(request, taken.ticket, now);
        return taken.waitMs;
      };
      expect(await takeAnswered('y')).toBe(0);
      for (let i = 1; i < 7; i++) expect(await takeAnswered(`z${i}`)).toBe(0);
      // Seven sends to one conversation within a second are its limit (its own key blocks).
      expect(await sut.take(teams('t2', '19:c0', 'z7'))).toEqual({ waitMs: 1000, blockedBy: 0 });
      await sut.close();
    });

    it('plans the same schedule as the theoretical minimum on a frozen clock', async () => {
      const now = 7_000_000;
      const sut = impl.create(() => now);
      const requests = Array.from({ length: 130 }, (_, i) => paceRequest(PLATFORM_LIMITS, { platform: 'teams', workspaceExternalId: 't', kind: 'channel', targetExternalId: `19:c${i % 3}` }, 'post', `m${i}`)!);
      expect((await sut.reserve(requests)).map((s) => s - now)).toEqual(minimumSchedule(requests));
      await sut.close();
    });
  });
}
