/**
 * A short-lived cache of look-ups that stores the promise, not the value: concurrent callers of a key that
 * is not cached share the one look-up in flight (when an entry expires under load, one query goes out
 * instead of one per caller). A failed look-up is forgotten at once. Entries expire `ttlMs` after their
 * look-up started; `delete`/`clear` drop them (invalidation), and a look-up that was in flight when its
 * key was dropped still answers its callers but is not kept.
 */
export interface PromiseCacheOptions {
  /** How long a value is reused, from the start of its look-up. */
  ttlMs: number;
  /** Most entries kept; the oldest go first when full. */
  maxEntries: number;
  /** Milliseconds now (tests inject a clock). Default Date.now. */
  now?: () => number;
}

interface Entry<V> {
  value: Promise<V>;
  expiresAt: number;
}

/** See the module comment. */
export class PromiseCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private readonly now: () => number;

  constructor(private readonly options: PromiseCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The cached value of `key`, or the result of `load()` (shared by every caller until it expires). */
  get(key: K, load: () => Promise<V>): Promise<V> {
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      if (hit.expiresAt > now) return hit.value;
      this.entries.delete(key);
    }
    const value = load();
    const entry: Entry<V> = { value, expiresAt: now + this.options.ttlMs };
    if (this.entries.size >= this.options.maxEntries) this.evictOldest();
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  /** Forgets one key. */
  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Forgets every key for which `test` holds on the key (cheap enough for invalidations, which are rare). */
  deleteWhere(test: (key: K) => boolean): void {
    for (const key of this.entries.keys()) if (test(key)) this.entries.delete(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private evictOldest(): void {
    // Map iteration is insertion order: the first entries are the oldest.
    let drop = Math.max(1, Math.floor(this.options.maxEntries / 10));
    for (const key of this.entries.keys()) {
      if (drop-- <= 0) break;
      this.entries.delete(key);
    }
  }
}
