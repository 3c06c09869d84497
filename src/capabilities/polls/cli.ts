import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { CliHost, CliQueue } from '../../capability.js';
import { fail, findOrg, localeOption, orFail, positiveInt, QUEUE_HELP, table, when } from '../../capability-cli.js';
import type { PollStatus } from './domain/poll.js';
import type { PollResults } from './domain/poll.service.js';
import type { PollService } from './domain/poll.service.js';

/** The parts of this capability its commands use (index.ts hands over all of them). */
type PollsCliParts = { service: PollService };
import { pollCsv } from './poll-csv.js';

/**
 * `kring polls …`: list, results, close and CSV export, through the same {@link PollService} the chat
 * commands and the admin API use (never the HTTP API), built from the same capability list as the server.
 * Closing enqueues what closing on the server enqueues: the final refresh of every posted copy
 * (jobs/poll.scheduler.ts) and, through `poll.closed` on the bus, the webhooks; see {@link QUEUE_HELP}
 * for where those jobs go.
 */

const short = (id: string) => id.slice(0, 8);
const HINT = (org: string) => `see: kring polls list --org ${org}`;

/** The directory and the service; closing with a queue hands the follow-up jobs to the server's workers. */
async function services(host: CliHost<PollsCliParts>, queue?: CliQueue) {
  return { repos: await host.directory(), polls: (await host.parts(queue)).service };
}

function resultLines(r: PollResults): string[] {
  const p = r.poll;
  const lines = [
    `Poll ${short(p.id)}: ${p.question}`,
    `  status     ${p.status}${p.status === 'open' && !r.open ? ' (deadline passed, closing)' : ''}${p.closedAt ? `, closed ${when(p.closedAt)}` : ''}`,
    `  settings   ${p.anonymous ? 'anonymous' : 'named'}, ${p.choiceMode === 'multi' ? `multiple choice${p.maxChoices ? ` (at most ${p.maxChoices})` : ''}` : 'single choice'}, results ${p.resultsVisibility}`,
    `  deadline   ${when(p.deadline)}`,
    `  voters     ${r.tally.voters}`,
    '',
  ];
  const width = Math.max(6, ...r.lines.map((l) => l.label.length));
  for (const l of r.lines) lines.push(`  ${l.label.padEnd(width)}  ${String(l.count).padStart(5)}  ${String(l.percent).padStart(3)}%`);
  return lines;
}

function resultsJson(r: PollResults) {
  return {
    id: r.poll.id,
    question: r.poll.question,
    status: r.poll.status,
    anonymous: r.poll.anonymous,
    open: r.open,
    deadline: r.poll.deadline?.toISOString() ?? null,
    closedAt: r.poll.closedAt?.toISOString() ?? null,
    voters: r.tally.voters,
    results: r.lines.map((l, position) => ({ position, label: l.label, votes: l.count, percent: l.percent })),
  };
}

/** Registers `polls` on the `kring` program. */
export function registerPollsCli(program: Command, ctx: CliHost<PollsCliParts>): void {
  const polls = program
    .command('polls')
    .description('polls: list, results, close, CSV export (same rules as /kring poll in chat)')
    .addHelpText('after', '\nA poll id may be shortened to its first 8 characters, as in chat.')
    .exitOverride();

  polls
    .command('list')
    .description('list the organisation\'s polls, newest first')
    .requiredOption('--org <slug>', 'organisation')
    .addOption(new Option('--status <status>', 'only open or closed polls').choices(['open', 'closed']))
    .option('--limit <n>', 'how many to show', '20')
    .option('--json', 'print JSON on stdout')
    .action(async (opts: { org: string; status?: PollStatus; limit: string; json?: boolean }, cmd: Command) => {
      const limit = positiveInt(cmd, opts.limit, '--limit');
      const s = await services(ctx);
      const org = await findOrg(cmd, s.repos, opts.org);
      const list = await s.polls.list(org.id, { limit, ...(opts.status ? { status: opts.status } : {}) });
      const results = await Promise.all(list.map((p) => s.polls.results(p)));
      if (opts.json) {
        ctx.out(JSON.stringify(results.map(resultsJson), null, 2));
        return;
      }
      if (list.length === 0) {
        ctx.out(`No${opts.status ? ` ${opts.status}` : ''} polls in "${org.slug}".`);
        return;
      }
      ctx.out(table(['ID', 'STATUS', 'VOTERS', 'KIND', 'DEADLINE', 'CREATED', 'QUESTION'], results.map((r) => [
        short(r.poll.id), r.poll.status, String(r.tally.voters), r.poll.anonymous ? 'anonymous' : 'named', when(r.poll.deadline), when(r.poll.createdAt), r.poll.question,
      ])));
    });

  polls
    .command('results')
    .description('a poll\'s counts per option (whatever the poll shows members)')
    .argument('<id>', 'poll id (or its first 8 characters)')
    .requiredOption('--org <slug>', 'organisation')
    .option('--json', 'print JSON on stdout')
    .action(async (id: string, opts: { org: string; json?: boolean }, cmd: Command) => {
      const s = await services(ctx);
      const org = await findOrg(cmd, s.repos, opts.org);
      const poll = await orFail(cmd, HINT(org.slug), () => s.polls.find(org.id, id));
      const r = await s.polls.results(poll);
      if (opts.json) ctx.out(JSON.stringify(resultsJson(r), null, 2));
      else for (const line of resultLines(r)) ctx.out(line);
    });

  polls
    .command('close')
    .description('close a poll: voting stops; the server then shows the final results in every channel')
    .argument('<id>', 'poll id (or its first 8 characters)')
    .requiredOption('--org <slug>', 'organisation')
    .option('--record-only', 'without REDIS_URL: only record the close in the database (posted copies keep their buttons; votes are refused)')
    .addHelpText('after', QUEUE_HELP)
    .action(async (id: string, opts: { org: string; recordOnly?: boolean }, cmd: Command) => {
      const queue = await orFail(cmd, '', () => ctx.openQueue({ recordOnly: opts.recordOnly === true }));
      try {
        const s = await services(ctx, queue);
        const org = await findOrg(cmd, s.repos, opts.org);
        const poll = await orFail(cmd, HINT(org.slug), () => s.polls.find(org.id, id));
        if (poll.status === 'closed') fail(cmd, `Poll ${short(poll.id)} is closed already (${when(poll.closedAt)}).`);
        const closed = await s.polls.close(poll);
        for (const line of resultLines(await s.polls.results(closed))) ctx.out(line);
        ctx.out('');
        if (queue.mode === 'bullmq') {
          ctx.out('Closed. The final results are queued for every posted copy; the running server\'s workers update them.');
        } else {
          ctx.out(`Closed in the database only (--record-only): ${queue.dropped()} queue job(s) dropped. Copies posted in chat are not updated and no webhooks were sent.`);
        }
      } finally {
        await queue.close();
      }
    });

  polls
    .command('export')
    .description('export a poll as CSV: named polls list each voter (member number, name, choices); anonymous polls only counts')
    .argument('<id>', 'poll id (or its first 8 characters)')
    .requiredOption('--org <slug>', 'organisation')
    .option('--out <file>', 'write the CSV to this file (default: stdout)')
    .option('--lang <lang>', 'language of the column names: nl or en (default: the organisation\'s)')
    .action(async (id: string, opts: { org: string; out?: string; lang?: string }, cmd: Command) => {
      const s = await services(ctx);
      const org = await findOrg(cmd, s.repos, opts.org);
      const locale = localeOption(cmd, opts.lang, org);
      const poll = await orFail(cmd, HINT(org.slug), () => s.polls.find(org.id, id));
      const data = await s.polls.export(poll);
      const csv = pollCsv(data, ctx.translator.for(locale));
      if (opts.out === undefined) {
        ctx.write(csv);
        return;
      }
      await writeFile(opts.out, csv, 'utf8');
      ctx.err(`Wrote ${opts.out}: poll ${short(poll.id)}, ${data.voters} voter(s), ${data.kind === 'anonymous' ? 'counts only (anonymous poll)' : 'one line per voter'}.`);
    });
}
