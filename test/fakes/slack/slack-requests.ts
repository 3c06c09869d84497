import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FAKE_SLACK, type FakeSlackApi } from './fake-slack-api.js';

/**
 * Plays Slack's side of inbound traffic: signs and sends real HTTP requests to Kring's `/slack/events`, built
 * from the recorded payloads in adapters/slack/fixtures. Signing is implemented here independently of the
 * adapter (https://docs.slack.dev/authentication/verifying-requests-from-slack), so a bug there cannot
 * make its own tests pass.
 */

const FIXTURES = new URL('../../../adapters/slack/fixtures/', import.meta.url);

/** A recorded Slack payload from adapters/slack/fixtures (`name` without `.json`), as a fresh copy. */
export function loadSlackFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as T;
}

/** `v0=` + hex HMAC-SHA256 over `v0:<timestamp>:<body>`. */
export function signSlackRequest(signingSecret: string, timestampSeconds: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:${body}`).digest('hex')}`;
}

export interface SendOptions {
  /** Request timestamp (seconds); default now. */
  timestampSeconds?: number;
  /** Replaces the computed signature (forgery tests); `null` leaves the header out. */
  signature?: string | null;
  /** Signs with another secret. */
  signingSecret?: string;
  /** `X-Slack-Retry-Num`, as on Slack's retried event deliveries. */
  retryNum?: number;
  headers?: Record<string, string>;
}

export interface SlackHttpResult {
  status: number;
  text: string;
  headers: Headers;
}

export interface SentInteraction extends SlackHttpResult {
  /** The response_url put in the payload (on the fake), to read back what Kring replied. */
  responseUrl: string;
  triggerId: string;
}

function uniqueTriggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e13)}.${randomBytes(16).toString('hex')}`;
}

export class SlackRequestSender {
  constructor(
    private readonly target: {
      /** Full URL of `/slack/events` on the server under test. */
      eventsUrl: string;
      signingSecret: string;
      /** The fake whose response_urls go in the payloads. */
      fake: FakeSlackApi;
    },
  ) {}

  /** Sends a raw body with Slack's headers. Content types are sent bare, as Slack does. */
  async send(body: string, contentType: string, options: SendOptions = {}): Promise<SlackHttpResult> {
    const ts = options.timestampSeconds ?? Math.floor(Date.now() / 1000);
    const signature =
      options.signature === undefined ? signSlackRequest(options.signingSecret ?? this.target.signingSecret, ts, body) : options.signature;
    const headers: Record<string, string> = {
      'Content-Type': contentType,
      'X-Slack-Request-Timestamp': String(ts),
      'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...(signature === null ? {} : { 'X-Slack-Signature': signature }),
      ...(options.retryNum === undefined ? {} : { 'X-Slack-Retry-Num': String(options.retryNum), 'X-Slack-Retry-Reason': 'http_timeout' }),
      ...options.headers,
    };
    const res = await fetch(this.target.eventsUrl, { method: 'POST', headers, body });
    return { status: res.status, text: await res.text(), headers: res.headers };
  }

  /** A `/kring <text>` slash command (form fields, like Slack). */
  async slashCommand(text: string, overrides: Record<string, string> = {}, options: SendOptions = {}): Promise<SentInteraction> {
    const fields = loadSlackFixture<Record<string, string>>('slash-command');
    const triggerId = overrides.trigger_id ?? uniqueTriggerId();
    const responseUrl = this.target.fake.createResponseUrl({
      teamId: overrides.team_id ?? fields.team_id ?? FAKE_SLACK.teamId,
      channelId: overrides.channel_id ?? fields.channel_id,
      userId: overrides.user_id ?? fields.user_id,
    });
    const body = new URLSearchParams({ ...fields, text, trigger_id: triggerId, response_url: responseUrl, ...overrides }).toString();
    const result = await this.send(body, 'application/x-www-form-urlencoded', options);
    return { ...result, responseUrl, triggerId };
  }

  /**
   * A button press (block_actions, `payload=<json>`) on a message, from the fixture with the action and
   * message replaced.
   */
  async blockAction(
    action: { actionId: string; value?: string; messageTs?: string; channelId?: string; userId?: string },
    options: SendOptions = {},
  ): Promise<SentInteraction> {
    const payload = loadSlackFixture<Record<string, unknown> & { actions: Record<string, unknown>[]; container: Record<string, unknown>; user: Record<string, unknown>; channel: Record<string, unknown> }>('block-actions');
    const triggerId = uniqueTriggerId();
    const channelId = action.channelId ?? FAKE_SLACK.channelId;
    const messageTs = action.messageTs ?? String(payload.container.message_ts);
    const responseUrl = this.target.fake.createResponseUrl({ teamId: FAKE_SLACK.teamId, channelId, userId: action.userId ?? FAKE_SLACK.userId, messageTs });
    payload.trigger_id = triggerId;
    payload.response_url = responseUrl;
    payload.container = { ...payload.container, message_ts: messageTs, channel_id: channelId };
    payload.channel = { ...payload.channel, id: channelId };
    if (action.userId) payload.user = { ...payload.user, id: action.userId };
    payload.actions = [{ ...payload.actions[0], action_id: action.actionId, ...(action.value === undefined ? {} : { value: action.value }) }];
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const result = await this.send(body, 'application/x-www-form-urlencoded', options);
    return { ...result, responseUrl, triggerId };
  }

  /**
   * The submission of a modal Kring opened (view_submission, `payload=<json>`): callback_id and
   * private_metadata taken from the opened view, `values` as typed into its inputs.
   */
  async viewSubmission(
    view: Record<string, unknown>,
    values: Record<string, string>,
    user: { userId?: string; userName?: string } = {},
    options: SendOptions = {},
  ): Promise<SentInteraction> {
    const payload = loadSlackFixture<Record<string, unknown> & { user: Record<string, unknown>; view: Record<string, unknown> }>('view-submission');
    const triggerId = uniqueTriggerId();
    payload.trigger_id = triggerId;
    if (user.userId) payload.user = { ...payload.user, id: user.userId, name: user.userName ?? payload.user.name };
    const blocks = Array.isArray(view.blocks) ? (view.blocks as { block_id?: string; element?: { action_id?: string; type?: string; options?: { text: unknown; value: string }[] } }[]) : [];
    const state: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const b of blocks) {
      const el = b.element;
      if (!b.block_id || !el?.action_id) continue;
      const typed = values[el.action_id];
      // Selects come back as Slack sends them: the chosen option objects (values given comma-joined here).
      const chosen = (typed ?? '').split(',').filter((v) => v !== '').map((v) => el.options?.find((o) => o.value === v) ?? { text: { type: 'plain_text', text: v }, value: v });
      if (el.type === 'static_select') state[b.block_id] = { [el.action_id]: { type: 'static_select', selected_option: chosen[0] ?? null } };
      else if (el.type === 'multi_static_select') state[b.block_id] = { [el.action_id]: { type: 'multi_static_select', selected_options: chosen } };
      else state[b.block_id] = { [el.action_id]: { type: 'plain_text_input', value: typed ?? null } };
    }
    payload.view = { ...payload.view, callback_id: view.callback_id, private_metadata: view.private_metadata ?? '', title: view.title, blocks: view.blocks, state: { values: state } };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const result = await this.send(body, 'application/x-www-form-urlencoded', options);
    return { ...result, responseUrl: '', triggerId };
  }

  /**
   * An Events API delivery (JSON) from a fixture (`event-…`), with a fresh event_id unless given; `event`
   * overrides fields of the inner event.
   */
  async event(
    fixture: string,
    options: SendOptions & { eventId?: string; event?: Record<string, unknown> } = {},
  ): Promise<SlackHttpResult & { eventId: string }> {
    const envelope = loadSlackFixture(fixture);
    const eventId = options.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`;
    envelope.event_id = eventId;
    if (options.event) envelope.event = { ...(envelope.event as Record<string, unknown>), ...options.event };
    const result = await this.send(JSON.stringify(envelope), 'application/json', options);
    return { ...result, eventId };
  }
}
