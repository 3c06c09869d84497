import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CliHost } from '../../capability.js';
import { fail, findOrg, localeOption, orFail, table, when } from '../../capability-cli.js';
import { parseWallTime } from '../../kernel/zoned-time.js';
import { KringError } from '../../kernel/errors.js';
import { parseQuorum } from './create-args.js';
import type { AssemblyService } from './domain/assembly.service.js';
import { decisionLines, decisionListMarkdown, decisionListPdf } from './decision-list.js';

/** The parts of this capability its commands use. */
type AssemblyCliParts = { service: AssemblyService };

const HINT = (org: string) => `see: kring assembly list --org ${org}`;

/** A domain refusal as one line on stderr with its code and exit code 2, as other usage errors (never a stack trace). */
async function refusing<T>(cmd: Command, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof KringError && e.messageKey !== undefined) fail(cmd, `${e.message} (${e.code})`);
    throw e;
  }
}

/**
 * `kring assembly create|list|snapshot|export|result`, through the same {@link AssemblyService} as chat and
 * the API. Voting itself happens in chat and the web only: the CLI never casts a vote.
 */
export function registerAssemblyCli(program: Command, ctx: CliHost<AssemblyCliParts>): void {
  const assembly = program.command('assembly').description('the general assembly: create, freeze the register, export it, the decision list').exitOverride();

  assembly
    .command('create')
    .description('create a general assembly')
    .requiredOption('--org <slug>', 'organisation')
    .requiredOption('--title <title>', 'title')
    .requiredOption('--at <when>', 'start, YYYY-MM-DD HH:MM in the organisation time zone')
    .option('--early <when>', 'early voting from (at most 30 days before)')
    .option('--online', 'an online meeting (default: hybrid)')
    .option('--proxies <n>', 'maximum proxies per holder', '1')
    .option('--quorum <rule>', 'none, a number of members, or a fraction like 1/2', 'none')
    .action(async (opts: { org: string; title: string; at: string; early?: string; online?: boolean; proxies: string; quorum: string }, cmd: Command) => {
      const org = await findOrg(cmd, await ctx.directory(), opts.org);
      const startsAt = parseWallTime(opts.at, org.timezone);
      if (!startsAt) fail(cmd, `--at: "${opts.at}" is not a date and time (YYYY-MM-DD HH:MM).`);
      const early = opts.early === undefined ? null : parseWallTime(opts.early, org.timezone);
      if (opts.early !== undefined && !early) fail(cmd, `--early: "${opts.early}" is not a date and time (YYYY-MM-DD HH:MM).`);
      const quorum = parseQuorum(opts.quorum);
      if (!quorum) fail(cmd, '--quorum: none, a number (25) or a fraction (1/2).');
      if (!/^\d{1,2}$/.test(opts.proxies)) fail(cmd, '--proxies: a number from 0 to 10.');
      const service = (await ctx.parts()).service;
      const a = await refusing(cmd, () =>
        service.create({ organizationId: org.id, title: opts.title, startsAt, mode: opts.online ? 'online' : 'hybrid', earlyVotingFrom: early, maxProxiesPerHolder: Number(opts.proxies), quorum }),
      );
      ctx.out(`Assembly ${a.id} "${a.title}" on ${when(a.startsAt)} created.`);
    });

  assembly
    .command('list')
    .description("the organisation's assemblies, newest first")
    .requiredOption('--org <slug>', 'organisation')
    .action(async (opts: { org: string }, cmd: Command) => {
      const org = await findOrg(cmd, await ctx.directory(), opts.org);
      const all = await (await ctx.parts()).service.list(org.id, 50);
      if (all.length === 0) return ctx.out(`No assemblies in "${org.slug}".`);
      ctx.out(table(['ID', 'STARTS', 'REGISTER', 'TITLE'], all.map((a) => [a.id.slice(0, 8), when(a.startsAt), a.snapshotAt ? when(a.snapshotAt) : '-', a.title])));
    });

  assembly
    .command('snapshot')
    .description('freeze the register of voters: every active member now (once)')
    .argument('<id>', 'assembly id (or its first characters)')
    .requiredOption('--org <slug>', 'organisation')
    .option('--weight <number=weight...>', 'a voting weight by member number, e.g. --weight L-12=2')
    .action(async (id: string, opts: { org: string; weight?: string[] }, cmd: Command) => {
      const org = await findOrg(cmd, await ctx.directory(), opts.org);
      const service = (await ctx.parts()).service;
      const a = await orFail(cmd, HINT(org.slug), () => service.find(org.id, id));
      const weights: Record<string, number> = {};
      for (const w of opts.weight ?? []) {
        const m = /^(.+)=(\d{1,4})$/.exec(w);
        if (!m) fail(cmd, `--weight: "${w}" is not <member number>=<weight>.`);
        weights[m[1]!.trim()] = Number(m[2]);
      }
      const done = await refusing(cmd, () => service.snapshot(a, { weights }));
      ctx.out(`Register frozen: ${done.voters} eligible members (${when(done.at)}).`);
    });

  assembly
    .command('export')
    .description('the frozen register of voters as CSV (member number, name, status, roles, weight)')
    .argument('<id>', 'assembly id (or its first characters)')
    .requiredOption('--org <slug>', 'organisation')
    .action(async (id: string, opts: { org: string }, cmd: Command) => {
      const org = await findOrg(cmd, await ctx.directory(), opts.org);
      const service = (await ctx.parts()).service;
      const a = await orFail(cmd, HINT(org.slug), () => service.find(org.id, id));
      const quote = (s: string) => (/[",\n\r=+\-@]/.test(s) ? `"${s.replace(/"/g, '""').replace(/^([=+\-@])/, "'$1")}"` : s);
      ctx.out('member_number,name,status,roles,weight');
      for (const v of await service.voters(a)) ctx.out([quote(v.memberNumber), quote(v.name), v.status, quote(v.roles.join(' ')), String(v.weight)].join(','));
    });

  assembly
    .command('result')
    .description('the decision list (besluitenlijst): Markdown on stdout, or --pdf <file>')
    .argument('<id>', 'assembly id (or its first characters)')
    .requiredOption('--org <slug>', 'organisation')
    .option('--lang <nl|en>', 'language (default: the organisation\'s)')
    .option('--pdf <file>', 'write the PDF to this file')
    .action(async (id: string, opts: { org: string; lang?: string; pdf?: string }, cmd: Command) => {
      const org = await findOrg(cmd, await ctx.directory(), opts.org);
      const locale = localeOption(cmd, opts.lang, org);
      const service = (await ctx.parts()).service;
      const a = await orFail(cmd, HINT(org.slug), () => service.find(org.id, id));
      const lines = decisionLines(await service.results(a), ctx.translator.for(locale), locale, org.timezone);
      if (opts.pdf) {
        await writeFile(opts.pdf, await decisionListPdf(lines, { title: a.title }));
        return ctx.out(`Decision list written to ${opts.pdf}.`);
      }
      ctx.write(decisionListMarkdown(lines));
    });
}
