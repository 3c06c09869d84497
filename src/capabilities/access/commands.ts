import { z } from 'zod';
import { defineCommand, type ActionDefinition, type CommandContext, type CommandDefinition } from '../../chat/command.js';
import { privateText, reply } from '../../chat/views.js';
import { MEMBER_ROLES, type MemberRole } from '../../kernel/community.js';
import type { Translate, Translator } from '../../kernel/i18n.js';
import type { Reply } from '../../kernel/ports/chat-platform.js';
import type { ChapterRepository } from '../../kernel/ports/directory.js';
import { LOCALES, type Locale } from '../../kernel/types.js';
import type { Audience, AccessPlace } from './domain/access.js';
import { MAX_RULES_LENGTH, type AccessService } from './domain/access.service.js';
import { RULES_AGREE_ACTION, rulesView } from './views.js';

/** Dependencies of the access commands. */
export interface AccessCommandDeps {
  access: AccessService;
  chapters: Pick<ChapterRepository, 'list'>;
  translator: Translator;
}

/** A place as lists show it: the first 8 characters of its id. */
export const shortPlaceId = (place: Pick<AccessPlace, 'id'>): string => place.id.slice(0, 8);

/** `all`, `role=board,sounding_board`, `chapter=Utrecht,Amsterdam` (also `roles=`, `chapters=`, `rol=`, `afdeling=`). */
export async function parseAudience(text: string, organizationId: string, chapters: Pick<ChapterRepository, 'list'>, t: Translate): Promise<{ ok: Audience } | { reply: Reply }> {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0 || (words.length === 1 && /^(all|alle|iedereen)$/i.test(words[0]!))) return { ok: { kind: 'all' } };
  const roles: MemberRole[] = [];
  const chapterNames: string[] = [];
  for (const word of words) {
    const match = /^-{0,2}(roles?|rol|rollen|chapters?|afdelingen?)=(.+)$/i.exec(word);
    if (!match) return { reply: privateText(t('access.errors.badAudience', { word })) };
    const values = match[2]!.split(',').map((v) => v.trim()).filter(Boolean);
    if (/^(roles?|rol|rollen)$/i.test(match[1]!)) {
      for (const value of values) {
        const n = value.toLowerCase().replace(/[\s-]+/g, '_');
        const role = MEMBER_ROLES.find((r) => r === n || t(`roles.${r}`).toLowerCase().replace(/[\s-]+/g, '_') === n);
        if (!role) return { reply: privateText(t('access.errors.badAudience', { word: value })) };
        roles.push(role);
      }
    } else chapterNames.push(...values);
  }
  if (roles.length > 0 && chapterNames.length > 0) return { reply: privateText(t('access.errors.badAudience', { word: text.trim() })) };
  if (roles.length > 0) return { ok: { kind: 'roles', roles: [...new Set(roles)] } };
  const all = await chapters.list(organizationId);
  const ids: string[] = [];
  for (const name of chapterNames) {
    const chapter = all.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (!chapter) return { reply: privateText(t('access.errors.unknownChapter', { chapter: name, chapters: all.map((c) => c.name).join(', ') || '-' })) };
    ids.push(chapter.id);
  }
  return { ok: { kind: 'chapters', chapterIds: [...new Set(ids)] } };
}

/** Who a place is for, in words. */
export async function audienceText(audience: Audience, organizationId: string, chapters: Pick<ChapterRepository, 'list'>, t: Translate): Promise<string> {
  if (audience.kind === 'all') return t('access.audience.all');
  if (audience.kind === 'roles') return t('access.audience.roles', { roles: audience.roles.map((r) => t(`roles.${r}`)).join(', ') });
  const all = await chapters.list(organizationId);
  return t('access.audience.chapters', { chapters: audience.chapterIds.map((id) => all.find((c) => c.id === id)?.name ?? id).join(', ') });
}

/**
 * `/kring access here|role|list|remove|grace|sweep` (managers), `/kring rules` (anyone) and
 * `/kring rules set` (managers), and the rules' "I agree" button (members).
 */
export function accessCommands(deps: AccessCommandDeps): { commands: CommandDefinition[]; actions: ActionDefinition[] } {
  const audienceArg = { name: 'audience', kind: 'string', required: false, descriptionKey: 'access.args.audience', rest: true } as const;

  async function add(ctx: CommandContext, kind: 'role' | 'channel', externalId: string, audienceWords: string | undefined): Promise<Reply> {
    const audience = await parseAudience(audienceWords ?? '', ctx.organization.id, deps.chapters, ctx.t);
    if ('reply' in audience) return audience.reply;
    const place = await deps.access.addPlace({
      organizationId: ctx.organization.id,
      platform: ctx.account.platform,
      workspaceId: ctx.account.workspaceId,
      kind,
      externalId,
      name: null,
      audience: audience.ok,
    });
    const shown = kind === 'role' ? `<@&${externalId}>` : `<#${externalId}>`;
    return privateText(ctx.t('access.place.added', { place: `${shown} (\`${shortPlaceId(place)}\`)`, audience: await audienceText(place.audience, ctx.organization.id, deps.chapters, ctx.t) }));
  }

  const here = defineCommand({
    path: ['access', 'here'],
    access: 'manager',
    args: [audienceArg],
    schema: z.object({ audience: z.string().max(500).optional() }),
    descriptionKey: 'access.commands.here',
    async run(ctx, args) {
      const channel = ctx.event.channelId;
      if (!channel) return privateText(ctx.t('access.errors.noChannel'));
      return add(ctx, 'channel', channel, args.audience);
    },
  });

  const role = defineCommand({
    path: ['access', 'role'],
    access: 'manager',
    args: [{ name: 'role', kind: 'string', required: true, descriptionKey: 'access.args.roleId' }, audienceArg],
    schema: z.object({ role: z.string().trim().regex(/^(<@&)?\d{5,25}>?$/), audience: z.string().max(500).optional() }),
    descriptionKey: 'access.commands.role',
    async run(ctx, args) {
      return add(ctx, 'role', args.role.replace(/[^\d]/g, ''), args.audience);
    },
  });

  const list = defineCommand({
    path: ['access', 'list'],
    access: 'manager',
    args: [],
    schema: z.object({}),
    descriptionKey: 'access.commands.list',
    async run(ctx) {
      const [places, settings] = await Promise.all([deps.access.listPlaces(ctx.organization.id), deps.access.settings(ctx.organization.id)]);
      const grace = ctx.t('access.place.graceLine', { days: settings.graceDays });
      if (places.length === 0) return privateText(`${ctx.t('access.place.none')}\n${grace}`);
      const lines: string[] = [];
      for (const place of places) {
        lines.push(
          `- ${ctx.t('access.place.line', {
            id: shortPlaceId(place),
            platform: place.platform,
            kind: ctx.t(`access.kind.${place.kind}`),
            place: place.name ?? place.externalId,
            audience: await audienceText(place.audience, ctx.organization.id, deps.chapters, ctx.t),
          })}`,
        );
      }
      return reply('private', ctx.t('access.place.title'), [{ type: 'text', text: lines.join('\n') }, { type: 'context', text: grace }]);
    },
  });

  const remove = defineCommand({
    path: ['access', 'remove'],
    access: 'manager',
    args: [{ name: 'place', kind: 'string', required: true, descriptionKey: 'access.args.place' }],
    schema: z.object({ place: z.string().trim().min(1).max(64) }),
    descriptionKey: 'access.commands.remove',
    async run(ctx, args) {
      const place = await deps.access.removePlace(ctx.organization.id, args.place);
      return privateText(ctx.t('access.place.removed', { place: place.name ?? place.externalId }));
    },
  });

  const grace = defineCommand({
    path: ['access', 'grace'],
    access: 'manager',
    args: [{ name: 'days', kind: 'integer', required: true, descriptionKey: 'access.args.days' }],
    schema: z.object({ days: z.coerce.number().int().min(0).max(365) }),
    descriptionKey: 'access.commands.grace',
    async run(ctx, args) {
      const settings = await deps.access.setGraceDays(ctx.organization.id, args.days);
      return privateText(settings.graceDays === 0 ? ctx.t('access.grace.none') : ctx.t('access.grace.set', { count: settings.graceDays }));
    },
  });

  const sweep = defineCommand({
    path: ['access', 'sweep'],
    access: 'manager',
    args: [],
    schema: z.object({}),
    descriptionKey: 'access.commands.sweep',
    async run(ctx) {
      return privateText(ctx.t('access.sweep.done', await deps.access.sweep(ctx.organization.id)));
    },
  });

  const rules = defineCommand({
    // `rules` is also the group of `rules set`: Discord's menu runs `rules show`; typed, `rules` alone works too.
    path: ['rules', 'show'],
    aliases: [['rules']],
    access: 'anyone',
    args: [],
    schema: z.object({}),
    descriptionKey: 'access.commands.rules',
    async run(ctx) {
      const found = await deps.access.rulesFor(ctx.organization.id, ctx.locale);
      if (!found) return privateText(ctx.t('access.errors.noRules'));
      const agreed = ctx.member ? await deps.access.agreement(ctx.member) : null;
      const view = rulesView(deps.translator, ctx.locale, ctx.organization, found.text, found.version, ctx.isMember && !agreed?.current);
      if (agreed?.current) view.blocks.push({ type: 'context', text: ctx.t('access.rules.agreed', { date: agreed.agreedAt.toISOString().slice(0, 10) }) });
      return { visibility: 'private', view };
    },
  });

  const rulesSet = defineCommand({
    path: ['rules', 'set'],
    access: 'manager',
    args: [
      { name: 'language', kind: 'string', required: true, descriptionKey: 'access.args.language' },
      { name: 'text', kind: 'string', required: true, descriptionKey: 'access.args.text', rest: true },
    ],
    schema: z.object({ language: z.string().trim().toLowerCase(), text: z.string() }),
    descriptionKey: 'access.commands.rulesSet',
    async run(ctx, args) {
      if (!(LOCALES as readonly string[]).includes(args.language)) return privateText(ctx.t('access.rules.usage'));
      if (args.text.trim().length > MAX_RULES_LENGTH) return privateText(ctx.t('access.rules.tooLong', { max: MAX_RULES_LENGTH }));
      if (args.text.trim() === '') return privateText(ctx.t('access.rules.usage'));
      const settings = await deps.access.setRules(ctx.organization.id, { [args.language as Locale]: args.text.trim() });
      return privateText(ctx.t('access.rules.set', { language: args.language, version: settings.rulesVersion }));
    },
  });

  const agree: ActionDefinition = {
    prefix: RULES_AGREE_ACTION,
    access: 'member',
    async run(ctx, event) {
      const version = Number.parseInt(event.value ?? '', 10);
      await deps.access.agree(ctx.member!, Number.isSafeInteger(version) ? version : -1);
      return { ...privateText(ctx.t('access.rules.agreedNow')), replaceOriginal: true };
    },
  };

  return { commands: [rules, rulesSet, here, role, list, remove, grace, sweep], actions: [agree] };
}
