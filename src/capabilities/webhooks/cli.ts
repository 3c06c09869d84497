import type { Command } from 'commander';
import type { CliHost } from '../../capability.js';
import { plainTable } from '../../capability-cli.js';
import { NotFoundError, ValidationError } from '../../kernel/errors.js';
import type { Directory } from '../../kernel/ports/directory.js';
import type { Organization } from '../../kernel/community.js';
import { WEBHOOK_EVENTS, type WebhookEndpoint } from './domain/webhook-events.js';
import type { WebhookService } from './domain/webhook.service.js';

/** The parts of this capability its commands use (index.ts hands over all of them). */
type WebhooksCliParts = { webhooks: WebhookService };

/**
 * `kring webhooks …`: outgoing webhook subscriptions, through the same service the admin API uses. A
 * webhook's signing secret is printed once, at creation. The operator decides where webhooks go, so http
 * URLs are accepted here (an internal CRM may well speak plain http).
 */

const date = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 16) : '-');

function webhookRow(w: WebhookEndpoint, slugs: ReadonlyMap<string, string>): string[] {
  return [w.id, slugs.get(w.organizationId) ?? w.organizationId, w.url, w.events.join(','), date(w.createdAt)];
}

async function findOrg(repos: Pick<Directory, 'organizations'>, slug: string): Promise<Organization> {
  const org = await repos.organizations.findBySlug(slug);
  if (!org) throw new NotFoundError('API.ORGANIZATION_NOT_FOUND', `Organisation "${slug}" does not exist (see: kring org list).`);
  return org;
}

function commaList(text: string, known: readonly string[], what: string): string[] {
  const words = text.split(/[\s,]+/).filter((w) => w !== '');
  const unknown = words.filter((w) => !known.includes(w));
  if (unknown.length > 0) throw new ValidationError([{ path: what, message: `unknown ${what} ${unknown.join(', ')}; known: ${known.join(', ')}` }]);
  return words;
}

async function services(ctx: CliHost<WebhooksCliParts>) {
  return { repos: await ctx.directory(), webhooks: (await ctx.parts()).webhooks };
}

/** Registers `webhooks` on the `kring` program. */
export function registerWebhooksCli(program: Command, ctx: CliHost<WebhooksCliParts>): void {
  const webhooks = program.command('webhooks').description('outgoing webhooks (signed HTTP callbacks per organisation)').exitOverride();
  webhooks
    .command('add')
    .description('send events to a URL; the signing secret is shown once')
    .requiredOption('--org <slug>', 'organisation')
    .requiredOption('--url <url>', 'receiver URL (https recommended)')
    .requiredOption('--events <events>', `comma-separated: ${WEBHOOK_EVENTS.join(', ')}`)
    .action(async (opts: { org: string; url: string; events: string }) => {
      const events = commaList(opts.events, WEBHOOK_EVENTS, 'events');
      const s = await services(ctx);
      const org = await findOrg(s.repos, opts.org);
      const { endpoint, secret } = await s.webhooks.add({ organizationId: org.id, url: opts.url, events, allowHttp: true });
      ctx.out(`Added webhook ${endpoint.id} for "${org.slug}": ${endpoint.url} (${endpoint.events.join(', ')}).`);
      ctx.out('');
      ctx.out(`  signing secret: ${secret}`);
      ctx.out('');
      ctx.out('This is the only time the secret is shown. Verify the Kring-Signature header with it (docs/API.md).');
    });
  webhooks
    .command('list')
    .description('list active webhook endpoints')
    .option('--org <slug>', 'only this organisation')
    .action(async (opts: { org?: string }) => {
      const s = await services(ctx);
      const org = opts.org === undefined ? undefined : await findOrg(s.repos, opts.org);
      const list = await s.webhooks.list(org?.id);
      if (list.length === 0) {
        ctx.out('No webhook endpoints. Add one with: kring webhooks add --org <slug> --url <url> --events member.linked');
        return;
      }
      const slugs = new Map((await s.repos.organizations.list()).map((o) => [o.id, o.slug]));
      ctx.out(plainTable(['ID', 'ORG', 'URL', 'EVENTS', 'CREATED'], list.map((w) => webhookRow(w, slugs))));
    });
  webhooks
    .command('remove')
    .description('stop sending events to an endpoint')
    .argument('<id>', 'the endpoint id (see kring webhooks list)')
    .action(async (id: string) => {
      const s = await services(ctx);
      const removed = await s.webhooks.remove(id);
      ctx.out(`Removed webhook ${removed.id} (${removed.url}).`);
    });
}
