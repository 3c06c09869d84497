import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

/** A writer whose batches finish only when the test says so. */
function controlledWriter<I>() {
  const batches: { items: I[]; finish: (outcomes?: (I | Error)[]) => void; fail: (err: unknown) => void }[] = [];
  const write = (items: readonly I[]) =>
    new Promise<readonly (I | Error)[]>((resolve, reject) => {
      batches.push({ items: [...items], finish: (outcomes) => resolve(outcomes ?? [...items]), fail: reject });
    });
  return { batches, write };
}

/** Lets finished batches settle and the next batch form (a few event-loop turns; no timers). */
const turn = async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
};

describe(GroupCommit.name, () => {
  it('writes calls of one moment in one batch, and those arriving meanwhile in the next', async () => {
    const w = controlledWriter<number>();
    const sut = new GroupCommit(w.write, { maxBatch: 100 });
    const first = [1, 2, 3].map((n) => sut.submit(n));
    await turn();
    expect(w.batches.map((b) => b.items)).toEqual([[1, 2, 3]]);
    const second = [4, 5].map((n) => sut.submit(n));
    await turn();
    expect(w.batches).toHaveLength(1); // still writing the first batch
    w.batches[0]!.finish();
    await expect(Promise.all(first)).resolves.toEqual([1, 2, 3]);
    await turn();
    expect(w.batches.map((b) => b.items)).toEqual([[1, 2, 3], [4, 5]]);
    w.batches[1]!.finish();
    await expect(Promise.all(second)).resolves.toEqual([4, 5]);
  });

  it('never puts one key twice in a batch and keeps the order of a key', async () => {
    const w = controlledWriter<{ key: string; n: number }>();
    const sut = new GroupCommit(w.write, { maxBatch: 100, maxInFlight: 2, keyOf: (i) => i.key });
    const all = [
      { key: 'a', n: 1 },
      { key: 'a', n: 2 },
      { key: 'b', n: 3 },
      { key: 'a', n: 4 },
    ].map((i) => sut.submit(i));
    await turn();
    // a1 and b3 go first; a2 waits for a1 (even with a second batch free), a4 for a2.
    expect(w.batches.map((b) => b.items.map((i) => i.n))).toEqual([[1, 3]]);
    w.batches[0]!.finish();
    await turn();
    expect(w.batches.map((b) => b.items.map((i) => i.n))).toEqual([[1, 3], [2]]);
    w.batches[1]!.finish();
    await turn();
    w.batches[2]!.finish();
    expect((await Promise.all(all)).map((i) => i.n)).toEqual([1, 2, 3, 4]);
    expect(w.batches.map((b) => b.items.map((i) => i.n))).toEqual([[1, 3], [2], [4]]);
  });

  it('caps batches at maxBatch and runs up to maxInFlight of them at once', async () => {
    const w = controlledWriter<number>();
    const sut = new GroupCommit(w.write, { maxBatch: 2, maxInFlight: 2 });
    const all = [1, 2, 3, 4, 5].map((n) => sut.submit(n));
    await turn();
    expect(w.batches.map((b) => b.items)).toEqual([[1, 2], [3, 4]]);
    w.batches[1]!.finish();
    await turn();
    expect(w.batches.map((b) => b.items)).toEqual([[1, 2], [3, 4], [5]]);
    w.batches[0]!.finish();
    w.batches[2]!.finish();
    await expect(Promise.all(all)).resolves.toEqual([1, 2, 3, 4, 5]);
    await expect(sut.idle()).resolves.toBeUndefined();
  });

  it('fails only the item whose outcome is an Error, and every item of a batch that throws', async () => {
    const w = controlledWriter<number>();
    const sut = new GroupCommit(w.write, { maxBatch: 10 });
    const a = sut.submit(1);
    const b = sut.submit(2);
    await turn();
    w.batches[0]!.finish([1, new Error('two is bad')]);
    await expect(a).resolves.toBe(1);
    await expect(b).rejects.toThrow('two is bad');
    const c = sut.submit(3);
    const d = sut.submit(4);
    await turn();
    w.batches[1]!.fail(new Error('connection lost'));
    await expect(c).rejects.toThrow('connection lost');
    await expect(d).rejects.toThrow('connection lost');
    // The next call is written normally.
    const e = sut.submit(5);
    await turn();
    w.batches[2]!.finish();
    await expect(e).resolves.toBe(5);
  });

  it('reports what is pending and resolves idle() once everything is written', async () => {
    const w = controlledWriter<number>();
    const sut = new GroupCommit(w.write, { maxBatch: 10 });
    const done = Promise.all([sut.submit(1), sut.submit(2)]);
    expect(sut.pending).toBe(2);
    let idle = false;
    void sut.idle().then(() => (idle = true));
    await turn();
    expect(idle).toBe(false);
    w.batches[0]!.finish();
    await done;
    await turn();
    expect(idle).toBe(true);
    expect(sut.pending).toBe(0);
  });
});
