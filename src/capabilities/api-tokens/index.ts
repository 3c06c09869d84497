import { defineCapability, type CapabilityContext, type CapabilityParts } from '../../capability.js';
import { registerTokensCli } from './cli.js';
import { ApiTokenService } from './domain/api-token.service.js';
import { PrismaApiTokenRepository } from './repository/prisma-api-token.repository.js';

/** What the api-tokens capability built. */
export interface ApiTokensParts extends CapabilityParts {
  tokens: ApiTokenService;
}

/**
 * API tokens: per organisation, scoped, revocable bearer tokens for the admin API (`kring tokens …`).
 * The admin API (src/http/api) checks every request's token through the `apiTokens` part.
 */
export const apiTokens = defineCapability({
  name: 'api-tokens',
  build(ctx: CapabilityContext): ApiTokensParts {
    const tokens = new ApiTokenService({
      tokens: ctx.repository(PrismaApiTokenRepository),
      organizations: ctx.directory.organizations,
      clock: ctx.clock,
      scopes: ctx.apiScopes,
    });
    return { tokens, apiTokens: tokens };
  },
  cli: (program, host) => registerTokensCli(program, host),
});
