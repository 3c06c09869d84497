import type { Command } from 'commander';
import type { CliHost } from '../../capability.js';
import { plainTable } from '../../capability-cli.js';
import { parseScopeList } from '../../kernel/api-access.js';
import type { Organization } from '../../kernel/community.js';
import { NotFoundError, ValidationError } from '../../kernel/errors.js';
import type { Directory } from '../../kernel/ports/directory.js';
import type { ApiToken } from './domain/api-token.js';
import type { ApiTokenService } from './domain/api-token.service.js';

/** The parts of this capability its commands use (index.ts hands over all of them). */
type ApiTokensCliParts = { tokens: ApiTokenService };

/**
 * `kring tokens …`: the admin API's tokens, through the same service the API checks them with (never the
 * HTTP API itself). A token's secret is printed once, at creation; nothing can show it again.
 */

/** The organisation with this slug; a clear error when there is none. */
export async function findOrganization(repos: Pick<Directory, 'organizations'>, slug: string): Promise<Organization> {
  const org = await repos.organizations.findBySlug(slug);
  if (!org) throw new NotFoundError('API.ORGANIZATION_NOT_FOUND', `Organisation "${slug}" does not exist (see: kring org list).`);
  return org;
}

const date = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 16) : '-');

function tokenRow(t: ApiToken, slugs: ReadonlyMap<string, string>): string[] {
  return [t.id, slugs.get(t.organizationId) ?? t.organizationId, t.name, t.scopes.join(','), date(t.createdAt), date(t.lastUsedAt), t.revokedAt ? `revoked ${date(t.revokedAt)}` : 'active'];
}

async function services(ctx: CliHost<ApiTokensCliParts>) {
  return { repos: await ctx.directory(), tokens: (await ctx.parts()).tokens };
}

/** Registers `tokens` on the `kring` program. */
export function registerTokensCli(program: Command, ctx: CliHost<ApiTokensCliParts>): void {
  const tokens = program.command('tokens').description('admin API tokens (per organisation, scoped, revocable)').exitOverride();
  tokens
    .command('create')
    .description('create an API token; the token is shown once, store it in the system that calls the API')
    .requiredOption('--org <slug>', 'organisation the token works for')
    .requiredOption('--name <name>', 'what uses the token, e.g. "CRM sync"')
    .requiredOption('--scope <scopes>', `comma-separated: ${ctx.apiScopes.join(', ')}`)
    .option('--json', 'print JSON on stdout')
    .action(async (opts: { org: string; name: string; scope: string; json?: boolean }) => {
      const { scopes, unknown } = parseScopeList(opts.scope, ctx.apiScopes);
      if (unknown.length > 0) {
        throw new ValidationError([{ path: 'scope', message: `unknown scope ${unknown.join(', ')}; scopes: ${ctx.apiScopes.join(', ')}` }]);
      }
      const s = await services(ctx);
      const org = await findOrganization(s.repos, opts.org);
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
      const org = opts.org === undefined ? undefined : await findOrganization(s.repos, opts.org);
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
      ctx.out(plainTable(['ID', 'ORG', 'NAME', 'SCOPES', 'CREATED', 'LAST USED', 'STATE'], list.map((t) => tokenRow(t, slugs))));
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
}
