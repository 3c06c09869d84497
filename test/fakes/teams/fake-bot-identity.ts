import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { close, listen, readBody, sendJson } from './http-util.js';

/**
 * The identity side of the Bot Framework, faked on 127.0.0.1 so that real token validation runs offline:
 * - an OpenID metadata document whose `jwks_uri` lists an RS256 key endorsed for `msteams` (what
 *   botbuilder fetches to validate inbound tokens);
 * - an OAuth token endpoint issuing outbound (bot -> connector) tokens for the client-credentials grant;
 * - a signer that mints channel tokens the way the Bot Connector does (iss, aud = app id, serviceurl).
 *
 * botbuilder caches OpenID keys per metadata URL for 24 h, process-wide: start one per suite (each gets a
 * fresh port, hence a fresh URL).
 *
 * @see https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication
 */

/** The issuer the fake signs with (Bot Connector's real one). */
export const CHANNEL_TOKEN_ISSUER = 'https://api.botframework.com';

export interface ChannelTokenOptions {
  /** `serviceurl` claim: must equal the activity's serviceUrl exactly. */
  serviceUrl: string;
  /** Defaults to the app id the identity was made for. */
  audience?: string;
  issuer?: string;
  /** Seconds from now; negative for an expired token. Default 3600. */
  expiresInSeconds?: number;
  /** Seconds from now the token becomes valid; default -60. */
  notBeforeSeconds?: number;
  /** Sign with a key that is not in the published key set (under the published kid, or `other-kid`). */
  foreignKey?: 'same-kid' | 'other-kid';
}

export interface FakeBotIdentityOptions {
  appId: string;
  appPassword: string;
  tenant?: string;
}

export class FakeBotIdentity {
  /** Outbound tokens issued by the token endpoint. */
  readonly issuedTokens = new Set<string>();
  /** Client-credential requests seen (client id and scope only). */
  readonly tokenRequests: { clientId: string | null; scope: string | null; ok: boolean }[] = [];
  readonly kid = `kring-test-${randomBytes(4).toString('hex')}`;
  private server: Server | undefined;
  private base = '';
  private keys!: { privateKey: CryptoKey; jwk: JWK };
  private foreign!: { privateKey: CryptoKey };

  constructor(private readonly options: FakeBotIdentityOptions) {}

  async start(): Promise<this> {
    const pair = await generateKeyPair('RS256', { extractable: true });
    const jwk = await exportJWK(pair.publicKey);
    this.keys = { privateKey: pair.privateKey, jwk };
    this.foreign = { privateKey: (await generateKeyPair('RS256')).privateKey };
    const { server, baseUrl } = await listen((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? '/', baseUrl);
        if (req.method === 'GET' && url.pathname === '/v1/.well-known/openidconfiguration') {
          return sendJson(res, 200, {
            issuer: CHANNEL_TOKEN_ISSUER,
            authorization_endpoint: `${baseUrl}/authorize`,
            jwks_uri: `${baseUrl}/v1/.well-known/keys`,
            id_token_signing_alg_values_supported: ['RS256'],
            token_endpoint_auth_methods_supported: ['private_key_jwt'],
          });
        }
        if (req.method === 'GET' && url.pathname === '/v1/.well-known/keys') {
          return sendJson(res, 200, {
            keys: [{ ...this.keys.jwk, kid: this.kid, use: 'sig', alg: 'RS256', endorsements: ['msteams'] }],
          });
        }
        if (req.method === 'POST' && url.pathname.endsWith('/oauth2/v2.0/token')) {
          const form = new URLSearchParams(await readBody(req));
          const ok =
            form.get('grant_type') === 'client_credentials' &&
            form.get('client_id') === this.options.appId &&
            form.get('client_secret') === this.options.appPassword;
          this.tokenRequests.push({ clientId: form.get('client_id'), scope: form.get('scope'), ok });
          if (!ok) return sendJson(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
          const token = `fake-outbound-${randomBytes(16).toString('hex')}`;
          this.issuedTokens.add(token);
          return sendJson(res, 200, { token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600, access_token: token });
        }
        sendJson(res, 404, { error: 'not_found' });
      })().catch(() => sendJson(res, 500, { error: 'fake_error' }));
    });
    this.server = server;
    this.base = baseUrl;
    return this;
  }

  async stop(): Promise<void> {
    if (this.server) await close(this.server);
    this.server = undefined;
  }

  get baseUrl(): string {
    return this.base;
  }

  /** OpenID metadata URL for `openIdMetadataUrl` (ToBotFromChannelOpenIdMetadataUrl). */
  get openIdMetadataUrl(): string {
    return `${this.base}/v1/.well-known/openidconfiguration`;
  }

  /** Token endpoint for outbound tokens (`tokenEndpoint`). */
  get tokenEndpoint(): string {
    return `${this.base}/${this.options.tenant ?? 'botframework.com'}/oauth2/v2.0/token`;
  }

  /** The Teams adapter settings that point all authentication here. */
  get settings(): { appId: string; appPassword: string; openIdMetadataUrl: string; tokenIssuer: string; loginUrl: string; oauthScope: string; tokenEndpoint: string } {
    return {
      appId: this.options.appId,
      appPassword: this.options.appPassword,
      openIdMetadataUrl: this.openIdMetadataUrl,
      tokenIssuer: CHANNEL_TOKEN_ISSUER,
      loginUrl: `${this.base}/${this.options.tenant ?? 'botframework.com'}`,
      oauthScope: 'https://api.botframework.com',
      tokenEndpoint: this.tokenEndpoint,
    };
  }

  /** Whether the connector should accept this bearer token (it was issued here). */
  accepts = (token: string): boolean => this.issuedTokens.has(token);

  /** Mints a channel -> bot token like the Bot Connector service does. */
  async signChannelToken(options: ChannelTokenOptions): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const key = options.foreignKey ? this.foreign.privateKey : this.keys.privateKey;
    const kid = options.foreignKey === 'other-kid' ? 'unknown-kid' : this.kid;
    return new SignJWT({ serviceurl: options.serviceUrl })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid, x5t: kid })
      .setIssuer(options.issuer ?? CHANNEL_TOKEN_ISSUER)
      .setAudience(options.audience ?? this.options.appId)
      .setIssuedAt(now)
      .setNotBefore(now + (options.notBeforeSeconds ?? -60))
      .setExpirationTime(now + (options.expiresInSeconds ?? 3600))
      .sign(key);
  }
}
