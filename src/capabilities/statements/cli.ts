import type { Command } from 'commander';
import type { CliHost } from '../../capability.js';
import { fail, findOrg, orFail, positiveInt, QUEUE_HELP, table, when } from '../../capability-cli.js';
import type { StatementResults, StatementService } from './domain/statement.service.js';

/** The parts of this capability its commands use. */
type StatementsCliParts = { service: StatementService };

const short = (id: string) => id.slice(0, 8);
const HINT = (org: string) => `see: kring statements list --org ${org}`;

function resultLines(r: StatementResults): string[] {
  const t = r.tally;
  const lines = [
    `Statement ${short(r.statement.id)}: ${r.statement.text}`,
    `  status     ${r.statement.status}${r.statement.closedAt ? `, closed ${when(r.statement.closedAt)}` : ''}`,
    `  answers    ${t.total}: ${t.agree} agree, ${t.neutral} neutral, ${t.disagree} disagree`,
  ];
  for (const c of r.chapters) lines.push(`  ${(c.chapterName ?? '(no chapter)').padEnd(20)} ${c.agree} / ${c.neutral} / ${c.disagree}`);
  return lines;
}

/**
 * `kring statements list|results|close`, through the same {@link StatementService} as chat and the API.
 * Closing enqueues the final refresh of every copy (see {@link QUEUE_HELP}).
 */
export function registerStatementsCli(program: Command, ctx: CliHost<StatementsCliParts>): void {
  const statements = program.command('statements').description('statements: list, results per chapter, close (same rules as /kring statement)').exitOverride();

  statements
    .command('list')
    .description("the organisation's statements, newest first")
    .requiredOption('--org <slug>', 'organisation')
    .option('--limit <n>', 'how many to show', '20')
    .option('--json', 'print JSON on stdout')
    .action(async (opts: { org: string; limit: string; json?: boolean }, cmd: Command) => {
      const limit = positiveInt(cmd, opts.limit, '--limit');
      const repos = await ctx.directory();
      const service = (await ctx.parts()).service;
      const org = await findOrg(cmd, repos, opts.org);
      const results = await Promise.all((await service.list(org.id, { limit })).map((s) => service.results(s)));
      if (opts.json) {
        ctx.out(JSON.stringify(results.map((r) => ({ id: r.statement.id, text: r.statement.text, status: r.statement.status, answers: r.tally })), null, 2));
        return;
      }
      if (results.length === 0) return ctx.out(`No statements in "${org.slug}".`);
      ctx.out(table(['ID', 'STATUS', 'ANSWERS', 'CREATED', 'TEXT'], results.map((r) => [short(r.statement.id), r.statement.status, String(r.tally.total), when(r.statement.createdAt), r.statement.text])));
    });

  statements
    .command('results')
    .description("a statement's answers, per chapter")
    .argument('<id>', 'statement id (or its first 8 characters)')
    .requiredOption('--org <slug>', 'organisation')
    .action(async (id: string, opts: { org: string }, cmd: Command) => {
      const repos = await ctx.directory();
      const service = (await ctx.parts()).service;
      const org = await findOrg(cmd, repos, opts.org);
      const statement = await orFail(cmd, HINT(org.slug), () => service.find(org.id, id));
      for (const line of resultLines(await service.results(statement))) ctx.out(line);
    });

  statements
    .command('close')
    .description('close a statement: answering stops; the server shows the summary on every copy')
    .argument('<id>', 'statement id (or its first 8 characters)')
    .requiredOption('--org <slug>', 'organisation')
    .option('--record-only', 'without REDIS_URL: only record the close in the database')
    .addHelpText('after', QUEUE_HELP)
    .action(async (id: string, opts: { org: string; recordOnly?: boolean }, cmd: Command) => {
      const queue = await orFail(cmd, '', () => ctx.openQueue({ recordOnly: opts.recordOnly === true }));
      try {
        const repos = await ctx.directory();
        const service = (await ctx.parts(queue)).service;
        const org = await findOrg(cmd, repos, opts.org);
        const statement = await orFail(cmd, HINT(org.slug), () => service.find(org.id, id));
        if (statement.status === 'closed') fail(cmd, `Statement ${short(statement.id)} is closed already.`);
        for (const line of resultLines(await service.close(statement))) ctx.out(line);
      } finally {
        await queue.close();
      }
    });
}
