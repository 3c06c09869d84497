import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import express from 'express';
import { createTeamsPlatform, type TeamsPlatform } from '../../../adapters/teams/index.js';
import type { InboundEvent, InboundHandler, Reply } from '../../../src/kernel/ports/chat-platform.js';
import type { Logger } from '../../../src/kernel/ports/logger.js';
import type { ConversationReferenceRepository } from '../../../src/kernel/ports/directory.js';
import type { Platform } from '../../../src/kernel/types.js';
import { FakeBotConnector, type ConnectorActivity } from './fake-bot-connector.js';
import { FakeBotIdentity, type ChannelTokenOptions } from './fake-bot-identity.js';
import { close, listen } from './http-util.js';

/**
 * One harness for the Teams adapter's end-to-end and contract tests: the real adapter and botbuilder,
 * mounted on an Express 5 app with express.json() (as Kring's server does), talking to a fake Bot
 * Connector and (with auth on) a fake OpenID key set + token endpoint, all on fresh 127.0.0.1 ports.
 */

export const TEST_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const TEST_CHANNEL = '19:d8f4a1c2b3e54f6a9b0c1d2e3f4a5b6c@thread.tacv2';
export const TEST_PERSONAL_CHAT = 'a:1pQ8Zr3vX0bN5kT2mL7yH4cW9dE6fG1sA3uJ8oI0nB5xV2zK7qR4tY9wM6eP1lC';
/** Jan Jansen in the fixtures. */
export const TEST_USER = { teamsId: '29:1Xk3Zg0Qp8xv5lB2uYkYtV4uGq0m9aR3nFZkT7yQwE1s-8Pzq1dH5cJ2aL0vN6mR', aadObjectId: '6b1f8e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b' };
const FIXTURE_BOT_ID = '28:3c9b1f1e-7c1a-4a0b-9a8e-5a1e1b2c3d4e';

/** Keeps references in memory (the Prisma one is tested by the repository contract suite). */
export class InMemoryConversationReferenceRepository implements ConversationReferenceRepository {
  readonly rows = new Map<string, unknown>();
  async save(platform: Platform, workspace: string, scopeKey: string, reference: unknown): Promise<void> {
    this.rows.set(`${platform}|${workspace}|${scopeKey}`, structuredClone(reference));
  }
  async find(platform: Platform, workspace: string, scopeKey: string): Promise<unknown> {
    const value = this.rows.get(`${platform}|${workspace}|${scopeKey}`);
    return value === undefined ? null : structuredClone(value);
  }
}

/** Records every event and answers with `reply(event)`. */
export class RecordingInboundHandler implements InboundHandler {
  readonly events: InboundEvent[] = [];
  reply: (event: InboundEvent) => Reply | undefined | Promise<Reply | undefined> = () => undefined;
  async handle(event: InboundEvent): Promise<Reply | undefined> {
    this.events.push(event);
    return this.reply(event);
  }
}

/** A Logger that keeps lines in memory (assertions on warnings, quiet test output). */
export class MemoryLogger implements Logger {
  constructor(
    private readonly bindings: Record<string, unknown> = {},
    /** Shared with children, so a test sees what they log. */
    readonly lines: { level: string; obj: object; msg: string | undefined }[] = [],
  ) {}
  private log(level: string, objOrMsg: object | string, msg?: string): void {
    if (typeof objOrMsg === 'string') this.lines.push({ level, obj: { ...this.bindings }, msg: objOrMsg });
    else this.lines.push({ level, obj: { ...this.bindings, ...objOrMsg }, msg });
  }
  debug(objOrMsg: object | string, msg?: string): void {
    this.log('debug', objOrMsg, msg);
  }
  info(objOrMsg: object | string, msg?: string): void {
    this.log('info', objOrMsg, msg);
  }
  warn(objOrMsg: object | string, msg?: string): void {
    this.log('warn', objOrMsg, msg);
  }
  error(objOrMsg: object | string, msg?: string): void {
    this.log('error', objOrMsg, msg);
  }
  child(bindings: Record<string, unknown>): Logger {
    return new MemoryLogger({ ...this.bindings, ...bindings }, this.lines);
  }
}

/** A fixture activity from adapters/teams/fixtures, pointed at the fake connector and the test bot. */
export function teamsFixture(name: string, serviceUrl: string, botId: string): Record<string, unknown> {
  const raw = readFileSync(new URL(`../../../adapters/teams/fixtures/${name}.json`, import.meta.url), 'utf8');
  return JSON.parse(raw.replaceAll(FIXTURE_BOT_ID, botId).replaceAll('https://smba.trafficmanager.net/emea/', serviceUrl)) as Record<string, unknown>;
}

export interface TeamsTestBedOptions {
  /** Validate JWTs and fetch outbound tokens (from the fakes). Default true. */
  auth?: boolean;
  /** Enforce Teams' per-conversation send limit in the fake connector. */
  enforceLimits?: boolean;
  /** The fake connector's clock for that limit. */
  connectorClock?: () => number;
  /** The application behind the adapter (e.g. Kring's router on Postgres); events are still recorded. */
  handler?: InboundHandler;
  /** Where references are stored (e.g. the Prisma repository); default in memory. */
  conversationReferences?: ConversationReferenceRepository;
  /** Time a press or form gets before it is answered without a reply (the adapter's default otherwise). */
  invokeDeadlineMs?: number;
  /** Microsoft Graph for members-only private channels (test/fakes/teams/fake-graph.ts). */
  graph?: { graphUrl: string; loginUrl: string };
}

export interface PostResult {
  status: number;
  body: unknown;
}

export class TeamsTestBed {
  readonly handler = new RecordingInboundHandler();
  readonly references: ConversationReferenceRepository;
  readonly logger = new MemoryLogger();
  readonly identity: FakeBotIdentity;
  readonly connector: FakeBotConnector;
  /**
   * A fresh app id per bed: botbuilder caches outbound tokens process-wide per app id + scope, so a
   * shared id would reuse a token another bed's fake identity issued.
   */
  readonly appId = randomUUID();
  sut!: TeamsPlatform;
  private app: Server | undefined;
  private appUrl = '';

  constructor(private readonly options: TeamsTestBedOptions = {}) {
    this.references = options.conversationReferences ?? new InMemoryConversationReferenceRepository();
    const app = options.handler;
    if (app) this.handler.reply = (event) => app.handle(event);
    this.identity = new FakeBotIdentity({ appId: this.appId, appPassword: 'test-secret-not-real' });
    this.connector = new FakeBotConnector({
      ...(options.enforceLimits ? { enforceLimits: true } : {}),
      ...(options.connectorClock ? { now: options.connectorClock } : {}),
      ...(this.authOn ? { acceptToken: this.identity.accepts } : {}),
    });
  }

  get authOn(): boolean {
    return this.options.auth ?? true;
  }

  /** The bot's channel account id as Teams addresses it (`28:<app id>`). */
  get botId(): string {
    return `28:${this.appId}`;
  }

  get messagesUrl(): string {
    return `${this.appUrl}/api/messages`;
  }

  async start(): Promise<this> {
    await this.identity.start();
    await this.connector.start();
    this.sut = createTeamsPlatform({
      ...(this.authOn ? this.identity.settings : {}),
      tenantId: TEST_TENANT,
      ...(this.options.invokeDeadlineMs === undefined ? {} : { invokeDeadlineMs: this.options.invokeDeadlineMs }),
      ...(this.options.graph ? { graphUrl: this.options.graph.graphUrl, graphLoginUrl: this.options.graph.loginUrl } : {}),
      handler: this.handler,
      logger: this.logger,
      conversationReferences: this.references,
    });
    const app = express();
    app.use(express.json());
    for (const route of this.sut.routes) {
      app[route.method === 'POST' ? 'post' : 'get'](route.path, (req, res, next) => route.handle(req, res, next));
    }
    const { server, baseUrl } = await listen(app);
    this.app = server;
    this.appUrl = baseUrl;
    await this.sut.start();
    return this;
  }

  async stop(): Promise<void> {
    await this.sut?.stop();
    if (this.app) await close(this.app);
    await this.connector.stop();
    await this.identity.stop();
  }

  /** A fixture activity addressed to this bed's bot and connector. */
  fixture(name: string): Record<string, unknown> {
    return teamsFixture(name, this.connector.serviceUrl, this.botId);
  }

  /** A valid channel token for this activity, with overrides (wrong audience, expired, foreign key...). */
  token(activity: Record<string, unknown>, overrides: Partial<ChannelTokenOptions> = {}): Promise<string> {
    return this.identity.signChannelToken({ serviceUrl: String(activity['serviceUrl']), ...overrides });
  }

  /**
   * POSTs an activity to /api/messages as the Bot Connector would: with a freshly signed token, unless
   * `authorization` is given (`null`: no header at all).
   */
  async send(activity: Record<string, unknown>, authorization?: string | null): Promise<PostResult> {
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    const value = authorization === undefined ? (this.authOn ? `Bearer ${await this.token(activity)}` : undefined) : authorization;
    if (value) headers['authorization'] = value;
    const res = await fetch(this.messagesUrl, { method: 'POST', headers, body: JSON.stringify(activity) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // keep the text
    }
    return { status: res.status, body };
  }

  /**
   * Registers a channel the way Teams does: the fake knows the conversation, and Kring receives the
   * conversationUpdate of being installed there (which stores the conversation reference).
   */
  async installInChannel(channelId = TEST_CHANNEL): Promise<void> {
    this.connector.addConversation(channelId, { isGroup: true, tenantId: TEST_TENANT });
    const activity = this.fixture('conversation-update-bot-added-team');
    activity['conversation'] = { isGroup: true, conversationType: 'channel', tenantId: TEST_TENANT, id: channelId };
    const res = await this.send(activity);
    if (res.status !== 200) throw new Error(`installInChannel: /api/messages answered ${res.status}`);
  }
}

/** All human-visible text of a stored activity's Adaptive Card(s), concatenated. */
export function cardText(stored: ConnectorActivity): string {
  const parts: string[] = [];
  const visit = (node: unknown, key?: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n));
    if (typeof node === 'object' && node !== null) {
      for (const [k, v] of Object.entries(node)) visit(v, k);
      return;
    }
    if (typeof node === 'string' && ['text', 'title', 'value', 'placeholder'].includes(key ?? '')) parts.push(node);
  };
  for (const attachment of (stored.activity['attachments'] as { content?: { body?: unknown; actions?: unknown } }[] | undefined) ?? []) {
    visit(attachment.content?.body);
    visit(attachment.content?.actions);
  }
  if (typeof stored.activity['text'] === 'string') parts.push(stored.activity['text']);
  return parts.join('\n');
}

/** Verbs of the Action.Execute actions on a stored activity's card(s). */
export function cardVerbs(stored: ConnectorActivity): string[] {
  const verbs: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (record['type'] === 'Action.Execute' && typeof record['verb'] === 'string') verbs.push(record['verb']);
    Object.values(record).forEach(visit);
  };
  visit(stored.activity['attachments']);
  return verbs;
}
