import type { Command } from 'commander';
import type { CliHost } from '../../capability.js';
import { fail, findOrg, orFail, positiveInt } from '../../capability-cli.js';
import { digestText } from './digest-text.js';
import type { DigestService } from './domain/digest.service.js';
import { DEFAULT_RETENTION_MONTHS, type RetentionService } from './domain/retention.service.js';
import { enqueueDigestNow } from './jobs/insights.jobs.js';

/** Where `--now` goes (the CLI never posts to a platform itself). */
const DIGEST_QUEUE_HELP =
  '\n--now: the CLI does not post to Discord, Slack or Teams itself. It enqueues the job the Monday schedule\n' +
  'enqueues, and the running server\'s workers post it:\n' +
  '  REDIS_URL set      the job goes into the server\'s BullMQ queue (same Redis, same REDIS_PREFIX).\n' +
  '  REDIS_URL unset    the server\'s queue lives inside its own process: the command refuses (exit 2);\n' +
  '                     use the admin API of the running server (POST /orgs/{org}/insights/digest).';

/** The parts of this capability its commands use (index.ts hands over all of them). */
type InsightsCliParts = { digest: DigestService; retention: RetentionService };

/**
 * `kring insights digest|retention`: the weekly digest on demand (preview, or `--now` through the server's
 * queue, as the Monday schedule does) and how long insights keep their data, through the same services
 * the server and the admin API use.
 */
export function registerInsightsCli(program: Command, host: CliHost<InsightsCliParts>): void {
  const insights = program.command('insights').description('the weekly digest and how long insights keep their data').exitOverride();

  insights
    .command('digest')
    .summary('show the weekly digest, or send it to the managers\' channels now')
    .description(
      'Shows the digest managers get on Mondays at 09:00 (the last 7 days against the week before), as it would be posted now. ' +
        'With --now it is queued for the running server, whose workers post it to every managers\' channel ' +
        '(once per channel and week, however often it is sent).',
    )
    .requiredOption('--org <slug>', 'organisation')
    .option('--now', 'send it now instead of only showing it')
    .addHelpText('after', DIGEST_QUEUE_HELP)
    .action(async (opts: { org: string; now?: boolean }, cmd: Command) => {
      const org = await findOrg(cmd, await host.directory(), opts.org);
      if (!opts.now) {
        const preview = await (await host.parts()).digest.preview(org.id);
        if (!preview) fail(cmd, `Organisation "${opts.org}" does not exist (see: kring org list).`);
        host.write(digestText(preview.view));
        host.out('');
        host.out(
          preview.channels === 0
            ? 'Preview only: nothing was posted. The organisation has no managers\' channel yet (/kring channel connect managers).'
            : `Preview only: nothing was posted. It goes to ${preview.channels} managers' channel(s); send it now with --now.`,
        );
        return;
      }
      const queue = await orFail(cmd, '', () => host.openQueue({ recordOnly: false }));
      try {
        const preview = await (await host.parts(queue)).digest.preview(org.id);
        if (!preview) fail(cmd, `Organisation "${opts.org}" does not exist (see: kring org list).`);
        if (preview.channels === 0) fail(cmd, `"${org.slug}" has no managers' channel to send the digest to: connect one with /kring channel connect managers.`);
        await enqueueDigestNow(queue.queue, org.id, new Date());
        host.out(`Queued: the running server's workers post the digest of the week ending ${preview.weekEnding} to ${preview.channels} managers' channel(s).`);
      } finally {
        await queue.close();
      }
    });

  insights
    .command('retention')
    .summary('show or set how long insights keep activity and question threads')
    .description(
      `Insights keep daily activity rollups, weekly topic counts and question threads for this many months (default ${DEFAULT_RETENTION_MONTHS}); ` +
        'a nightly job of the server deletes what is older (the organisation\'s local days).',
    )
    .requiredOption('--org <slug>', 'organisation')
    .option('--months <n>', 'set the retention to this many whole months (1–120)')
    .action(async (opts: { org: string; months?: string }, cmd: Command) => {
      const org = await findOrg(cmd, await host.directory(), opts.org);
      const { retention } = await host.parts();
      if (opts.months === undefined) {
        host.out(`"${org.slug}" keeps insights data for ${await retention.months(org.id)} months.`);
        return;
      }
      const months = positiveInt(cmd, opts.months, '--months');
      if (months > 120) fail(cmd, '--months must be at most 120 (ten years).');
      await retention.setMonths(org.id, months);
      host.out(`"${org.slug}" now keeps insights data for ${months} months; the server's nightly job deletes what is older.`);
    });
}
