import { ConfidentialClientApplication } from '@azure/msal-node';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import {
  AuthenticationConstants,
  BotFrameworkAuthentication,
  MsalServiceClientCredentialsFactory,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorClient,
  type ConnectorFactory,
  type UserTokenClient,
} from 'botframework-connector';
import type { TeamsSettings } from './config.js';

/**
 * botbuilder wiring: authentication (inbound JWT validation, outbound tokens) and the CloudAdapter.
 * With the index, the only files that import the SDK.
 *
 * @see https://learn.microsoft.com/azure/bot-service/bot-builder-authentication
 */

/** The name @azure/core-rest-pipeline gives its retry policy (throttling + exponential, 3 retries). */
const PIPELINE_RETRY_POLICY = 'defaultRetryPolicy';

/**
 * A CloudAdapter that runs a turn for a request Kring authenticated itself. `CloudAdapter.process`
 * answers 500 for several invalid tokens and writes them to console.error; authenticating first lets
 * the route answer 401 for every authentication failure.
 */
export class KringCloudAdapter extends CloudAdapter {
  /** Runs the turn; resolves with the invoke response botbuilder collected, if any. */
  runAuthenticated(auth: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, activity, logic);
  }
}

/**
 * Builds the Bot Framework authentication from Kring's settings. Without an app id: auth off
 * (emulator mode). With endpoint overrides: every endpoint set, defaults for the rest (botbuilder
 * leaves unset ones undefined as soon as one is given). With a token endpoint: MSAL pointed at it as
 * a known authority, so nothing contacts Microsoft's login host.
 */
export function createBotFrameworkAuthentication(settings: TeamsSettings): BotFrameworkAuthentication {
  if (!settings.appId) return new WithoutPipelineRetries(new ConfigurationBotFrameworkAuthentication({}));
  const options: ConfigurationBotFrameworkAuthenticationOptions & Record<string, string> = {
    MicrosoftAppId: settings.appId,
    MicrosoftAppType: settings.appType === 'UserAssignedMSI' ? 'UserAssignedMsi' : settings.appType,
    ...(settings.appPassword ? { MicrosoftAppPassword: settings.appPassword } : {}),
    ...(settings.tenantId ? { MicrosoftAppTenantId: settings.tenantId } : {}),
  };
  if (settings.openIdMetadataUrl || settings.tokenIssuer || settings.loginUrl || settings.oauthScope) {
    Object.assign(options, {
      ToBotFromChannelOpenIdMetadataUrl: settings.openIdMetadataUrl ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
      ToBotFromChannelTokenIssuer: settings.tokenIssuer ?? AuthenticationConstants.ToBotFromChannelTokenIssuer,
      ToChannelFromBotLoginUrl: settings.loginUrl ?? AuthenticationConstants.ToChannelFromBotLoginUrl,
      ToChannelFromBotOAuthScope: settings.oauthScope ?? AuthenticationConstants.ToChannelFromBotOAuthScope,
      ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
      OAuthUrl: AuthenticationConstants.OAuthUrl,
      CallerId: 'urn:botframework:azure',
    });
  }
  const credentialsFactory = settings.tokenEndpoint ? knownAuthorityCredentials(settings, settings.tokenEndpoint) : undefined;
  return new WithoutPipelineRetries(new ConfigurationBotFrameworkAuthentication(options, credentialsFactory));
}

/**
 * Outbound credentials from MSAL with the token endpoint declared up front (knownAuthorities +
 * authorityMetadata): MSAL then skips instance discovery, which would contact login.microsoftonline.com
 * and which rejects http:// authorities.
 */
function knownAuthorityCredentials(settings: TeamsSettings, tokenEndpoint: string): MsalServiceClientCredentialsFactory {
  const endpoint = new URL(tokenEndpoint);
  const tenant = settings.tenantId ?? 'botframework.com';
  const authority = `https://${endpoint.host}/${tenant}`;
  const client = new ConfidentialClientApplication({
    auth: {
      clientId: settings.appId ?? '',
      clientSecret: settings.appPassword ?? '',
      authority,
      knownAuthorities: [endpoint.host],
      authorityMetadata: JSON.stringify({
        token_endpoint: tokenEndpoint,
        authorization_endpoint: `${endpoint.origin}/${tenant}/oauth2/v2.0/authorize`,
        issuer: `${endpoint.origin}/${tenant}/v2.0`,
        jwks_uri: `${endpoint.origin}/${tenant}/discovery/v2.0/keys`,
      }),
    },
  });
  // The ESM and CommonJS builds of msal-node declare distinct (identical) class types; botbuilder only
  // calls acquireTokenByClientCredential on it.
  return new MsalServiceClientCredentialsFactory(settings.appId ?? '', client as unknown as ConstructorParameters<typeof MsalServiceClientCredentialsFactory>[1]);
}

/**
 * Delegates to botbuilder's authentication, but strips the HTTP pipeline's built-in retry policy from
 * every ConnectorClient it makes. That policy silently waits out a 429's Retry-After and retries 5xx
 * three times; Kring's queue owns retries (with the wait the platform asked for), and the adapter
 * retries only its immediate replies, explicitly.
 */
class WithoutPipelineRetries extends BotFrameworkAuthentication {
  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateRequest(activity, authHeader);
    return result.connectorFactory ? { ...result, connectorFactory: withoutRetries(result.connectorFactory) } : result;
  }

  override async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
    return result.connectorFactory ? { ...result, connectorFactory: withoutRetries(result.connectorFactory) } : result;
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return withoutRetries(this.inner.createConnectorFactory(claimsIdentity));
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.inner.createUserTokenClient(claimsIdentity);
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }
}

function withoutRetries(factory: ConnectorFactory): ConnectorFactory {
  return {
    async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
      const client = await factory.create(serviceUrl, audience);
      // `client` is private in botbuilder-stdlib's typings; the pipeline is @azure/core-rest-pipeline's.
      const pipeline = (client as unknown as { client?: { pipeline?: { removePolicy(options: { name: string }): unknown } } }).client?.pipeline;
      if (!pipeline) throw new Error('botbuilder ConnectorClient has no HTTP pipeline to configure (SDK changed?)');
      pipeline.removePolicy({ name: PIPELINE_RETRY_POLICY });
      return client;
    },
  };
}
