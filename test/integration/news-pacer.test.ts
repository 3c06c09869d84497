import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryPacer, minimumSpanMs, RedisPacer, type Pacer } from '../../src/infra/queue/pacer.js';
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
      expect(await sut.take(request('b'))).toEqual({ waitMs: 1000 });
      // The first request left 40 ms after it took its slot: the next one waits from then.
      await sut.sent(request('a'), first.ticket!, now + 40);
      now += 1000;
      expect(await sut.take(request('b'))).toEqual({ waitMs: 40 });
      now += 40;
      expect((await sut.take(request('b'))).waitMs).toBe(0);
      await sut.close();
    });
  });
}
