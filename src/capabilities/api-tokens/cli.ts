import type { Command } from 'commander';
import { ApiTokenService } from './domain/api-token.service.js';
import type { ApiToken } from './domain/api-token.js';
import { API_SCOPES, parseScopeList } from '../../kernel/api-scopes.js';
import { WEBHOOK_EVENTS, type WebhookEndpoint } from '../webhooks/domain/webhook-events.js';
import { WebhookService, type WebhookOutbox } from '../webhooks/domain/webhook.service.js';
import type { Organization } from '../../kernel/community.js';
import { systemClock } from '../../kernel/clock.js';
import { NotFoundError, ValidationError } from '../../kernel/errors.js';
import type { Database } from '../../infra/database/database.js';
import { createPrismaApiRepositories } from './repository/prisma-api-token.repository.js';
import { createPrismaRepositories } from '../../infra/database/directory.js';

/**
 * `kring tokens …` and `kring webhooks …`: the admin API's operator commands. They call the same services
 * as the API (never the HTTP API itself). A token's secret and a webhook's signing secret are printed
 * once, at creation; nothing can show them again.
 */

/** What the commands need from the CLI around them. */
export interface TokenCommandsContext {
  /** The CLI's database, opened on first use (so `--help` never touches it). */
  database(): Promise<Database>;
  /** One line on stdout. */
  out(line?: string): void;
}

/** Adding or removing an endpoint never delivers anything, so the CLI has no queue behind its outbox. */
const noOutbox: WebhookOutbox = {
  enqueue: async () => {
    throw new Error('the CLI does not deliver webhooks');
  },
};

async function services(ctx: TokenCommandsContext) {
  const db = await ctx.database();
  const repos = createPrismaRepositories(db.prisma);
  const api = createPrismaApiRepositories(db.prisma);
  return {
    repos,
    tokens: new ApiTokenService({ tokens: api.apiTokens, organizations: repos.organizations, clock: systemClock }),
    // The operator decides where webhooks go (an internal CRM may well speak plain http).
    webhooks: new WebhookService({ webhooks: api.webhooks, organizations: repos.organizations, outbox: noOutbox, clock: systemClock, requireHttps: false }),
  };
}

async function findOrg(repos: ReturnType<typeof createPrismaRepositories>, slug: string): Promise<Organization> {
  const org = await repos.organizations.findBySlug(slug);
  if (!org) throw new NotFoundError('API.ORGANIZATION_NOT_FOUND', `Organisation "${slug}" does not exist (see: kring org list).`);
  return org;
}

const date = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 16) : '-');

function tokenRow(t: ApiToken, slugs: ReadonlyMap<string, string>): string[] {
  return [t.id, slugs.get(t.organizationId) ?? t.organizationId, t.name, t.scopes.join(','), date(t.createdAt), date(t.lastUsedAt), t.revokedAt ? `revoked ${date(t.revokedAt)}` : 'active'];
}

function webhookRow(w: WebhookEndpoint, slugs: ReadonlyMap<string, string>): string[] {
  return [w.id, slugs.get(w.organizationId) ?? w.organizationId, w.url, w.events.join(','), date(w.createdAt)];
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function commaList(text: string, known: readonly string[], what: string): string[] {
  const words = text.split(/[\s,]+/).filter((w) => w !== '');
  const unknown = words.filter((w) => !known.includes(w));
  if (unknown.length > 0) throw new ValidationError([{ path: what, message: `unknown ${what} ${unknown.join(', ')}; known: ${known.join(', ')}` }]);
  return words;
}

/** Registers `tokens` and `webhooks` on the `kring` program. */
export function registerTokenCommands(program: Command, ctx: TokenCommandsContext): void {
  const tokens = program.command('tokens').description('admin API tokens (per organisation, scoped, revocable)').exitOverride();
  tokens
    .command('create')
    .description('create an API token; the token is shown once, store it in the system that calls the API')
    .requiredOption('--org <slug>', 'organisation the token works for')
    .requiredOption('--name <name>', 'what uses the token, e.g. "CRM sync"')
    .requiredOption('--scope <scopes>', `comma-separated: ${API_SCOPES.join(', ')}`)
    .option('--json', 'print JSON on stdout')
    .action(async (opts: { org: string; name: string; scope: string; json?: boolean }) => {
      const { scopes, unknown } = parseScopeList(opts.scope);
      if (unknown.length > 0) {
        throw new ValidationError([{ path: 'scope', message: `unknown scope ${unknown.join(', ')}; scopes: ${API_SCOPES.join(', ')}` }]);
      }
      const s = await services(ctx);
      const org = await findOrg(s.repos, opts.org);
      const { token, secret } = await s.tokens.create({ organizationId: org.id, name: opts.name, scopes });
      if (opts.json) {
        ctx.out(JSON.stringify({ id: token.id, organization: org.slug, name: token.name, scopes: token.scopes, token: secret }, null, 2));
        return;
      }
      ctx.out(`Created API token "${token.name}" for "${org.slug}" (id ${token.id}), scopes: ${token.scopes.join(', ')}.`);
      ctx.out('');
      ctx.out(`  ${secret}`);
      ctx.out('');
      ctx.out('This is the only time the token is shown. Use it as: Authorization: Bearer <token>');
      ctx.out(`Revoke it with: kring tokens revoke ${token.id}`);
    });
  tokens
    .command('list')
    .description('list API tokens (never their secrets)')
    .option('--org <slug>', 'only this organisation')
    .option('--json', 'print JSON on stdout')
    .action(async (opts: { org?: string; json?: boolean }) => {
      const s = await services(ctx);
      const org = opts.org === undefined ? undefined : await findOrg(s.repos, opts.org);
      const list = await s.tokens.list(org?.id);
      const slugs = new Map((await s.repos.organizations.list()).map((o) => [o.id, o.slug]));
      if (opts.json) {
        ctx.out(JSON.stringify(list.map((t) => ({ ...t, organization: slugs.get(t.organizationId) })), null, 2));
        return;
      }
      if (list.length === 0) {
        ctx.out('No API tokens. Create one with: kring tokens create --org <slug> --name <name> --scope members:write');
        return;
      }
      ctx.out(table(['ID', 'ORG', 'NAME', 'SCOPES', 'CREATED', 'LAST USED', 'STATE'], list.map((t) => tokenRow(t, slugs))));
    });
  tokens
    .command('revoke')
    .description('revoke an API token at once (it answers 401 from then on)')
    .argument('<id>', 'the token id (see kring tokens list)')
    .action(async (id: string) => {
      const s = await services(ctx);
      const token = await s.tokens.revoke(id);
      ctx.out(`Revoked API token "${token.name}" (id ${token.id}).`);
    });

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
      const { endpoint, secret } = await s.webhooks.add({ organizationId: org.id, url: opts.url, events });
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
      ctx.out(table(['ID', 'ORG', 'URL', 'EVENTS', 'CREATED'], list.map((w) => webhookRow(w, slugs))));
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
