import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryPollRepository } from '../../../test/fakes/in-memory-poll.repository.js';
import { createInMemoryRepositories } from '../../../test/fakes/in-memory-repositories.js';
import { FakeChatPlatform } from '../../../test/fakes/fake-chat-platform.js';
import { createPollHarness, replyText, type Account, type PollHarness } from '../../../test/support/poll-harness.js';
import { shortPollId, voteValue } from './domain/poll.js';
import type { ViewBlock } from '../../kernel/ports/chat-platform.js';

const slackManager: Account = { platform: 'slack', workspaceId: 'T1', userId: 'U-manager' };
const slackMember: Account = { platform: 'slack', workspaceId: 'T1', userId: 'U-member' };
const stranger: Account = { platform: 'slack', workspaceId: 'T1', userId: 'U-stranger' };

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('poll commands', () => {
  let h: PollHarness;
  let slack: FakeChatPlatform;
  let pollRepo: InMemoryPollRepository;

  beforeEach(async () => {
    slack = new FakeChatPlatform('slack');
    const repos = createInMemoryRepositories();
    pollRepo = new InMemoryPollRepository(async (id) => (await repos.members.findById(h.organization.id, id)) ?? undefined);
    h = await createPollHarness({
      repos,
      pollRepo,
      platforms: [slack],
      scheduler: { refreshWindowMs: 50, skewMarginMs: 0 },
    });
    await h.member({ roles: ['member', 'manager'], accounts: [slackManager] });
    await h.member({ accounts: [slackMember] });
  });

  afterEach(async () => {
    await h.stop();
  });

  const created = async (words: string) => {
    const reply = await h.command(slackManager, `poll create ${words}`);
    const id = /`([0-9a-f]{8})`/.exec(replyText(reply))?.[1];
    if (!id) throw new Error(`no poll created: ${replyText(reply)}`);
    return (await h.polls.service.find(h.organization.id, id))!;
  };

  it('creates a poll from the text form and posts it in the channel', async () => {
    const reply = await h.command(slackManager, 'poll create Where shall we meet? | Utrecht | Zwolle --deadline=2099-12-01T18:00');
    expect(reply?.visibility).toBe('private');
    expect(replyText(reply)).toMatch(/Poll `[0-9a-f]{8}` is created and will appear in 1 channel\./);
    await until(() => slack.callsOf('post').length === 1);
    const post = slack.callsOf('post')[0]!;
    expect(post.channel).toEqual({ workspaceId: 'T1', channelId: 'C-general' });
    expect(post.view.blocks[0]).toEqual({ type: 'heading', text: 'Where shall we meet?' });
    const buttons = post.view.blocks.find((b): b is Extract<ViewBlock, { type: 'buttons' }> => b.type === 'buttons');
    expect(buttons?.buttons.map((b) => b.label)).toEqual(['Utrecht', 'Zwolle']);
    expect(JSON.stringify(post.view)).toContain('(Europe/Amsterdam)');
  });

  it('refuses poll commands to members who are not managers', async () => {
    expect(replyText(await h.command(slackMember, 'poll create Q | a | b'))).toBe('Only members with one of these roles can do that: community manager, board.');
    expect(replyText(await h.command(slackMember, 'poll list'))).toBe('Only members with one of these roles can do that: community manager, board.');
  });

  it('tells an account that is not linked yet to link first, naming every role that grants manager commands (issue 21, item 8)', async () => {
    // A board member who has not linked cannot be told apart from anyone else: the answer is "link first", never "not a manager".
    const text = replyText(await h.command(stranger, 'poll create Q | a | b'));
    expect(text).toBe(
      'This is for members with one of these roles: community manager, board. Link your chat account to your membership first with `/kring link <member number or e-mail>`; then your role counts here too.',
    );
  });

  it('explains a malformed definition in the manager’s language', async () => {
    expect(replyText(await h.command(slackManager, 'poll create Q | a'))).toBe('Give at least 2 options, separated by `|`.');
    expect(replyText(await h.command(slackManager, 'poll create Q | a | b --deadline=2001-01-01T10:00'))).toMatch(/has passed already/);
    expect(replyText(await h.command(slackManager, 'poll create Q | a | b --chapter=Nowhere'))).toMatch(/There is no chapter called "Nowhere"/);
    expect(replyText(await h.command(slackManager, 'poll create Q | a | b --role=wizard'))).toMatch(/There is no role "wizard"/);
  });

  it('opens the poll form for /kring poll create without a definition, explaining the text form as fallback', async () => {
    const reply = await h.command(slackManager, 'poll create');
    expect(reply?.form).toMatchObject({ formId: 'poll.create', title: 'New poll', submitLabel: 'Create poll' });
    expect(reply?.form?.fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ['question', 'short', true],
      ['options', 'long', true],
      ['settings', 'short', false],
    ]);
    expect(replyText(reply)).toMatch(/^Write the poll like this/);
  });

  it('creates and posts the poll from a submitted form, in the channel the form was opened from', async () => {
    const reply = await h.submit(slackManager, 'poll.create', { question: 'Where | when?', options: 'Utrecht\n\n Zwolle \n', settings: '--multi --anonymous' }, 'C-board');
    expect(replyText(reply)).toMatch(/Poll `([0-9a-f]{8})` is created and will appear in 1 channel\./);
    await until(() => slack.callsOf('post').length === 1);
    const post = slack.callsOf('post')[0]!;
    expect(post.channel).toEqual({ workspaceId: 'T1', channelId: 'C-board' });
    expect(post.view.blocks[0]).toEqual({ type: 'heading', text: 'Where / when?' });
    const id = /`([0-9a-f]{8})`/.exec(replyText(reply))![1]!;
    expect(await h.polls.service.find(h.organization.id, id)).toMatchObject({ options: ['Utrecht', 'Zwolle'], choiceMode: 'multi', anonymous: true });
  });

  it('refuses a submitted poll form from a member who is not a manager, and creates nothing', async () => {
    const reply = await h.submit(slackMember, 'poll.create', { question: 'Q?', options: 'a\nb', settings: '' });
    expect(replyText(reply)).toBe('Only members with one of these roles can do that: community manager, board.');
    expect(await h.polls.service.list(h.organization.id, { limit: 5 })).toEqual([]);
    expect(slack.callsOf('post')).toEqual([]);
  });

  it('explains a bad submitted form like the text form', async () => {
    expect(replyText(await h.submit(slackManager, 'poll.create', { question: 'Q?', options: 'only one', settings: '' }))).toBe('Give at least 2 options, separated by `|`.');
    expect(replyText(await h.submit(slackManager, 'poll.unknown', {}))).toMatch(/./);
  });

  it('lets a member vote with a button and confirms the choice privately', async () => {
    const poll = await created('Q? | Yes | No');
    const reply = await h.press(slackMember, voteValue(poll.id, 1));
    expect(reply).toMatchObject({ visibility: 'private' });
    expect(replyText(reply)).toBe('Your vote: **No**. You can change it until the poll closes.');
    expect(await pollRepo.tally(poll.id)).toEqual({ counts: [0, 1], voters: 1 });
  });

  it('invites someone who is not linked to link, instead of an error', async () => {
    const poll = await created('Q? | Yes | No');
    expect(replyText(await h.press(stranger, voteValue(poll.id, 0)))).toMatch(/^To vote, first link your chat account .*`\/kring link <member number or e-mail>`/);
    expect((await pollRepo.tally(poll.id)).voters).toBe(0);
  });

  it('answers a vote on a closed poll politely', async () => {
    const poll = await created('Q? | Yes | No');
    expect(replyText(await h.command(slackManager, `poll close ${shortPollId(poll.id)}`))).toMatch(/is closed\. The final results/);
    expect(replyText(await h.press(slackMember, voteValue(poll.id, 0)))).toBe('This poll is closed: votes are no longer accepted.');
    expect(replyText(await h.command(slackManager, `poll close ${shortPollId(poll.id)}`))).toBe('This poll was closed already.');
  });

  it('toggles and limits choices in a multi-choice poll', async () => {
    const poll = await created('Which days? | Mon | Tue | Wed --multi=2');
    await h.press(slackMember, voteValue(poll.id, 0));
    expect(replyText(await h.press(slackMember, voteValue(poll.id, 2)))).toBe('Your choices: **Mon, Wed**. Press an option again to remove it.');
    expect(replyText(await h.press(slackMember, voteValue(poll.id, 1)))).toMatch(/You can choose at most 2 options/);
    expect(replyText(await h.press(slackMember, voteValue(poll.id, 0)))).toBe('Your choices: **Wed**. Press an option again to remove it.');
  });

  it('offers a select instead of buttons for more than five options', async () => {
    await created('Pick | a | b | c | d | e | f');
    await until(() => slack.callsOf('post').length === 1);
    const blocks = slack.callsOf('post')[0]!.view.blocks;
    expect(blocks.some((b) => b.type === 'buttons')).toBe(false);
    expect(blocks.find((b) => b.type === 'select')).toMatchObject({ actionId: 'poll.vote', options: expect.arrayContaining([expect.objectContaining({ label: 'f' })]) });
  });

  it('updates the posted copy with result bars after votes, and shows final results without buttons when closed', async () => {
    const poll = await created('Q? | Yes | No');
    await until(() => slack.callsOf('post').length === 1);
    await h.press(slackMember, voteValue(poll.id, 0));
    await until(() => slack.callsOf('update').some((u) => JSON.stringify(u.view).includes('"count":1')));
    await h.command(slackManager, `poll close ${shortPollId(poll.id)}`);
    await until(() => slack.callsOf('update').some((u) => !u.view.blocks.some((b) => b.type === 'buttons')));
    const final = [...slack.messages.values()][0]!.view;
    expect(final.blocks.find((b) => b.type === 'bars')).toEqual({
      type: 'bars',
      bars: [{ label: 'Yes', count: 1, percent: 100 }, { label: 'No', count: 0, percent: 0 }],
    });
    expect(JSON.stringify(final)).toContain('This poll is closed. Final results:');
  });

  it('shows only the number of votes of a hidden poll until it closes', async () => {
    const poll = await created('Q? | Yes | No --hidden');
    await until(() => slack.callsOf('post').length === 1);
    await h.press(slackMember, voteValue(poll.id, 0));
    await until(() => slack.callsOf('update').length >= 1);
    const view = [...slack.messages.values()][0]!.view;
    expect(view.blocks.some((b) => b.type === 'bars')).toBe(false);
    expect(JSON.stringify(view)).toContain('**1 vote**. The results appear when the poll closes.');
    // Managers may look (and are told members cannot).
    expect(replyText(await h.command(slackManager, `poll results ${shortPollId(poll.id)}`))).toContain('Members see these results only after the poll closes.');
  });

  it('lists polls and exports a named poll with voters, an anonymous one with counts only', async () => {
    const named = await created('Named? | Yes | No');
    const anon = await created('Secret? | Yes | No --anonymous');
    await h.press(slackMember, voteValue(named.id, 0));
    await h.press(slackMember, voteValue(anon.id, 1));
    const list = replyText(await h.command(slackManager, 'poll list'));
    expect(list).toContain(`\`${shortPollId(named.id)}\` Named? · Open · 1 vote`);
    const namedCsv = replyText(await h.command(slackManager, `poll export ${shortPollId(named.id)}`));
    expect(namedCsv).toContain('member_number,name,choices,voted_at');
    expect(namedCsv).toMatch(/\nM000002-\w{4},Member 2,Yes,20\d\d-/);
    const anonCsv = replyText(await h.command(slackManager, `poll export ${shortPollId(anon.id)}`));
    expect(anonCsv).toContain('option,votes,percent\nYes,0,0\nNo,1,100\nvoters,1,');
    expect(anonCsv).not.toContain('Member 2');
  });

  it('says so when a poll id is unknown', async () => {
    expect(replyText(await h.command(slackManager, 'poll results deadbeef'))).toMatch(/I could not find that poll/);
  });
});
