/** The fake Slack's data model and seed ids (see fake-slack-api.ts). */

/** Ids the fake is seeded with; fixtures in adapters/slack/fixtures use the same ones. */
export const FAKE_SLACK = {
  teamId: 'T0KRING01',
  teamName: 'Kring Test',
  domain: 'kring-test',
  botToken: 'xoxb-1111-2222-fakekringtoken',
  botUserId: 'U0KRINGBOT',
  botId: 'B0KRINGBOT',
  appId: 'A0KRING01',
  channelId: 'C0GENERAL1',
  privateChannelId: 'G0BESTUUR1',
  userId: 'U0MEMBER01',
  otherUserId: 'U0MEMBER02',
} as const;

export interface FakeSlackWorkspace {
  teamId: string;
  teamName: string;
  domain: string;
  botToken: string;
  botUserId: string;
  botId: string;
  appId: string;
}

export interface FakeSlackChannel {
  id: string;
  teamId: string;
  name: string;
  isPrivate: boolean;
  isIm: boolean;
  isArchived: boolean;
  /** The bot may only post where it is a member (no chat:write.public). */
  botIsMember: boolean;
  /** For DMs: the other person. */
  imUserId?: string;
  /** People in the channel besides the bot (conversations.invite adds, conversations.kick removes). */
  members?: Set<string>;
}

export interface FakeSlackUser {
  id: string;
  teamId: string;
  name: string;
  realName: string;
  locale?: string;
  isBot?: boolean;
}

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  metadata?: unknown;
  threadTs?: string;
  /** Author (the bot user for everything Kring sends). */
  user: string;
  deleted: boolean;
  edits: number;
}

export interface FakeEphemeral {
  channel: string | undefined;
  user: string | undefined;
  text: string;
  blocks: unknown[];
  via: 'chat.postEphemeral' | 'response_url';
}

export interface RecordedSlackCall {
  method: string;
  /** The token used (tests may assert which workspace's token). */
  token: string | undefined;
  /** Parameters with `blocks`/`metadata`/`view` decoded; the token removed. */
  params: Record<string, unknown>;
  status: number;
  /** Slack error string when the call failed. */
  error?: string;
  at: Date;
  /** A 429 the fake's rate limits answered (not an injected one). */
  enforced?: boolean;
  /** The message was stored, then the answer was an HTTP 5xx (injected at random). */
  lost?: boolean;
}

export interface ResponseUrlContext {
  teamId?: string | undefined;
  channelId?: string | undefined;
  userId?: string | undefined;
  /** The message the interaction came from (block_actions), for replace_original/delete_original. */
  messageTs?: string | undefined;
}

export interface RecordedResponse {
  id: string;
  url: string;
  body: Record<string, unknown>;
  status: number;
  at: Date;
}

export type FakeSlackFailure =
  | { type: 'rate-limited'; retryAfterSeconds?: number }
  | { type: 'http'; status: number }
  | { type: 'error'; error: string }
  /** The call does what it asks (a post is stored), then the answer is this HTTP 5xx: the caller never hears. */
  | { type: 'lost'; status?: number };

export interface FakeSlackRateLimits {
  /** chat.postMessage per channel: steady rate (Slack: about 1 per second)... */
  postMessagePerSecond: number;
  /** ...with short bursts allowed. */
  postMessageBurst: number;
  /** chat.postMessage per workspace per sliding minute (Slack: "several hundred"; default 600). */
  postMessagePerWorkspaceMinute: number;
}

/** Random HTTP 5xx on chat.postMessage, for fan-out soak tests and benchmarks. */
export interface FakeSlackRandomFailures {
  /** Share of posts answered 503 (0–1). */
  serverError: number;
  /** Share of those that store the message first (the answer is lost), 0–1. */
  afterStore?: number;
  /** Deterministic draws (default 1). */
  seed?: number;
}
