import { z } from 'zod';
import { defineCommand, type ActionDefinition, type CommandContext, type CommandDefinition } from '../../chat/command.js';
import { privateText, reply } from '../../chat/views.js';
import type { Reply } from '../../kernel/ports/chat-platform.js';
import { formatInZone, parseWallTime } from '../../kernel/zoned-time.js';
import { parseAssemblyDefinition, parseItemDefinition } from './create-args.js';
import { parseBallotValue, shortId, type Assembly } from './domain/assembly.js';
import { AssemblyError } from './domain/assembly.errors.js';
import type { AssemblyService } from './domain/assembly.service.js';
import { decisionLines, decisionListMarkdown } from './decision-list.js';
import { ASSEMBLY_VOTE_ACTION, ballotView, choiceLabel, statusView } from './views.js';

export interface AssemblyCommandDeps {
  assemblies: AssemblyService;
  /** The URL of the decision list as PDF on the admin API, for the chair's reply. */
  pdfUrl?: (assembly: Assembly) => string;
}

const assemblyArg = { name: 'assembly', kind: 'string', required: false, descriptionKey: 'assembly.args.assembly' } as const;
const positionArg = { name: 'item', kind: 'integer', required: true, descriptionKey: 'assembly.args.position' } as const;
const assemblyId = z.string().trim().min(1).max(64).optional();
const position = z.number().int().min(1).max(100);

/**
 * `/kring assembly create|item|snapshot|open|close|proxy|revoke|checkin|vote|status|result|list` and the
 * ballot buttons. The chair is a manager (roles `manager` or `board`: Kring's roles have no separate
 * chair); members proxy, check in and vote. Without an assembly id the newest assembly is meant.
 */
export function assemblyCommands(deps: AssemblyCommandDeps): { commands: CommandDefinition[]; actions: ActionDefinition[] } {
  const { assemblies } = deps;

  async function pick(ctx: CommandContext, typed: string | undefined): Promise<Assembly> {
    if (typed) return assemblies.find(ctx.organization.id, typed);
    const current = await assemblies.current(ctx.organization.id);
    if (!current) throw new AssemblyError('ASSEMBLY.NOT_FOUND', 'None yet.', { params: { id: '-' } });
    return current;
  }
  const when = (ctx: CommandContext, d: Date) => formatInZone(d, ctx.locale, ctx.organization.timezone);

  const create = defineCommand({
    path: ['assembly', 'create'],
    access: 'manager',
    args: [{ name: 'definition', kind: 'string', required: false, descriptionKey: 'assembly.args.definition', rest: true }],
    schema: z.object({ definition: z.string().max(2000).optional() }),
    descriptionKey: 'assembly.commands.create',
    async run(ctx, args) {
      const parsed = parseAssemblyDefinition(args.definition ?? '');
      if ('problem' in parsed) return privateText(ctx.t(parsed.problem.key, parsed.problem.params));
      const def = parsed.ok;
      const tz = ctx.organization.timezone;
      const startsAt = parseWallTime(def.at, tz);
      if (!startsAt) return privateText(ctx.t('assembly.create.badDate', { value: def.at, timezone: tz }));
      const earlyVotingFrom = def.early === null ? null : parseWallTime(def.early, tz);
      if (def.early !== null && !earlyVotingFrom) return privateText(ctx.t('assembly.create.badDate', { value: def.early, timezone: tz }));
      const assembly = await assemblies.create({
        organizationId: ctx.organization.id,
        title: def.title,
        startsAt,
        mode: def.online ? 'online' : 'hybrid',
        earlyVotingFrom,
        maxProxiesPerHolder: def.proxies,
        quorum: def.quorum,
      });
      return privateText(ctx.t('assembly.create.created', { id: shortId(assembly.id), title: assembly.title, date: when(ctx, assembly.startsAt) }));
    },
  });

  const item = defineCommand({
    path: ['assembly', 'item'],
    access: 'manager',
    args: [{ name: 'definition', kind: 'string', required: false, descriptionKey: 'assembly.args.itemDefinition', rest: true }],
    schema: z.object({ definition: z.string().max(2000).optional() }),
    descriptionKey: 'assembly.commands.item',
    async run(ctx, args) {
      const parsed = parseItemDefinition(args.definition ?? '');
      if ('problem' in parsed) return privateText(ctx.t(parsed.problem.key, parsed.problem.params));
      const current = await assemblies.current(ctx.organization.id);
      if (!current) return privateText(ctx.t('assembly.item.noAssembly'));
      const def = parsed.ok;
      const added = await assemblies.addItem(current, { title: def.title, kind: def.kind, candidates: def.candidates, majority: def.majority, ...(def.secret === undefined ? {} : { secret: def.secret }) });
      return privateText(
        ctx.t('assembly.item.added', {
          position: added.position,
          title: added.title,
          kind: ctx.t(`assembly.kind.${added.kind}`),
          majority: ctx.t(`assembly.majority.${added.majority}`),
          secret: added.secret ? ctx.t('assembly.item.secretSuffix') : '',
        }),
      );
    },
  });

  const snapshot = defineCommand({
    path: ['assembly', 'snapshot'],
    access: 'manager',
    args: [assemblyArg],
    schema: z.object({ assembly: assemblyId }),
    descriptionKey: 'assembly.commands.snapshot',
    async run(ctx, args) {
      const assembly = await pick(ctx, args.assembly);
      const done = await assemblies.snapshot(assembly);
      return privateText(ctx.t('assembly.snapshot.done', { count: done.voters, date: when(ctx, done.at) }));
    },
  });

  const open = defineCommand({
    path: ['assembly', 'open'],
    access: 'manager',
    args: [positionArg, assemblyArg],
    schema: z.object({ item: position, assembly: assemblyId }),
    descriptionKey: 'assembly.commands.open',
    async run(ctx, args) {
      const assembly = await pick(ctx, args.assembly);
      const opened = await assemblies.open(assembly, await assemblies.item(assembly, args.item));
      return privateText(ctx.t('assembly.open.done', { position: opened.position, title: opened.title }));
    },
  });

  const close = defineCommand({
    path: ['assembly', 'close'],
    access: 'manager',
    args: [positionArg, assemblyArg],
    schema: z.object({ item: position, assembly: assemblyId }),
    descriptionKey: 'assembly.commands.close',
    async run(ctx, args) {
      const assembly = await pick(ctx, args.assembly);
      const closed = await assemblies.close(assembly, await assemblies.item(assembly, args.item));
      const results = await assemblies.results(assembly);
      const lines = decisionLines({ ...results, items: results.items.filter((i) => i.item.id === closed.item.id) }, ctx.t, ctx.locale, ctx.organization.timezone).filter((l) => l.kind !== 'code');
      const at = lines.findIndex((l) => l.kind === 'heading');
      const end = lines.findIndex((l, i) => i > at && l.kind === 'heading');
      const itemLines = lines.slice(at + 1, end < 0 ? undefined : end);
      return reply('private', ctx.t('assembly.close.done', { position: closed.item.position, title: closed.item.title }), [
        { type: 'text', text: itemLines.map((l) => (l.kind === 'bullet' ? `- ${l.text}` : l.text)).join('\n') },
      ]);
    },
  });

  const proxy = defineCommand({
    path: ['assembly', 'proxy'],
    access: 'member',
    args: [{ name: 'member', kind: 'string', required: true, descriptionKey: 'assembly.args.member' }, assemblyArg],
    schema: z.object({ member: z.string().trim().min(1).max(64), assembly: assemblyId }),
    descriptionKey: 'assembly.commands.proxy',
    async run(ctx, args) {
      const assembly = await pick(ctx, args.assembly);
      const { holder } = await assemblies.grantProxy(assembly, ctx.member, args.member);
      return privateText(ctx.t('assembly.proxy.granted', { name: holder.name, title: assembly.title }));
    },
  });

  const revoke = defineCommand({
    path: ['assembly', 'revoke'],
    access: 'member',
    args: [assemblyArg],
    schema: z.object({ assembly: assemblyId }),
    descriptionKey: 'assembly.commands.revoke',
    async run(ctx, args) {
      const assembly = await pick(ctx, args.assembly);
      const { holder } = await assemblies.revokeProxy(assembly, ctx.member);
      return privateText(ctx.t('assembly.proxy.revoked', { name: holder.name }));
    },
  });

  const checkin = defineCommand({
    path: ['assembly', 'checkin'],
    access: 'member',
    args: [assemblyArg],
    schema: z.object({ assembly: assemblyId }),
    descriptionKey: 'assembly.commands.checkin',
    async run(ctx, args) {
      const assembly = await pick(ctx, args.assembly);
      const r = await assemblies.checkIn(assembly, ctx.member);
      const first = ctx.t(r.already ? 'assembly.checkin.already' : 'assembly.checkin.done', { name: r.voter.name });
      const held = r.held.length > 0 ? ` ${ctx.t('assembly.checkin.holds', { count: r.held.length, names: r.held.map((v) => v.name).join(', ') })}` : '';
      return privateText(first + held);
    },
  });

  const vote = defineCommand({
    path: ['assembly', 'vote'],
    access: 'member',
    args: [assemblyArg],
    schema: z.object({ assembly: assemblyId }),
    descriptionKey: 'assembly.commands.vote',
    async run(ctx, args) {
      const assembly = await pick(ctx, args.assembly);
      return { visibility: 'private', view: ballotView(await assemblies.ballotSheet(assembly, ctx.member), ctx.t) };
    },
  });

  const status = defineCommand({
    path: ['assembly', 'status'],
    access: 'member',
    args: [assemblyArg],
    schema: z.object({ assembly: assemblyId }),
    descriptionKey: 'assembly.commands.status',
    async run(ctx, args) {
      const assembly = await pick(ctx, args.assembly);
      return { visibility: 'private', view: statusView(await assemblies.status(assembly), ctx.t) };
    },
  });

  const result = defineCommand({
    path: ['assembly', 'result'],
    access: 'member',
    args: [assemblyArg],
    schema: z.object({ assembly: assemblyId }),
    descriptionKey: 'assembly.commands.result',
    async run(ctx, args) {
      const assembly = await pick(ctx, args.assembly);
      const markdown = decisionListMarkdown(decisionLines(await assemblies.results(assembly), ctx.t, ctx.locale, ctx.organization.timezone));
      const blocks: Reply['view']['blocks'] = [{ type: 'text', text: markdown.replace(/^# .*\n+/, '').replace(/^## (.*)$/gm, '**$1**') }];
      if (ctx.isManager && deps.pdfUrl) blocks.push({ type: 'context', text: ctx.t('assembly.result.pdfLink', { url: deps.pdfUrl(assembly) }) });
      return reply('private', ctx.t('assembly.result.title', { title: assembly.title }), blocks);
    },
  });

  const list = defineCommand({
    path: ['assembly', 'list'],
    access: 'member',
    args: [],
    schema: z.object({}),
    descriptionKey: 'assembly.commands.list',
    async run(ctx) {
      const all = await assemblies.list(ctx.organization.id, 15);
      if (all.length === 0) return privateText(ctx.t('assembly.list.none'));
      return reply('private', ctx.t('assembly.list.title'), [
        { type: 'text', text: all.map((a) => `- ${ctx.t('assembly.list.line', { id: shortId(a.id), title: a.title, date: when(ctx, a.startsAt) })}`).join('\n') },
      ]);
    },
  });

  const press: ActionDefinition = {
    prefix: ASSEMBLY_VOTE_ACTION,
    access: 'anyone',
    async run(ctx, event) {
      const parsed = parseBallotValue(event.value);
      if (!parsed) return privateText(ctx.t('errors.actionExpired'));
      if (!ctx.member) return privateText(ctx.t('assembly.vote.linkInvite'));
      const r = await assemblies.vote({ organizationId: ctx.organization.id, itemId: parsed.itemId, member: ctx.member, choiceIndex: parsed.choiceIndex, forVoterId: parsed.forVoterId });
      const params = { title: r.item.title, choice: choiceLabel(r.item, r.choice, ctx.t), name: r.voter.name };
      // The secret ballot's reply names the receipt but never the choice: the reply may linger on a screen.
      if (r.receipt) return privateText(ctx.t(r.byProxy ? 'assembly.vote.recordedSecretProxy' : 'assembly.vote.recordedSecret', { ...params, receipt: r.receipt }));
      return privateText(ctx.t(r.byProxy ? 'assembly.vote.recordedProxy' : 'assembly.vote.recorded', params));
    },
  };

  return { commands: [create, item, snapshot, open, close, proxy, revoke, checkin, vote, status, result, list] as CommandDefinition[], actions: [press] };
}
