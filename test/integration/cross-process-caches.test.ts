import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveHub } from '../../adapters/web/live.js';
import { AccessCache } from '../../src/chat/access-cache.js';
import type { Database } from '../../src/infra/database/database.js';
import { createPrismaDirectory } from '../../src/infra/database/directory.js';
import { RedisBroadcast } from '../../src/infra/pubsub/broadcast.js';
import type { Directory, PlatformAccount } from '../../src/kernel/ports/directory.js';
import { createPostgresTestDatabase } from '../support/database.js';
import { silentLogger } from '../support/logger.js';
import { TEST_REDIS_URL } from '../support/redis.js';
import { testSecretBox } from '../support/secrets.js';

/**
 * Issue 18, no per-process state that breaks with replicas: what one Kring process changes reaches the
 * others through Redis pub/sub (two RedisBroadcasts stand for two processes: each its own connections, one
 * Redis, one prefix). A chat account cached as "not linked" in one process is looked up afresh there as
 * soon as another process links it, well inside the cache's own 10 s; a web page whose event stream is
 * held by one process receives a message that another process posted.
 */
let db: Database;
let directory: Directory;
const prefix = `test-${randomUUID()}`;
const opened: RedisBroadcast[] = [];

function processBroadcast(): RedisBroadcast {
  const b = new RedisBroadcast(new Redis(TEST_REDIS_URL), new Redis(TEST_REDIS_URL), prefix, silentLogger);
  opened.push(b);
  return b;
}

beforeAll(async () => {
  db = await createPostgresTestDatabase();
  directory = createPrismaDirectory(db.prisma, testSecretBox);
}, 60_000);
afterAll(async () => {
  for (const b of opened) await b.close();
  await db?.close();
});

async function until<T>(check: () => Promise<T | undefined | false | null> | T | undefined | false | null, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until `count` connections subscribe to `channel` at Redis (subscribing is asynchronous). */
async function subscribers(channel: string, count: number): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    await until(async () => {
      const answer = (await redis.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
      return Number(answer[1]) >= count;
    }, `${count} subscribers of ${channel}`);
  } finally {
    redis.disconnect();
  }
}

describe('caches across Kring processes', () => {
  it('drops a cached "not linked" account in every process when one process links it', async () => {
    const org = await directory.organizations.ensure({ slug: 'kring-noord', name: 'Kring Noord', defaultLocale: 'nl', timezone: 'Europe/Amsterdam' });
    await directory.members.upsertMany(org.id, [{ memberNumber: '42', name: 'Sanne', email: 'sanne@example.org', status: 'active', roles: ['member'], chapterId: null }]);
    const member = (await directory.members.findByNumber(org.id, '42'))!;
    const account: PlatformAccount = { platform: 'slack', workspaceId: 'T0NOORD', platformUserId: 'U0SANNE' };

    const reading = new AccessCache(directory.identities, processBroadcast());
    const linking = new AccessCache(directory.identities, processBroadcast());
    await subscribers(`${prefix}:bc:access-cache`, 2);
    expect(await reading.lookup(account)).toBeNull();

    // The other process links the account and hears its own membership event.
    const identity = await db.prisma.platformIdentity.create({
      data: { organizationId: org.id, memberId: member.id, platform: 'slack', workspaceId: account.workspaceId, platformUserId: account.platformUserId },
    });
    const linked = linking.listeners()['member.linked'] as (e: { member: typeof member; identity: PlatformAccount & { id: string } }) => void;
    const at = Date.now();
    linked({ member, identity: { ...account, id: identity.id } });

    const found = await until(async () => (await reading.lookup(account))?.member.id, 'the reading process to see the link');
    expect(found).toBe(member.id);
    // Far inside the 10 s the cache would otherwise have kept "not linked".
    expect(Date.now() - at).toBeLessThan(5000);
  });

  it('delivers a web message posted in one process to a page whose stream another process holds', async () => {
    const serving = new LiveHub();
    const posting = new LiveHub();
    const topic = `web-live-${randomUUID()}`;
    await serving.relayThrough(processBroadcast(), topic);
    await posting.relayThrough(processBroadcast(), topic);
    const server: Server = createServer((req, res) => serving.open({ res, userId: 'u-1', canSee: async (channel) => channel === 'algemeen' }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const controller = new AbortController();
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { signal: controller.signal });
      const reader = res.body!.getReader();
      let text = '';
      const read = (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          text += Buffer.from(value).toString();
        }
      })().catch(() => undefined);
      await until(() => text.includes('event: ready'), 'the stream to open');
      await subscribers(`${prefix}:bc:${topic}`, 2);
      await posting.publish({ kind: 'post', channel: 'bestuur', id: 'm-0', html: '<p>geheim</p>' });
      await posting.publish({ kind: 'post', channel: 'algemeen', id: 'm-1', html: '<p>Welkom</p>' });
      await until(() => text.includes('"id":"m-1"'), 'the message from the other process');
      // Only what the page may see.
      expect(text).not.toContain('geheim');
      controller.abort();
      await read;
    } finally {
      serving.close();
      posting.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
