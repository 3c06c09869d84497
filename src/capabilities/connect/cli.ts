import type { Command } from 'commander';
import type { CliHost } from '../../capability.js';
import { fail, findOrg, table, when } from '../../capability-cli.js';
import { KringError } from '../../kernel/errors.js';
import type { IntroService } from './domain/intro.service.js';
import type { ProfileService } from './domain/profile.service.js';

/** The parts of this capability its commands use (index.ts hands over all of them). */
type ConnectCliParts = { profiles: ProfileService; intros: IntroService };

/** A domain refusal (exists, bad name, unknown) as a usage error with the reason, in English. */
async function orRefuse<T>(cmd: Command, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof KringError && e.code.startsWith('CONNECT.')) fail(cmd, `${e.message} (${e.code})`);
    throw e;
  }
}

/**
 * `kring interests list|add|remove` and `kring intros status`: the association's list of interests and the
 * introduction rounds, through the same {@link ProfileService} and {@link IntroService} the chat commands
 * (`/kring interests …`, `/kring intros status`) and the admin API use.
 */
export function registerConnectCli(program: Command, ctx: CliHost<ConnectCliParts>): void {
  const interests = program.command('interests').description('the association\'s list of interests (same rules as /kring interests in chat)').exitOverride();

  interests
    .command('list')
    .description('the interests, by name')
    .requiredOption('--org <slug>', 'organisation')
    .option('--json', 'print JSON on stdout')
    .action(async (opts: { org: string; json?: boolean }, cmd: Command) => {
      const { profiles } = await ctx.parts();
      const org = await findOrg(cmd, await ctx.directory(), opts.org);
      const list = await profiles.listInterests(org.id);
      if (opts.json) {
        ctx.out(JSON.stringify(list.map((i) => ({ id: i.id, name: i.name })), null, 2));
        return;
      }
      ctx.out(list.length === 0 ? `No interests in "${org.slug}" yet (add one: kring interests add --org ${org.slug} <name>).` : list.map((i) => i.name).join('\n'));
    });

  interests
    .command('add')
    .description('add an interest to the list')
    .argument('<name...>', 'the interest, e.g. Fietsen')
    .requiredOption('--org <slug>', 'organisation')
    .action(async (name: string[], opts: { org: string }, cmd: Command) => {
      const { profiles } = await ctx.parts();
      const org = await findOrg(cmd, await ctx.directory(), opts.org);
      const added = await orRefuse(cmd, () => profiles.addInterest(org.id, name.join(' ')));
      ctx.out(`Added "${added.name}" to the interests of "${org.slug}".`);
    });

  interests
    .command('remove')
    .description('remove an interest (members\' choices of it and its introduction rounds go with it)')
    .argument('<name...>', 'the interest')
    .requiredOption('--org <slug>', 'organisation')
    .action(async (name: string[], opts: { org: string }, cmd: Command) => {
      const { profiles } = await ctx.parts();
      const org = await findOrg(cmd, await ctx.directory(), opts.org);
      const removed = await orRefuse(cmd, () => profiles.removeInterest(org.id, name.join(' ')));
      ctx.out(`Removed "${removed.name}" from the interests of "${org.slug}".`);
    });

  program
    .command('intros')
    .description('introduction rounds (start and stop them in chat: /kring intros start|stop)')
    .exitOverride()
    .command('status')
    .description('the running introduction rounds and how many people met')
    .requiredOption('--org <slug>', 'organisation')
    .action(async (opts: { org: string }, cmd: Command) => {
      const { intros } = await ctx.parts();
      const org = await findOrg(cmd, await ctx.directory(), opts.org);
      const programs = await intros.status(org.id);
      if (programs.length === 0) {
        ctx.out(`No introduction rounds run in "${org.slug}".`);
        return;
      }
      const rows = programs.flatMap((p) =>
        (p.rounds.length === 0 ? [null] : p.rounds).map((r) => [
          p.label === '*' ? 'everyone' : p.label,
          `every ${p.program.everyWeeks} wk`,
          r ? String(r.number) : '-',
          r ? when(r.ranAt) : '-',
          r ? `${r.members}/${r.groups}` : '-',
          r ? `${r.totals.metGroups} (${r.totals.yes} yes, ${r.totals.no} no)` : '-',
        ]),
      );
      ctx.out(table(['FOR', 'CADENCE', 'ROUND', 'RAN', 'MEMBERS/GROUPS', 'MET'], rows));
    });
}
