import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordPlatform, type DiscordPlatform } from '../../adapters/discord/index.js';
import type { InboundEvent } from '../../src/kernel/ports/chat-platform.js';
import { FakeDiscord } from '../fakes/discord/index.js';
import { shardFor } from '../fakes/discord/gateway.js';
import { RecordingHandler } from '../fakes/discord/recording-handler.js';
import { silentLogger } from '../support/logger.js';

/**
 * Issue 18, Discord shards (DISCORD_SHARD_IDS / DISCORD_SHARD_COUNT): two gateway processes, each holding
 * one of two shards, split the guilds as Discord does, `(guild_id >> 22) % 2`; a process without the
 * gateway role posts over REST without ever identifying. The real discord.js client against the fake,
 * whose gateway keeps one session per shard and sends each shard only its guilds' events.
 */
let fake: FakeDiscord;
const platforms: DiscordPlatform[] = [];
afterEach(async () => {
  for (const p of platforms.splice(0)) await p.stop();
  await fake?.stop();
});

function platform(handler: RecordingHandler, extra: { gateway?: boolean; shards?: { ids: number[]; count: number } }): DiscordPlatform {
  const p = createDiscordPlatform({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl, handler, logger: silentLogger, ...extra });
  platforms.push(p);
  return p;
}

const wrote = (text: string) => (e: InboundEvent) => e.type === 'message-seen' && JSON.stringify(e).includes(text);

describe('Discord gateway shards across processes', () => {
  it('gives each shard process only the events of its guilds, and posts from a process without the gateway', async () => {
    fake = await FakeDiscord.start();
    const onShard = [fake.state.addGuild('Afdeling Noord', { shard: [0, 2] }), fake.state.addGuild('Afdeling Zuid', { shard: [1, 2] })];
    expect(onShard.map((g) => shardFor(g.guildId, 2))).toEqual([0, 1]);
    const handlers = [new RecordingHandler(), new RecordingHandler()];
    await Promise.all([platform(handlers[0]!, { shards: { ids: [0], count: 2 } }).start(), platform(handlers[1]!, { shards: { ids: [1], count: 2 } }).start()]);
    expect(fake.gateway.connectedShards).toEqual([
      [0, 2],
      [1, 2],
    ]);

    // Messages in each guild (the member-writes helper dispatches the channel's own guild_id).
    for (const [i, g] of onShard.entries()) fake.memberWrites({ content: `bericht-${i}`, channelId: g.channelId });
    await handlers[0]!.waitFor(wrote(onShard[0]!.channelId), 15_000);
    await handlers[1]!.waitFor(wrote(onShard[1]!.channelId), 15_000);
    // A third message on shard 0 arrives there too; then nothing crossed over.
    fake.memberWrites({ content: 'nog een', channelId: onShard[0]!.channelId });
    await waitUntil(() => handlers[0]!.events.filter(wrote(onShard[0]!.channelId)).length >= 2);
    expect(handlers[0]!.events.filter(wrote(onShard[1]!.channelId))).toEqual([]);
    expect(handlers[1]!.events.filter(wrote(onShard[0]!.channelId))).toEqual([]);
    expect(handlers[0]!.events.filter(wrote(onShard[0]!.channelId))).toHaveLength(2);

    // A button press in the second guild is answered by the shard-1 process.
    const press = fake.pressButton({ messageId: (await postIn(onShard[1]!)).messageId, customId: 'poll.vote|x', user: fake.state.anna });
    await handlers[1]!.waitFor((e) => e.type === 'action', 15_000);
    expect(handlers[0]!.events.filter((e) => e.type === 'action')).toEqual([]);
    await waitUntil(() => press.callbacks.length > 0);

    // REST only: starts without identifying, and posts.
    const identifies = fake.gateway.stats.identifies;
    const restOnly = platform(new RecordingHandler(), { gateway: false });
    await restOnly.start();
    const posted = await restOnly.post({ workspaceId: onShard[0]!.guildId, channelId: onShard[0]!.channelId }, { fallback: 'Via REST', blocks: [{ type: 'text', text: 'Via REST' }] });
    expect(fake.messages(onShard[0]!.channelId).map((m) => m.messageId)).toContain(posted.messageId);
    expect(fake.gateway.stats.identifies).toBe(identifies);
  }, 60_000);

  it('refuses an Identify whose shard count differs from the open shards', async () => {
    fake = await FakeDiscord.start();
    await platform(new RecordingHandler(), { shards: { ids: [0], count: 2 } }).start();
    const closed = new Promise<number>((resolve) => fake.gateway.on('closed', (code: number) => resolve(code)));
    const wrong = platform(new RecordingHandler(), { shards: { ids: [1], count: 3 } });
    void wrong.start().catch(() => undefined);
    expect(await closed).toBe(4010);
  }, 30_000);
});

/** Posts a message with a button in a guild's channel, over REST, as the bot (so there is something to press). */
async function postIn(g: { guildId: string; channelId: string }) {
  const poster = createDiscordPlatform({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl, handler: new RecordingHandler(), logger: silentLogger, gateway: false });
  const ref = await poster.post({ workspaceId: g.guildId, channelId: g.channelId }, { fallback: 'Stem', blocks: [{ type: 'buttons', buttons: [{ actionId: 'poll.vote', value: 'x', label: 'Ja' }] }] });
  await poster.stop();
  return ref;
}

async function waitUntil(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
