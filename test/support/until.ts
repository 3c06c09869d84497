/**
 * Waits until `check` gives a truthy value and returns it; fails naming `what` after `ms`. Tests wait on
 * conditions, never on sleeps: on a busy machine everything takes longer, so the bound is generous and
 * only reached when something is wrong.
 */
export async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
