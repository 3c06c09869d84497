import type { Command } from 'commander';
import type { Announcement, DeliveryReport } from './domain/announcement.js';
import type { CliHost, CliQueue } from '../../capability.js';
import { fail, findOrg, orFail, positiveInt, QUEUE_HELP, table, when } from '../../capability-cli.js';
import type { NewsService } from './domain/news.service.js';

/** The parts of this capability its commands use (index.ts hands over all of them). */
type NewsCliParts = { service: NewsService };

/**
 * `kring news …`: list, delivery status and retract, through the same {@link NewsService} the chat
 * commands and the admin API use (never the HTTP API), built from the same capability list as the server. Retracting enqueues what the server's service
 * enqueues: one deletion job per posted copy on its platform's fan-out queue (paced like the server's, in
 * the same Redis) and a refresh of the live delivery reports; see {@link QUEUE_HELP}.
 */

const short = (id: string) => id.slice(0, 8);
const HINT = (org: string) => `see: kring news list --org ${org}`;

/** The directory and the service; retracting with a queue hands the jobs to the server's workers. */
async function services(host: CliHost<NewsCliParts>, queue?: CliQueue) {
  return { repos: await host.directory(), news: (await host.parts(queue)).service };
}

function reportLines(r: DeliveryReport): string[] {
  const a = r.announcement;
  const t = r.totals;
  const lines = [
    `Announcement ${short(a.id)}: ${a.title}`,
    `  status     ${a.status} (version ${a.version})`,
    `  audience   ${audienceText(a)}${a.directMessages ? ', direct messages too' : ''}`,
    `  created    ${when(a.createdAt)}`,
  ];
  if (a.publishAt) lines.push(`  publish at ${when(a.publishAt)}`);
  if (a.publishedAt) lines.push(`  published  ${when(a.publishedAt)}`);
  if (a.retractedAt) lines.push(`  retracted  ${when(a.retractedAt)}`);
  lines.push(`  deliveries ${t.total}: ${t.sent} sent, ${t.queued} queued, ${t.failed} failed, ${t.retracted} retracted`);
  for (const p of r.byPlatform) {
    lines.push(`    ${p.platform.padEnd(8)} ${p.tally.sent} sent, ${p.tally.queued} queued, ${p.tally.failed} failed, ${p.tally.retracted} retracted`);
  }
  if (r.failures.length > 0) {
    lines.push('  failed:');
    for (const f of r.failures) lines.push(`    ${f.platform} ${f.kind} ${f.target}: ${f.reason ?? 'unknown reason'}`);
  }
  if (r.pending.length > 0) {
    lines.push('  waiting:');
    for (const p of r.pending) lines.push(`    ${p.platform} ${p.kind} ${p.target}`);
  }
  return lines;
}

function audienceText(a: Announcement): string {
  const au = a.audience;
  if (au.kind === 'all') return 'everyone';
  if (au.kind === 'chapters') return `${au.chapterIds.length} chapter(s)`;
  return `roles ${au.roles.join(', ')}`;
}

function announcementJson(a: Announcement) {
  return {
    id: a.id,
    title: a.title,
    status: a.status,
    version: a.version,
    audience: a.audience,
    directMessages: a.directMessages,
    publishAt: a.publishAt?.toISOString() ?? null,
    createdAt: a.createdAt.toISOString(),
    publishedAt: a.publishedAt?.toISOString() ?? null,
    retractedAt: a.retractedAt?.toISOString() ?? null,
  };
}

/** Registers `news` on the `kring` program. */
export function registerNewsCli(program: Command, ctx: CliHost<NewsCliParts>): void {
  const news = program
    .command('news')
    .description('news announcements: list, delivery status, retract (same rules as /kring news in chat)')
    .addHelpText('after', '\nAn announcement id may be shortened to its first 8 characters, as in chat.')
    .exitOverride();

  news
    .command('list')
    .description('list the organisation\'s announcements, newest first')
    .requiredOption('--org <slug>', 'organisation')
    .option('--limit <n>', 'how many to show', '20')
    .option('--json', 'print JSON on stdout')
    .action(async (opts: { org: string; limit: string; json?: boolean }, cmd: Command) => {
      const limit = positiveInt(cmd, opts.limit, '--limit');
      const s = await services(ctx);
      const org = await findOrg(cmd, s.repos, opts.org);
      const list = await s.news.list(org.id, limit);
      if (opts.json) {
        ctx.out(JSON.stringify(list.map(announcementJson), null, 2));
        return;
      }
      if (list.length === 0) {
        ctx.out(`No announcements in "${org.slug}".`);
        return;
      }
      ctx.out(table(['ID', 'STATUS', 'CREATED', 'PUBLISHED', 'TITLE'], list.map((a) => [
        short(a.id), a.status, when(a.createdAt), a.status === 'scheduled' ? `at ${when(a.publishAt)}` : when(a.publishedAt), a.title,
      ])));
    });

  news
    .command('status')
    .description('the delivery report of an announcement: what arrived where, what failed, what still waits')
    .argument('<id>', 'announcement id (or its first 8 characters)')
    .requiredOption('--org <slug>', 'organisation')
    .option('--json', 'print JSON on stdout')
    .action(async (id: string, opts: { org: string; json?: boolean }, cmd: Command) => {
      const s = await services(ctx);
      const org = await findOrg(cmd, s.repos, opts.org);
      const report = await orFail(cmd, HINT(org.slug), () => s.news.report(org.id, id));
      if (opts.json) {
        ctx.out(JSON.stringify({ announcement: announcementJson(report.announcement), totals: report.totals, byPlatform: report.byPlatform, failures: report.failures, pending: report.pending }, null, 2));
        return;
      }
      for (const line of reportLines(report)) ctx.out(line);
    });

  news
    .command('retract')
    .description('retract an announcement: nothing more is posted; the server then deletes every posted copy')
    .argument('<id>', 'announcement id (or its first 8 characters)')
    .requiredOption('--org <slug>', 'organisation')
    .option('--record-only', 'without REDIS_URL: only record the retraction in the database (stops further posting; posted copies stay)')
    .addHelpText('after', QUEUE_HELP)
    .action(async (id: string, opts: { org: string; recordOnly?: boolean }, cmd: Command) => {
      const queue = await orFail(cmd, '', () => ctx.openQueue({ recordOnly: opts.recordOnly === true }));
      try {
        const s = await services(ctx, queue);
        const org = await findOrg(cmd, s.repos, opts.org);
        const current = await orFail(cmd, HINT(org.slug), () => s.news.resolve(org.id, id));
        if (current.status === 'retracted') fail(cmd, `Announcement ${short(current.id)} is retracted already (${when(current.retractedAt)}).`);
        const { announcement, copies } = await s.news.retract(org.id, current.id);
        ctx.out(`Retracted announcement ${short(announcement.id)}: ${announcement.title}`);
        if (queue.mode === 'bullmq') {
          ctx.out(`Nothing more will be posted. ${copies} posted cop${copies === 1 ? 'y is' : 'ies are'} queued for deletion; the running server's workers delete them.`);
        } else {
          ctx.out(`Recorded in the database only (--record-only): nothing more will be posted, but the ${copies} posted cop${copies === 1 ? 'y stays' : 'ies stay'} in chat (${queue.dropped()} queue job(s) dropped).`);
        }
      } finally {
        await queue.close();
      }
    });
}
