import { z } from 'zod';
import { defineCommand, type CommandContext, type CommandDefinition, type ReportHandlerDefinition } from '../../chat/command.js';
import { privateText, reply } from '../../chat/views.js';
import type { Reply } from '../../kernel/ports/chat-platform.js';
import { DESK_BASE, DESK_LINK_TTL_MS, type DeskAccess } from './domain/desk-access.js';
import type { Actor } from './domain/moderation.js';
import type { Decision, ModerationService } from './domain/moderation.service.js';
import { formatMoment, platformName } from './views.js';

/** The moderator acting in chat, as the audit log names them. */
const actorOf = (ctx: CommandContext): Actor => ({ memberId: ctx.member?.id ?? null, label: ctx.member ? `member ${ctx.member.memberNumber}` : 'unknown' });

const numberArg = { name: 'number', kind: 'integer', required: true, descriptionKey: 'moderation.args.number' } as const;
const numberSchema = z.coerce.number().int().min(1).max(10_000_000);

/**
 * `/kring cases` and `/kring case show|dismiss|warn|remove|suspend|counsel|resolve|desk` (moderators and the
 * counsellor: role `moderator` or `counsellor`; the router refuses everyone else politely), and the report
 * handler (verified members). `publicUrl` is where people reach Kring's HTTP server (no trailing slash).
 */
export function moderationCommands(deps: { moderation: ModerationService; desk: DeskAccess; publicUrl: string }): { commands: CommandDefinition[]; messageReports: ReportHandlerDefinition[] } {
  const tz = (ctx: CommandContext) => ctx.organization.timezone;

  const cases = defineCommand({
    path: ['cases'],
    access: 'moderator',
    args: [],
    schema: z.object({}),
    descriptionKey: 'moderation.commands.cases',
    async run(ctx) {
      const list = await deps.moderation.list(ctx.organization.id);
      if (list.length === 0) return privateText(ctx.t('moderation.list.none'));
      const lines = list.map(
        (c) =>
          `- ${ctx.t('moderation.list.line', {
            number: c.number,
            status: ctx.t(`moderation.status.${c.status}`),
            platform: platformName(c),
            date: formatMoment(c.createdAt, tz(ctx)),
          })}`,
      );
      return reply('private', ctx.t('moderation.list.title'), [{ type: 'text', text: lines.join('\n') }]);
    },
  });

  const show = defineCommand({
    path: ['case', 'show'],
    access: 'moderator',
    args: [numberArg],
    schema: z.object({ number: numberSchema }),
    descriptionKey: 'moderation.commands.show',
    async run(ctx, args) {
      const d = await deps.moderation.show(ctx.organization.id, args.number, actorOf(ctx));
      const c = d.case;
      const lines: string[] = [
        ctx.t('moderation.list.line', {
          number: c.number,
          status: c.outcome ? ctx.t(`moderation.outcome.${c.outcome}`) : ctx.t(`moderation.status.${c.status}`),
          platform: platformName(c),
          date: formatMoment(c.createdAt, tz(ctx)),
        }) + ` · ${ctx.t('moderation.list.reports', { count: d.reports.length })}`,
        c.link ? ctx.t('moderation.show.where', { platform: platformName(c), link: c.link }) : ctx.t('moderation.show.whereNoLink', { platform: platformName(c), channel: c.channelId }),
        d.reported ? ctx.t('moderation.show.author', { name: `${d.reported.name} (${d.reported.memberNumber})` }) : ctx.t('moderation.show.authorUnlinked', { account: c.reportedPlatformUserId ?? '-' }),
      ];
      if (c.messageRemovedAt) lines.push(ctx.t('moderation.show.removed', { date: formatMoment(c.messageRemovedAt, tz(ctx)) }));
      if (c.status === 'counsellor' && d.reports.length === 0) lines.push(ctx.t('moderation.show.hidden'));
      for (const r of d.reports) {
        const text = r.text === null ? ctx.t('moderation.show.erased') : r.text.replace(/\s+/g, ' ').slice(0, 1500);
        lines.push(`- ${ctx.t('moderation.show.report', { reporter: r.reporter?.name ?? '-', date: formatMoment(r.createdAt, tz(ctx)), text })}`);
        if (r.note) lines.push(`  ${ctx.t('moderation.show.note', { note: r.note.replace(/\s+/g, ' ').slice(0, 500) })}`);
      }
      const audit = d.audit.filter((a) => a.action !== 'viewed').map((a) => `${formatMoment(a.at, tz(ctx))} ${a.action} (${a.actorLabel})`);
      const blocks: Reply['view']['blocks'] = [{ type: 'text', text: lines.join('\n') }, { type: 'context', text: ctx.t('moderation.show.audit', { lines: audit.join('; ') || '-' }) }];
      if (c.status !== 'closed') blocks.push({ type: 'context', text: ctx.t('moderation.show.decide', { number: c.number }) });
      return reply('private', ctx.t('moderation.show.title', { number: c.number }), blocks);
    },
  });

  const decide = (path: string, descriptionKey: CommandDefinition['descriptionKey'], extra: CommandDefinition['args'], schema: z.ZodObject, toDecision: (args: Record<string, unknown>) => Decision) =>
    defineCommand({
      path: ['case', path],
      access: 'moderator',
      args: [numberArg, ...extra],
      schema,
      descriptionKey,
      async run(ctx, args: Record<string, unknown>) {
        const decision = toDecision(args);
        const c = await deps.moderation.decide(ctx.organization.id, args['number'] as number, actorOf(ctx), decision);
        switch (decision.action) {
          case 'dismiss':
            return privateText(ctx.t('moderation.done.dismissed', { number: c.number }));
          case 'warn':
            return privateText(ctx.t('moderation.done.warned', { number: c.number }));
          case 'remove':
            return privateText(ctx.t('moderation.done.removed', { number: c.number }));
          case 'suspend': {
            const until = new Date((c.closedAt ?? new Date()).getTime() + decision.days * 24 * 60 * 60_000);
            return privateText(ctx.t('moderation.done.suspended', { number: c.number, until: formatMoment(until, tz(ctx)) }));
          }
          case 'counsel':
            return privateText(ctx.t('moderation.done.counsellor', { number: c.number }));
          case 'resolve':
            return privateText(ctx.t('moderation.done.resolved', { number: c.number }));
        }
      },
    });

  const desk = defineCommand({
    path: ['case', 'desk'],
    access: 'moderator',
    args: [],
    schema: z.object({}),
    descriptionKey: 'moderation.commands.desk',
    async run(ctx) {
      // A personal link in a private answer (never in a channel), as `/kring dashboard` gives managers theirs.
      const { token } = await deps.desk.createSignInToken(ctx.member!);
      const url = `${deps.publicUrl}${DESK_BASE}/signin?token=${token}`;
      return privateText(ctx.t('moderation.desk.link', { url, minutes: DESK_LINK_TTL_MS / 60_000 }));
    },
  });

  const commands: CommandDefinition[] = [
    cases,
    show,
    desk,
    decide('dismiss', 'moderation.commands.dismiss', [], z.object({ number: numberSchema }), () => ({ action: 'dismiss' })),
    decide(
      'warn',
      'moderation.commands.warn',
      [{ name: 'message', kind: 'string', required: false, descriptionKey: 'moderation.args.message', rest: true }],
      z.object({ number: numberSchema, message: z.string().max(1000).optional() }),
      (a) => ({ action: 'warn', message: (a['message'] as string | undefined) ?? null }),
    ),
    decide('remove', 'moderation.commands.remove', [], z.object({ number: numberSchema }), () => ({ action: 'remove' })),
    decide(
      'suspend',
      'moderation.commands.suspend',
      [{ name: 'days', kind: 'integer', required: true, descriptionKey: 'moderation.args.days' }],
      z.object({ number: numberSchema, days: z.coerce.number().int().min(1).max(365) }),
      (a) => ({ action: 'suspend', days: a['days'] as number }),
    ),
    decide('counsel', 'moderation.commands.counsel', [], z.object({ number: numberSchema }), () => ({ action: 'counsel' })),
    decide('resolve', 'moderation.commands.resolve', [], z.object({ number: numberSchema }), () => ({ action: 'resolve' })),
  ];

  const report: ReportHandlerDefinition = {
    access: 'member',
    async run(ctx, event) {
      const { case: c, created } = await deps.moderation.report(ctx.member!, event);
      return privateText(ctx.t(created ? 'moderation.report.thanks' : 'moderation.report.again', { number: c.number }));
    },
  };
  return { commands, messageReports: [report] };
}
