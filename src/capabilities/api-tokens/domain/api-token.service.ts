import { z } from 'zod';
import type { OrganizationRepository } from '../../../kernel/ports/directory.js';
import type { Clock } from '../../../kernel/clock.js';
import { NotFoundError } from '../../../kernel/errors.js';
import { validate } from '../../../kernel/validate.js';
import type { ApiTokenRepository } from '../ports.js';
import { generateApiTokenSecret, hashApiToken, looksLikeApiToken, type ApiToken } from './api-token.js';
import type { ApiScope } from '../../../kernel/api-access.js';

/** How often `lastUsedAt` is written for a busy token (once a minute is precise enough for "is it used?"). */
const TOUCH_INTERVAL_MS = 60_000;

/** What creating a token takes; scopes must be ones the capabilities declare. */
function createTokenSchema(known: readonly ApiScope[]) {
  return z.object({
    organizationId: z.string().min(1),
    name: z.string().trim().min(1, 'give the token a name (what uses it)').max(100),
    scopes: z
      .array(z.string().refine((s) => (known as readonly string[]).includes(s), { message: `unknown scope; scopes: ${known.join(', ')}` }))
      .min(1, 'give at least one scope')
      .max(known.length * 2),
  });
}

export interface CreateApiTokenInput {
  organizationId: string;
  name: string;
  scopes: readonly string[];
}

export interface ApiTokenServiceDeps {
  tokens: ApiTokenRepository;
  organizations: Pick<OrganizationRepository, 'findById'>;
  clock: Clock;
  /** The scopes a token may be given: the ones the capabilities declare. */
  scopes: readonly ApiScope[];
}

/**
 * Per-organisation API tokens: created with a name and scopes, the secret shown once and stored only as
 * a hash, revocable, and checked on every API request. Used by the HTTP API (authenticate) and the
 * `kring tokens` CLI (create, list, revoke).
 */
export class ApiTokenService {
  constructor(private readonly deps: ApiTokenServiceDeps) {}

  /**
   * Creates a token. The returned `secret` is the only time the token is visible: store it in the system
   * that calls the API. @throws ValidationError for a bad name or scope; NotFoundError
   * `API.ORGANIZATION_NOT_FOUND` when the organisation does not exist.
   */
  async create(input: CreateApiTokenInput): Promise<{ token: ApiToken; secret: string }> {
    const { organizationId, name, scopes } = validate(createTokenSchema(this.deps.scopes), input);
    const organization = await this.deps.organizations.findById(organizationId);
    if (!organization) throw new NotFoundError('API.ORGANIZATION_NOT_FOUND', `Organisation ${organizationId} does not exist.`);
    const secret = generateApiTokenSecret();
    const token = await this.deps.tokens.create({
      organizationId,
      name,
      tokenHash: hashApiToken(secret),
      scopes: this.deps.scopes.filter((s) => scopes.includes(s)),
      createdAt: this.deps.clock.now(),
    });
    return { token, secret };
  }

  /** Tokens of one organisation (or all), newest first, revoked ones included (marked by `revokedAt`). */
  list(organizationId?: string): Promise<ApiToken[]> {
    return this.deps.tokens.list(organizationId);
  }

  /** Revokes a token at once; idempotent. @throws NotFoundError `API.TOKEN_NOT_FOUND`. */
  async revoke(id: string): Promise<ApiToken> {
    const token = await this.deps.tokens.revoke(id, this.deps.clock.now());
    if (!token) throw new NotFoundError('API.TOKEN_NOT_FOUND', `No API token with id ${id}.`);
    return token;
  }

  /**
   * The active token this secret belongs to, or null (unknown, malformed or revoked: the caller answers
   * 401 for all three alike). Records the use at most once a minute.
   */
  async authenticate(secret: string): Promise<ApiToken | null> {
    if (!looksLikeApiToken(secret)) return null;
    const token = await this.deps.tokens.findByHash(hashApiToken(secret));
    if (!token || token.revokedAt !== null) return null;
    const now = this.deps.clock.now();
    if (token.lastUsedAt === null || now.getTime() - token.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
      await this.deps.tokens.touch(token.id, now);
    }
    return token;
  }
}
