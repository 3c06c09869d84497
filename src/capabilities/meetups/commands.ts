import { z } from 'zod';
import { defineCommand, type ActionDefinition, type CommandContext, type CommandDefinition, type FormHandlerDefinition } from '../../chat/command.js';
import { privateText, reply } from '../../chat/views.js';
import type { Clock } from '../../kernel/clock.js';
import { MEMBER_ROLES, type MemberRole } from '../../kernel/community.js';
import type { Form, Reply } from '../../kernel/ports/chat-platform.js';
import type { ChannelRepository, ChapterRepository } from '../../kernel/ports/directory.js';
import { attendeesCsv } from './attendee-export.js';
import { meetupFormText, parseMeetupChanges, parseMeetupDefinition, resolveDeadline, resolveEnd, resolveStart } from './create-args.js';
import { inAudience, MEETUP_LIMITS, parseRsvpValue, shortMeetupId, type Meetup, type MeetupAnswer, type MeetupAudience, type MeetupTarget } from './domain/meetup.js';
import type { MeetupChanges } from './domain/meetup.schema.js';
import type { MeetupService } from './domain/meetup.service.js';
import { SUGGESTION_THRESHOLD, type MeetupSuggestionsService } from './domain/meetup-suggestions.service.js';
import { formatInZone } from '../../kernel/zoned-time.js';
import { answerText, attendeesBlocks, formatWhen, MEETUP_CHECKIN_ACTION, MEETUP_RSVP_ACTION, placesLine, rsvpConfirmation } from './views.js';

/** Dependencies of the meet-up commands. */
export interface MeetupCommandDeps {
  meetups: MeetupService;
  /** Interest-driven suggestions (`/kring event interests`). */
  suggestions: Pick<MeetupSuggestionsService, 'standing' | 'setThreshold'>;
  channels: Pick<ChannelRepository, 'list'>;
  chapters: Pick<ChapterRepository, 'list'>;
  clock: Clock;
  /** The URL of a member's private calendar feed for a token. */
  feedUrl(token: string): string;
  /** Characters of CSV shown in chat before it is cut (platform message limits). */
  exportChars?: number;
}

/** formIds of the forms this capability opens. */
export const MEETUP_CREATE_FORM = 'meetup.create';
export const MEETUP_CHECKIN_FORM = 'meetup.checkin';

const idArg = { name: 'id', kind: 'string', required: true, descriptionKey: 'meetups.args.id' } as const;
const idSchema = z.string().trim().min(1).max(64);

/** What members type for an answer, in either language. */
const ANSWER_WORDS: Record<string, MeetupAnswer> = {
  going: 'going', yes: 'going', ja: 'going', kom: 'going', komen: 'going',
  maybe: 'maybe', misschien: 'maybe',
  no: 'not_going', not: 'not_going', nee: 'not_going', cant: 'not_going', "can't": 'not_going', niet: 'not_going',
};

/**
 * `/kring event create|list|rsvp|attendees|export|change|cancel|checkin|calendar`, the Going / Maybe /
 * Can't buttons (anyone: an unlinked person gets an invitation to link) and the check-in button, and the
 * create and check-in forms. Authorisation is the router's; who may answer is the MeetupService's.
 */
export function meetupCommands(deps: MeetupCommandDeps): { commands: CommandDefinition[]; actions: ActionDefinition[]; forms: FormHandlerDefinition[] } {
  /** Creates and posts a meet-up from its text form (the command's words, or a submitted form joined up). */
  async function createFromText(ctx: CommandContext, text: string): Promise<Reply> {
    const parsed = parseMeetupDefinition(text);
    if ('problem' in parsed) return privateText(ctx.t(parsed.problem.key, parsed.problem.params));
    const def = parsed.ok;
    const tz = ctx.organization.timezone;
    const startsAt = resolveStart(def.start, tz);
    if (!startsAt) return privateText(ctx.t('meetups.create.badStart', { value: def.start, timezone: tz }));
    const endsAt = resolveEnd(def.end, startsAt, tz);
    if (!endsAt) return privateText(ctx.t('meetups.create.badEnd', { value: def.end }));
    let rsvpDeadline: Date | null = null;
    if (def.deadline !== null) {
      rsvpDeadline = resolveDeadline(def.deadline, tz);
      if (!rsvpDeadline) return privateText(ctx.t('meetups.create.badDeadline', { value: def.deadline, timezone: tz }));
    }
    const audience = await resolveAudience(ctx, def.chapters, def.roles);
    if ('reply' in audience) return audience.reply;

    const targets: MeetupTarget[] = [];
    const here = ctx.event.channelId;
    if (here) targets.push({ platform: ctx.account.platform, workspaceExternalId: ctx.account.workspaceId, channelExternalId: here });
    else if (!def.everywhere) return privateText(ctx.t('meetups.create.noChannel'));
    if (def.everywhere) {
      const a = audience.ok;
      const channels = await deps.channels.list(ctx.organization.id);
      const wanted = channels.filter((c) =>
        a.kind === 'chapters' ? c.purpose === 'chapter' && c.chapterId !== null && a.chapterIds.includes(c.chapterId) : c.purpose === 'general' || c.purpose === 'news',
      );
      for (const c of wanted) targets.push({ platform: c.platform, workspaceExternalId: c.workspaceExternalId, channelExternalId: c.externalId });
    }
    if (targets.length === 0) return privateText(ctx.t('meetups.create.noTargets'));

    const meetup = await deps.meetups.create({
      organizationId: ctx.organization.id,
      createdByMemberId: ctx.member?.id ?? null,
      title: def.title,
      description: def.description,
      startsAt,
      endsAt,
      timeZone: tz,
      place: def.place,
      audience: audience.ok,
      guestsPerMember: def.guests,
      capacity: def.capacity,
      rsvpDeadline,
      ...(def.reminders !== null ? { reminderOffsets: def.reminders } : {}),
      targets,
    });
    const count = new Set(targets.map((t) => `${t.platform}/${t.workspaceExternalId}/${t.channelExternalId}`)).size;
    return privateText(ctx.t('meetups.create.created', { id: shortMeetupId(meetup.id), count, code: meetup.checkInCode }));
  }

  async function resolveAudience(ctx: CommandContext, chapterNames: readonly string[], roleNames: readonly string[]): Promise<{ ok: MeetupAudience } | { reply: Reply }> {
    if (chapterNames.length > 0) {
      const chapters = await deps.chapters.list(ctx.organization.id);
      const ids: string[] = [];
      for (const name of chapterNames) {
        const match = chapters.find((c) => c.name.toLowerCase() === name.toLowerCase());
        if (!match) return { reply: privateText(ctx.t('meetups.create.unknownChapter', { chapter: name, chapters: chapters.map((c) => c.name).join(', ') || '-' })) };
        ids.push(match.id);
      }
      return { ok: { kind: 'chapters', chapterIds: [...new Set(ids)] } };
    }
    if (roleNames.length > 0) {
      const roles: MemberRole[] = [];
      for (const name of roleNames) {
        const n = name.trim().toLowerCase().replace(/[\s-]+/g, '_');
        const role = MEMBER_ROLES.find((r) => r === n || ctx.t(`roles.${r}`).toLowerCase().replace(/[\s-]+/g, '_') === n);
        if (!role) return { reply: privateText(ctx.t('meetups.create.unknownRole', { role: name, roles: MEMBER_ROLES.join(', ') })) };
        roles.push(role);
      }
      return { ok: { kind: 'roles', roles: [...new Set(roles)] } };
    }
    return { ok: { kind: 'all' } };
  }

  /** The changes typed after `/kring event change <id>`, resolved in the meet-up's zone. */
  function changesFrom(ctx: CommandContext, meetup: Meetup, text: string): { ok: MeetupChanges } | { reply: Reply } {
    const parsed = parseMeetupChanges(text);
    if ('problem' in parsed) return { reply: privateText(ctx.t(parsed.problem.key, parsed.problem.params)) };
    const c = parsed.ok;
    const tz = meetup.timeZone;
    const out: MeetupChanges = {};
    if (c.title !== undefined) out.title = c.title;
    if (c.description !== undefined) out.description = c.description;
    if (c.place !== undefined) out.place = c.place;
    if (c.capacity !== undefined) out.capacity = c.capacity;
    if (c.guests !== undefined) out.guestsPerMember = c.guests;
    if (c.reminders !== undefined) out.reminderOffsets = c.reminders;
    if (c.start !== undefined) {
      const start = resolveStart(c.start, tz);
      if (!start) return { reply: privateText(ctx.t('meetups.create.badStart', { value: c.start, timezone: tz })) };
      out.startsAt = start;
      // A meet-up that moves keeps its length unless a new end is given.
      if (c.end === undefined) out.endsAt = new Date(start.getTime() + (meetup.endsAt.getTime() - meetup.startsAt.getTime()));
    }
    if (c.end !== undefined) {
      const end = resolveEnd(c.end, out.startsAt ?? meetup.startsAt, tz);
      if (!end) return { reply: privateText(ctx.t('meetups.create.badEnd', { value: c.end })) };
      out.endsAt = end;
    }
    if (c.deadline !== undefined) {
      if (c.deadline === null) out.rsvpDeadline = null;
      else {
        const deadline = resolveDeadline(c.deadline, tz);
        if (!deadline) return { reply: privateText(ctx.t('meetups.create.badDeadline', { value: c.deadline, timezone: tz })) };
        out.rsvpDeadline = deadline;
      }
    }
    if (Object.keys(out).length === 0) return { reply: privateText(`${ctx.t('meetups.change.nothing')} ${ctx.t('meetups.change.usage', { id: shortMeetupId(meetup.id) })}`) };
    return { ok: out };
  }

  async function checkIn(ctx: CommandContext, code: string): Promise<Reply> {
    const result = await deps.meetups.checkIn({ organizationId: ctx.organization.id, member: ctx.member!, code });
    const key = result.already ? 'meetups.checkin.already' : result.firstTime ? 'meetups.checkin.firstTime' : 'meetups.checkin.done';
    return privateText(ctx.t(key, { title: result.meetup.title }));
  }

  const create = defineCommand({
    path: ['event', 'create'],
    access: 'manager',
    // Optional: without a definition the command opens the meet-up form.
    args: [{ name: 'definition', kind: 'string', required: false, descriptionKey: 'meetups.args.definition', rest: true }],
    schema: z.object({ definition: z.string().max(5000).optional() }),
    descriptionKey: 'meetups.commands.create',
    async run(ctx, args) {
      const definition = args.definition?.trim() ?? '';
      if (definition === '') return { ...privateText(ctx.t('meetups.create.usage')), form: createForm(ctx) };
      return createFromText(ctx, definition);
    },
  });

  const list = defineCommand({
    path: ['event', 'list'],
    access: 'member',
    args: [],
    schema: z.object({}),
    descriptionKey: 'meetups.commands.list',
    async run(ctx) {
      const all = await deps.meetups.list(ctx.organization.id, { limit: 30 });
      const visible = ctx.isManager ? all : all.filter((m) => ctx.member && inAudience(m.audience, ctx.member));
      if (visible.length === 0) return privateText(ctx.t('meetups.list.none'));
      const lines: string[] = [];
      for (const meetup of visible.slice(0, 15)) {
        const [headcount, mine] = await Promise.all([deps.meetups.headcount(meetup), ctx.member ? deps.meetups.rsvpOf(meetup, ctx.member) : Promise.resolve(null)]);
        const line = ctx.t('meetups.list.line', { id: shortMeetupId(meetup.id), title: meetup.title, date: formatWhen(meetup, ctx.locale), places: placesLine(meetup, headcount, ctx.t) });
        lines.push(`- ${line}${mine ? ` · ${ctx.t('meetups.list.yours', { answer: answerText(mine, ctx.t) })}` : ''}`);
      }
      return reply('private', ctx.t('meetups.list.title'), [{ type: 'text', text: lines.join('\n') }]);
    },
  });

  const rsvp = defineCommand({
    path: ['event', 'rsvp'],
    access: 'member',
    args: [
      idArg,
      { name: 'answer', kind: 'string', required: true, descriptionKey: 'meetups.args.answer' },
      { name: 'guests', kind: 'integer', required: false, descriptionKey: 'meetups.args.guests' },
    ],
    schema: z.object({
      id: idSchema,
      answer: z
        .string()
        .trim()
        .toLowerCase()
        .refine((w) => w in ANSWER_WORDS, 'answer going, maybe or no'),
      guests: z.number().int().min(0).max(MEETUP_LIMITS.maxGuests).optional(),
    }),
    descriptionKey: 'meetups.commands.rsvp',
    async run(ctx, args) {
      const meetup = await deps.meetups.find(ctx.organization.id, args.id);
      const outcome = await deps.meetups.rsvp({
        organizationId: ctx.organization.id,
        meetupId: meetup.id,
        member: ctx.member,
        answer: ANSWER_WORDS[args.answer]!,
        guests: args.guests ?? 0,
        account: { platform: ctx.account.platform, workspaceId: ctx.account.workspaceId, userId: ctx.account.platformUserId },
      });
      return privateText(rsvpConfirmation(outcome, ctx.t, ctx.locale));
    },
  });

  const attendees = defineCommand({
    path: ['event', 'attendees'],
    access: 'manager',
    args: [idArg],
    schema: z.object({ id: idSchema }),
    descriptionKey: 'meetups.commands.attendees',
    async run(ctx, args) {
      const meetup = await deps.meetups.find(ctx.organization.id, args.id);
      const list = await deps.meetups.attendees(meetup);
      return reply('private', ctx.t('meetups.attendees.title', { title: meetup.title }), attendeesBlocks(list, ctx.t));
    },
  });

  const exportCommand = defineCommand({
    path: ['event', 'export'],
    access: 'manager',
    args: [idArg],
    schema: z.object({ id: idSchema }),
    descriptionKey: 'meetups.commands.export',
    async run(ctx, args) {
      const meetup = await deps.meetups.find(ctx.organization.id, args.id);
      const csv = attendeesCsv(await deps.meetups.attendees(meetup), ctx.t);
      const { text, shown, total } = cutLines(csv, deps.exportChars ?? 2800);
      const blocks: Reply['view']['blocks'] = [{ type: 'text', text: '```\n' + text + '\n```' }];
      if (shown < total) blocks.push({ type: 'context', text: ctx.t('meetups.export.truncated', { shown, total }) });
      return reply('private', ctx.t('meetups.export.title', { id: shortMeetupId(meetup.id) }), blocks);
    },
  });

  const change = defineCommand({
    path: ['event', 'change'],
    access: 'manager',
    args: [idArg, { name: 'changes', kind: 'string', required: false, descriptionKey: 'meetups.args.changes', rest: true }],
    schema: z.object({ id: idSchema, changes: z.string().max(5000).optional() }),
    descriptionKey: 'meetups.commands.change',
    async run(ctx, args) {
      const meetup = await deps.meetups.find(ctx.organization.id, args.id);
      const changes = changesFrom(ctx, meetup, args.changes ?? '');
      if ('reply' in changes) return changes.reply;
      const result = await deps.meetups.change(meetup, changes.ok);
      const id = shortMeetupId(meetup.id);
      return privateText(result.timeOrPlaceChanged ? ctx.t('meetups.change.told', { id, count: result.told }) : ctx.t('meetups.change.done', { id }));
    },
  });

  const cancel = defineCommand({
    path: ['event', 'cancel'],
    access: 'manager',
    args: [idArg],
    schema: z.object({ id: idSchema }),
    descriptionKey: 'meetups.commands.cancel',
    async run(ctx, args) {
      const meetup = await deps.meetups.find(ctx.organization.id, args.id);
      const result = await deps.meetups.cancel(meetup);
      return privateText(ctx.t('meetups.cancel.done', { id: shortMeetupId(meetup.id), count: result.told }));
    },
  });

  const checkin = defineCommand({
    path: ['event', 'checkin'],
    access: 'member',
    args: [{ name: 'code', kind: 'string', required: true, descriptionKey: 'meetups.args.code' }],
    schema: z.object({ code: z.string().trim().min(1).max(20) }),
    descriptionKey: 'meetups.commands.checkin',
    run: (ctx, args) => checkIn(ctx, args.code),
  });

  const calendar = defineCommand({
    path: ['event', 'calendar'],
    access: 'member',
    args: [{ name: 'action', kind: 'string', required: false, descriptionKey: 'meetups.args.action' }],
    schema: z.object({ action: z.string().trim().toLowerCase().max(10).optional() }),
    descriptionKey: 'meetups.commands.calendar',
    async run(ctx, args) {
      const member = ctx.member!;
      if (args.action === 'stop') {
        const stopped = await deps.meetups.stopCalendarFeed(member);
        return privateText(ctx.t(stopped > 0 ? 'meetups.calendar.stopped' : 'meetups.calendar.noneActive'));
      }
      if (args.action !== undefined && args.action !== 'new' && args.action !== 'nieuw') return privateText(ctx.t('meetups.calendar.badAction'));
      const token = await deps.meetups.issueCalendarFeed(member);
      return privateText(ctx.t('meetups.calendar.issued', { url: deps.feedUrl(token) }));
    },
  });

  const interests = defineCommand({
    path: ['event', 'interests'],
    access: 'manager',
    args: [{ name: 'threshold', kind: 'string', required: false, descriptionKey: 'meetups.args.threshold' }],
    schema: z.object({ threshold: z.string().trim().toLowerCase().max(20).optional() }),
    descriptionKey: 'meetups.commands.interests',
    async run(ctx, args) {
      const organizationId = ctx.organization.id;
      const word = args.threshold;
      if (word === 'off' || word === 'uit') {
        await deps.suggestions.setThreshold(organizationId, null);
        return privateText(ctx.t('meetups.interests.switchedOff'));
      }
      if (word !== undefined) {
        const n = /^\d{1,6}$/.test(word) ? Number(word) : NaN;
        if (!(n >= SUGGESTION_THRESHOLD.min && n <= SUGGESTION_THRESHOLD.max)) return privateText(ctx.t('meetups.interests.bad', { ...SUGGESTION_THRESHOLD }));
        await deps.suggestions.setThreshold(organizationId, n);
      }
      const { threshold, lines } = await deps.suggestions.standing(organizationId);
      if (threshold === null) return privateText(ctx.t('meetups.interests.off'));
      const head = ctx.t(word === undefined ? 'meetups.interests.on' : 'meetups.interests.set', { count: threshold });
      const body =
        lines.length === 0
          ? ctx.t('meetups.interests.none', { count: threshold })
          : [
              ctx.t('meetups.interests.heading'),
              ...lines.map((l) => {
                const line = ctx.t('meetups.interests.line', { chapter: l.chapterName, interest: l.name, count: l.members });
                return `- ${line}${l.suggestedAt ? ` · ${ctx.t('meetups.interests.suggested', { date: formatInZone(l.suggestedAt, ctx.locale, ctx.organization.timezone) })}` : ''}`;
              }),
            ].join('\n');
      return privateText(`${head}\n\n${body}`);
    },
  });

  const rsvpAction: ActionDefinition = {
    prefix: MEETUP_RSVP_ACTION,
    // Not 'member': someone not yet linked gets an invitation to link rather than a refusal.
    access: 'anyone',
    async run(ctx, event) {
      const parsed = parseRsvpValue(event.value);
      if (!parsed) return privateText(ctx.t('errors.actionExpired'));
      if (!ctx.member) return privateText(ctx.t('meetups.linkInvite'));
      const outcome = await deps.meetups.rsvp({
        organizationId: ctx.organization.id,
        meetupId: parsed.meetupId,
        member: ctx.member,
        answer: parsed.answer,
        guests: parsed.guests,
        account: { platform: ctx.account.platform, workspaceId: ctx.account.workspaceId, userId: ctx.account.platformUserId },
      });
      return privateText(rsvpConfirmation(outcome, ctx.t, ctx.locale));
    },
  };

  const checkInAction: ActionDefinition = {
    prefix: MEETUP_CHECKIN_ACTION,
    access: 'member',
    // The button opens the code form: pressing it from home must not count as being there.
    run: async (ctx) => ({ ...privateText(ctx.t('meetups.form.checkInUsage')), form: checkInForm(ctx) }),
  };

  const createFormHandler: FormHandlerDefinition = {
    formId: MEETUP_CREATE_FORM,
    access: 'manager',
    run: (ctx, values) => createFromText(ctx, meetupFormText(values)),
  };

  const checkInFormHandler: FormHandlerDefinition = {
    formId: MEETUP_CHECKIN_FORM,
    access: 'member',
    run: (ctx, values) => checkIn(ctx, (values['code'] ?? '').slice(0, 20)),
  };

  return {
    commands: [create, list, rsvp, attendees, exportCommand, change, cancel, checkin, calendar, interests] as CommandDefinition[],
    actions: [rsvpAction, checkInAction],
    forms: [createFormHandler, checkInFormHandler],
  };
}

/** The meet-up form: title, start and end, place, description, and the text form's settings. */
function createForm(ctx: CommandContext): Form {
  return {
    formId: MEETUP_CREATE_FORM,
    title: ctx.t('meetups.form.title'),
    submitLabel: ctx.t('meetups.form.submit'),
    fields: [
      { name: 'title', label: ctx.t('meetups.form.name'), kind: 'short', required: true, placeholder: ctx.t('meetups.form.namePlaceholder'), maxLength: MEETUP_LIMITS.titleLength },
      { name: 'when', label: ctx.t('meetups.form.when'), kind: 'short', required: true, placeholder: ctx.t('meetups.form.whenPlaceholder'), maxLength: 60 },
      { name: 'place', label: ctx.t('meetups.form.place'), kind: 'short', required: true, placeholder: ctx.t('meetups.form.placePlaceholder'), maxLength: MEETUP_LIMITS.placeLength },
      { name: 'description', label: ctx.t('meetups.form.description'), kind: 'long', required: false, maxLength: MEETUP_LIMITS.descriptionLength },
      { name: 'settings', label: ctx.t('meetups.form.settings'), kind: 'short', required: false, placeholder: ctx.t('meetups.form.settingsPlaceholder'), maxLength: 500 },
    ],
  };
}

function checkInForm(ctx: CommandContext): Form {
  return {
    formId: MEETUP_CHECKIN_FORM,
    title: ctx.t('meetups.form.checkInTitle'),
    submitLabel: ctx.t('meetups.form.checkInSubmit'),
    fields: [{ name: 'code', label: ctx.t('meetups.form.checkInCode'), kind: 'short', required: true, placeholder: 'K7Q4XP', maxLength: 12 }],
  };
}

/** Whole lines of `text` fitting in `max` characters. */
function cutLines(text: string, max: number): { text: string; shown: number; total: number } {
  const lines = text.replace(/\r\n$/, '').split('\r\n');
  let used = 0;
  let shown = 0;
  for (const line of lines) {
    if (used + line.length + 1 > max && shown > 0) break;
    used += line.length + 1;
    shown += 1;
  }
  return { text: lines.slice(0, shown).join('\n'), shown, total: lines.length };
}
