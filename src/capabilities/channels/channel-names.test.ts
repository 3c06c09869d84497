import { describe, expect, it } from 'vitest';
import { FakeChatPlatform } from '../../../test/fakes/fake-chat-platform.js';
import { createInMemoryRepositories } from '../../../test/fakes/in-memory-repositories.js';
import { silentLogger } from '../../../test/support/logger.js';
import { ChannelNames } from './channel-names.js';

async function world() {
  const repos = createInMemoryRepositories();
  const org = await repos.organizations.ensure({ slug: 'namen', name: 'Namen' });
  const slack = new FakeChatPlatform('slack');
  const sut = new ChannelNames({ platforms: { get: (p) => (p === 'slack' ? slack : undefined), all: () => [slack] }, workspaces: repos.workspaces, channels: repos.channels, logger: silentLogger });
  const workspace = await repos.workspaces.upsert({ organizationId: org.id, platform: 'slack', externalId: 'T1' });
  await repos.channels.upsert({ workspaceId: workspace.id, externalId: 'C1', purpose: 'news', name: 'algemeen' });
  const stored = async (externalId: string) => (await repos.channels.list(org.id)).find((c) => c.externalId === externalId);
  return { repos, org, slack, sut, stored };
}

describe(ChannelNames.name, () => {
  it('stores the new name of a connected channel a platform reports renamed, and ignores channels never connected', async () => {
    const { slack, sut, stored } = await world();
    sut.follow();

    await slack.renameChannel({ workspaceId: 'T1', channelId: 'C1' }, 'nieuws');
    await slack.renameChannel({ workspaceId: 'T1', channelId: 'C9' }, 'elders');

    expect((await stored('C1'))?.name).toBe('nieuws');
    expect(await stored('C9')).toBeUndefined();
  });

  it('refreshes listed channels from the platform and keeps the stored name when it has none', async () => {
    const { repos, org, slack, sut, stored } = await world();
    slack.nameChannel('C1', 'mededelingen');

    const listed = await sut.refresh(await repos.channels.list(org.id));
    expect(listed.map((c) => c.name)).toEqual(['mededelingen']);
    expect((await stored('C1'))?.name).toBe('mededelingen');

    const empty = new FakeChatPlatform('slack');
    const blind = new ChannelNames({ platforms: { get: () => empty, all: () => [empty] }, workspaces: repos.workspaces, channels: repos.channels, logger: silentLogger });
    expect((await blind.refresh(await repos.channels.list(org.id))).map((c) => c.name)).toEqual(['mededelingen']);
  });
});
