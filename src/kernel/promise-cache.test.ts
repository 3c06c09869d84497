import { describe, expect, it } from 'vitest';
import { PromiseCache } from './promise-cache.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe(PromiseCache.name, () => {
  it('shares one look-up in flight between concurrent callers, and reuses its value until it expires', async () => {
    let now = 1000;
    const sut = new PromiseCache<string, number>({ ttlMs: 50, maxEntries: 10, now: () => now });
    let loads = 0;
    const pending = deferred<number>();
    const load = () => {
      loads++;
      return pending.promise;
    };
    const callers = [sut.get('k', load), sut.get('k', load), sut.get('k', load)];
    pending.resolve(7);
    await expect(Promise.all(callers)).resolves.toEqual([7, 7, 7]);
    expect(loads).toBe(1);
    now += 49;
    await expect(sut.get('k', () => Promise.resolve(8))).resolves.toBe(7);
    now += 1;
    await expect(sut.get('k', () => Promise.resolve(8))).resolves.toBe(8);
  });

  it('forgets a failed look-up, so the next caller tries again', async () => {
    const sut = new PromiseCache<string, number>({ ttlMs: 10_000, maxEntries: 10 });
    await expect(sut.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(sut.get('k', () => Promise.resolve(1))).resolves.toBe(1);
  });

  it('does not keep a look-up that was in flight when its key was invalidated', async () => {
    const sut = new PromiseCache<string, string>({ ttlMs: 10_000, maxEntries: 10 });
    const stale = deferred<string>();
    const first = sut.get('member', () => stale.promise);
    sut.delete('member');
    stale.resolve('active');
    await expect(first).resolves.toBe('active');
    await expect(sut.get('member', () => Promise.resolve('lapsed'))).resolves.toBe('lapsed');
  });

  it('drops keys matching a test, and the oldest entries when full', async () => {
    const sut = new PromiseCache<string, number>({ ttlMs: 10_000, maxEntries: 10 });
    for (let i = 0; i < 10; i++) await sut.get(`k${i}`, () => Promise.resolve(i));
    sut.deleteWhere((k) => k === 'k3' || k === 'k4');
    expect(sut.size).toBe(8);
    await sut.get('k10', () => Promise.resolve(10));
    await sut.get('k11', () => Promise.resolve(11));
    await sut.get('k12', () => Promise.resolve(12));
    expect(sut.size).toBeLessThanOrEqual(10);
    await expect(sut.get('k0', () => Promise.resolve(-1))).resolves.toBe(-1);
    await expect(sut.get('k12', () => Promise.resolve(-1))).resolves.toBe(12);
  });
});
