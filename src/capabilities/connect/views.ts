import { stripMarkdown } from '../../chat/views.js';
import type { Translate } from '../../kernel/i18n.js';
import { mentionText, type Form, type FormField, type View, type ViewBlock } from '../../kernel/ports/chat-platform.js';
import type { PlatformAccount } from '../../kernel/ports/directory.js';
import type { Platform } from '../../kernel/types.js';
import type { IntroMessage } from './domain/intro.service.js';
import type { FindPage } from './domain/profile.service.js';
import { CONNECT_LIMITS, INTRO_CADENCES, reachPlatform, type Interest, type Profile } from './domain/profile.js';

/** formId of the profile form. */
export const PROFILE_FORM = 'connect.profile';
/** The follow-up buttons: value `<group id>:yes|no`. */
export const MET_ACTION = 'connect.met';

/** The profile form, filled in with what the member saved (interests as multi-selects, choices as selects). */
export function profileForm(t: Translate, profile: Profile, interests: readonly Interest[], linkedPlatforms: readonly Platform[]): Form {
  const options = interests.slice(0, CONNECT_LIMITS.interests).map((i) => ({ label: i.name, value: i.id }));
  const known = new Set(options.map((o) => o.value));
  const fields: FormField[] = [
    {
      name: 'intro',
      label: t('connect.profile.intro'),
      kind: 'long',
      required: false,
      placeholder: t('connect.profile.introPlaceholder'),
      maxLength: CONNECT_LIMITS.intro,
      ...(profile.intro ? { initial: profile.intro } : {}),
    },
  ];
  if (options.length > 0) {
    const chosen = (ids: readonly string[]) => ids.filter((id) => known.has(id)).join(',');
    fields.push({ name: 'interests', label: t('connect.profile.interests'), kind: 'multi-select', required: false, options, initial: chosen(profile.interestIds) });
    fields.push({ name: 'helpsWith', label: t('connect.profile.helpsWith'), kind: 'multi-select', required: false, options, initial: chosen(profile.helpsWithIds) });
  }
  fields.push({
    name: 'cadence',
    label: t('connect.profile.cadence'),
    kind: 'select',
    required: true,
    options: [{ label: t('connect.profile.cadenceOff'), value: 'off' }, ...INTRO_CADENCES.map((w) => ({ label: t('connect.profile.cadenceEvery', { weeks: w }), value: String(w) }))],
    initial: profile.introsEveryWeeks === null ? 'off' : String(profile.introsEveryWeeks),
  });
  const platforms = [...new Set(linkedPlatforms)];
  const shared = reachPlatform(profile.reach);
  fields.push({
    name: 'reach',
    label: t('connect.profile.reach'),
    kind: 'select',
    required: true,
    options: [
      { label: t('connect.profile.reachHidden'), value: 'hidden' },
      { label: t('connect.profile.reachName'), value: 'name' },
      ...platforms.map((p) => ({ label: t('connect.profile.reachPlatform', { platform: t(`connect.platforms.${p}`) }), value: p })),
    ],
    initial: shared !== null && !platforms.includes(shared) ? 'name' : profile.reach,
  });
  return { formId: PROFILE_FORM, title: t('connect.profile.formTitle'), submitLabel: t('connect.profile.submit'), fields };
}

/** What `/kring profile` shows where no form opens (and under the form on platforms that show both). */
export function profileSummary(t: Translate, profile: Profile, interests: readonly Interest[], org: string): View {
  const names = interests.filter((i) => profile.interestIds.includes(i.id)).map((i) => i.name);
  const text = [t('connect.profile.noForm'), t('connect.profile.current', { interests: names.join(', ') || t('connect.profile.none') })].join('\n\n');
  return view([
    { type: 'text', text },
    { type: 'context', text: t('connect.profile.privacy', { org }) },
  ]);
}

/** The answer after saving. */
export function savedText(t: Translate, profile: Profile): string {
  return t('connect.profile.saved', {
    findable: profile.reach === 'hidden' ? t('connect.profile.findableNo') : t('connect.profile.findableYes'),
    intros: profile.introsEveryWeeks === null ? t('connect.profile.introsNo') : t('connect.profile.introsYes', { weeks: profile.introsEveryWeeks }),
  });
}

/** The association's interests. */
export function interestsView(t: Translate, interests: readonly Interest[]): View {
  if (interests.length === 0) return view([{ type: 'text', text: t('connect.interests.empty') }]);
  return view([
    { type: 'heading', text: t('connect.interests.heading') },
    { type: 'text', text: interests.map((i) => `- ${escapeMarkup(i.name)}`).join('\n') },
    { type: 'context', text: t('connect.interests.hint') },
  ]);
}

/**
 * One page of `/kring find`, for the asker's platform: each findable member with their chapter and the
 * account they chose to share, as a mention when the asker is on that platform and workspace.
 */
export function findView(t: Translate, result: FindPage, asker: PlatformAccount, chapterNames: ReadonlyMap<string, string>): View {
  const interest = escapeMarkup(result.interest.name);
  if (result.total === 0) return view([{ type: 'text', text: t('connect.find.none', { interest }) }]);
  const lines = result.items.map((item) => {
    const parts = [`**${escapeMarkup(item.name)}**`];
    const chapter = item.chapterId ? chapterNames.get(item.chapterId) : undefined;
    if (chapter) parts.push(escapeMarkup(chapter));
    const platform = reachPlatform(item.reach);
    const account = platform ? item.accounts.find((a) => a.platform === platform) : undefined;
    if (platform && account) {
      if (platform === asker.platform && account.workspaceId === asker.workspaceId) parts.push(mentionText(account.displayName ?? item.name, account.platformUserId));
      else if (account.displayName) parts.push(t('connect.find.onAs', { platform: t(`connect.platforms.${platform}`), handle: escapeMarkup(account.displayName) }));
      else parts.push(t('connect.find.on', { platform: t(`connect.platforms.${platform}`) }));
    }
    const intro = item.intro ? `\n  _${escapeMarkup(oneLine(item.intro, 140))}_` : '';
    return `- ${parts.join(' · ')}${intro}`;
  });
  const paging =
    result.page < result.pages
      ? t('connect.find.page', { page: result.page, pages: result.pages, total: result.total, interest: result.interest.name, next: result.page + 1 })
      : t('connect.find.lastPage', { page: result.page, pages: result.pages, total: result.total });
  return view([
    { type: 'heading', text: t('connect.find.heading', { interest: result.interest.name }) },
    { type: 'text', text: lines.join('\n') },
    { type: 'context', text: `${paging} ${t('connect.find.footer')}` },
  ]);
}

/** A member's introduction, or the "did you meet?" after it, in their language. */
export function introMessageView(t: Translate, m: IntroMessage): View {
  const names = m.others.map((o) => o.name).join(t('connect.intros.and'));
  if (m.kind === 'follow-up') {
    return view([
      { type: 'heading', text: t('connect.intros.followUpHeading', { names }) },
      { type: 'text', text: t('connect.intros.followUpBody') },
      {
        type: 'buttons',
        buttons: [
          { actionId: MET_ACTION, label: t('connect.intros.met'), value: `${m.groupId}:yes`, style: 'primary' },
          { actionId: MET_ACTION, label: t('connect.intros.notMet'), value: `${m.groupId}:no` },
        ],
      },
    ]);
  }
  const people = m.others.map((o) => {
    const name = escapeMarkup(o.name);
    const line =
      o.mentionUserId !== null
        ? t('connect.intros.personHere', { name, mention: mentionText(o.name, o.mentionUserId) })
        : o.elsewhere
          ? t('connect.intros.personElsewhere', {
              name,
              where: o.elsewhere.handle
                ? t('connect.find.onAs', { platform: t(`connect.platforms.${o.elsewhere.platform as Platform}`), handle: escapeMarkup(o.elsewhere.handle) })
                : t('connect.find.on', { platform: t(`connect.platforms.${o.elsewhere.platform as Platform}`) }),
            })
          : t('connect.intros.personNowhere', { name });
    return `- ${line}${o.intro ? `\n  _${escapeMarkup(oneLine(o.intro, 200))}_` : ''}`;
  });
  const blocks: ViewBlock[] = [
    { type: 'heading', text: t('connect.intros.heading', { names }) },
    { type: 'text', text: m.label === '*' || m.label === '' ? t('connect.intros.bodyAll') : t('connect.intros.body', { label: escapeMarkup(m.label) }) },
    { type: 'text', text: people.join('\n') },
  ];
  if (m.shared.length > 0) blocks.push({ type: 'text', text: t('connect.intros.shared', { list: m.shared.map(escapeMarkup).join(', ') }) });
  const starter = String(Math.abs(m.starter) % 4) as '0' | '1' | '2' | '3';
  blocks.push({ type: 'text', text: `**${t('connect.intros.starterHeading')}**: ${t(`connect.intros.starters.${starter}`)}` });
  blocks.push({ type: 'context', text: t('connect.intros.footer') });
  return view(blocks);
}

function view(blocks: ViewBlock[]): View {
  const first = blocks.find((b) => b.type === 'heading' || b.type === 'text');
  return { fallback: first && 'text' in first ? stripMarkdown(first.text.replace(/\[([^\]]+)\]\(mention:[^)]+\)/g, '$1')) : '', blocks };
}

/**
 * Member-written text inside our markdown: the characters that would open bold, code or a link (and so
 * a forged mention) are dropped; adapters render no escape sequences the same way.
 */
function escapeMarkup(text: string): string {
  return text.replace(/[*`[\]]/g, '');
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
