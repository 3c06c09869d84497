import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordPlatform, type DiscordPlatform } from '../../adapters/discord/index.js';
import type { Database } from '../../src/infra/database/database.js';
import { FakeDiscord } from '../fakes/discord/index.js';
import { createPostgresTestDatabase, prismaRepositories } from '../support/database.js';
import { silentLogger } from '../support/logger.js';
import { createMeetupHarness, type MeetupHarness } from '../support/meetup-harness.js';
import { until } from '../support/until.js';

/**
 * A meet-up posted on Discord is mirrored as the guild's own scheduled event (EXTERNAL, with the place as
 * its location), through the real discord.js REST client against the fake: created with the meet-up,
 * moved when its time changes, cancelled with it.
 */

describe('meet-ups as Discord scheduled events', () => {
  let db: Database;
  let fake: FakeDiscord;
  let discord: DiscordPlatform;
  let h: MeetupHarness;

  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    fake = await FakeDiscord.start();
    // REST only: mirroring needs no gateway session.
    discord = createDiscordPlatform({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl, handler: { handle: async () => undefined }, logger: silentLogger });
    h = await createMeetupHarness({ repos: prismaRepositories(db.prisma), database: db, platforms: [discord], scheduler: { refreshWindowMs: 100, skewMarginMs: 10 } });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
    await discord?.stop();
    await fake?.stop();
    await db?.close();
  });

  it('creates, moves and cancels the guild event with the meet-up', async () => {
    const startsAt = new Date(Date.now() + 10 * 24 * 3600_000);
    const meetup = await h.meetups.service.create({
      organizationId: h.organization.id,
      title: 'Chapter evening',
      description: 'Drinks and a talk',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2 * 3600_000),
      timeZone: 'Europe/Amsterdam',
      place: 'Stadhuisplein 1, Utrecht',
      targets: [{ platform: 'discord', workspaceExternalId: fake.guildId, channelExternalId: fake.state.generalChannelId }],
    });
    const event = await until(() => [...fake.state.scheduledEvents.values()][0], 'the scheduled event');
    expect(event).toMatchObject({
      guild_id: fake.guildId,
      name: 'Chapter evening',
      description: 'Drinks and a talk',
      entity_type: 3,
      privacy_level: 2,
      status: 1,
      entity_metadata: { location: 'Stadhuisplein 1, Utrecht' },
      scheduled_start_time: startsAt.toISOString(),
    });
    expect(await until(async () => (await h.meetups.repo.listMirrors(meetup.id)).map((m) => m.externalId)[0], 'the mirror recorded')).toBe(event['id']);

    const later = new Date(startsAt.getTime() + 24 * 3600_000);
    await h.meetups.service.change(meetup, { startsAt: later, endsAt: new Date(later.getTime() + 3600_000) });
    await until(() => fake.state.scheduledEvents.get(event['id'] as string)?.['scheduled_start_time'] === later.toISOString(), 'the event moved');
    expect(fake.state.scheduledEvents.size).toBe(1);

    await h.meetups.service.cancel(meetup);
    await until(() => fake.state.scheduledEvents.get(event['id'] as string)?.['status'] === 4, 'the event cancelled');
  }, 30_000);
});
