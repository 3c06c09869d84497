/**
 * Child process of bench/poll-votes.bench.ts: Slack's side, out of the measured processes so that it
 * neither competes for their event loops nor counts in their CPU time. It runs
 *  - the fake Slack Web API and `response_url` receiver (FakeSlackApi), shared by every system under test;
 *  - the load generator: signs and sends `block_actions` to a system's `/slack/events` at a fixed rate
 *    (open loop: sent on schedule whether or not earlier ones were answered) over keep-alive connections,
 *    timing each HTTP answer (the acknowledgement), and matching the confirmations that arrive on the
 *    presses' response_urls (sent after the vote was stored, by both systems);
 *  - slash commands (`/kring poll create|close`) for the bench's set-up.
 * Talks to the parent over IPC (fork). Times are `performance.timeOrigin + performance.now()`.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { FAKE_SLACK, FakeSlackApi } from '../test/fakes/slack/fake-slack-api.js';
import { loadSlackFixture, SlackRequestSender } from '../test/fakes/slack/slack-requests.js';

export type DriverRequest =
  | { type: 'connect'; target: string; eventsUrl: string; signingSecret: string }
  | { type: 'command'; target: string; text: string; userId: string }
  | { type: 'latestPoll' }
  | { type: 'users'; userIds: string[]; locale: string }
  | {
      type: 'phase';
      target: string;
      rate: number;
      seconds: number;
      userIds: string[];
      /** `random`: a random member per press; `each`: the members in turn (the warm-up presses as each once). */
      order: 'random' | 'each';
      values: string[];
      labels: string[];
      messageTs: string;
      confirmation: string;
      drainMs: number;
    }
  | { type: 'edits' }
  | { type: 'stop' };

/** What one phase measured, from Slack's side. */
export interface PhaseMeasurement {
  sent: number;
  /** HTTP 200 answers (acknowledgements). */
  acked: number;
  /** Non-200 answers and failed requests. */
  ackErrors: number;
  /** Those by reason: `HTTP <status>` or the socket error's code. */
  ackFailures: Record<string, number>;
  /** Acknowledgement times, ms, sorted. */
  ackMs: number[];
  /** Confirmations on the response_urls that read as a stored vote. */
  confirmed: number;
  /** Other texts that arrived on a response_url (refusals, errors). */
  otherReplies: number;
  /** Press to confirmation, ms, sorted. */
  confirmMs: number[];
  /** From the first press to the last confirmation (or to the end of sending), ms. */
  spanMs: number;
  /** When the phase started and ended (absolute ms), for the parent's CPU window. */
  startedAt: number;
  endedAt: number;
  driverCpuMs: number;
  /** How late the driver sent presses against the schedule (p99, ms): above a few ms, the driver is the bottleneck. */
  sendLagP99Ms: number;
  /** The driver's own event-loop delay (p99, ms). */
  driverLoopDelayP99Ms: number;
}

export type DriverReply =
  | { type: 'ready'; apiUrl: string }
  | { type: 'connected' }
  | { type: 'users' }
  | { type: 'command'; status: number; reply: string }
  | { type: 'latestPoll'; pollId: string; messageTs: string; labels: string[] }
  | ({ type: 'phaseDone' } & PhaseMeasurement)
  | { type: 'edits'; count: number };

const now = (): number => performance.timeOrigin + performance.now();
const send = (m: DriverReply): void => void process.send!(m);

/** One target's press sender: a prepared payload, signed per press, over keep-alive sockets. */
class PressSender {
  private readonly url: URL;
  private agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256 });
  private readonly template = loadSlackFixture<Record<string, unknown> & { actions: Record<string, unknown>[]; container: Record<string, unknown>; user: Record<string, unknown> }>('block-actions');

  constructor(
    eventsUrl: string,
    private readonly signingSecret: string,
    private readonly fake: FakeSlackApi,
  ) {
    this.url = new URL(eventsUrl);
  }

  /**
   * Fresh connections for the next phase: a socket left idle since the last one may be closed by the server
   * (its keep-alive timeout) just as a press goes out on it, which would count as a failed press.
   */
  reconnect(): void {
    this.agent.destroy();
    this.agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256 });
  }

  /** Sends one press; resolves with the HTTP status (or the socket error's code) and its response_url id. */
  press(input: { userId: string; value: string; label: string; messageTs: string }): { responseId: string; answered: Promise<number | string> } {
    const responseUrl = this.fake.createResponseUrl({ teamId: FAKE_SLACK.teamId, channelId: FAKE_SLACK.channelId, userId: input.userId, messageTs: input.messageTs });
    const payload = {
      ...this.template,
      trigger_id: `${Date.now()}.${randomBytes(12).toString('hex')}`,
      response_url: responseUrl,
      user: { ...this.template.user, id: input.userId },
      container: { ...this.template.container, message_ts: input.messageTs, channel_id: FAKE_SLACK.channelId },
      actions: [{ ...this.template.actions[0], action_id: 'poll.vote', value: input.value, text: { type: 'plain_text', text: input.label, emoji: true } }],
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const ts = Math.floor(Date.now() / 1000);
    const signature = `v0=${createHmac('sha256', this.signingSecret).update(`v0:${ts}:${body}`).digest('hex')}`;
    const answered = new Promise<number | string>((resolve) => {
      const req = request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            // Bare content type, as Slack sends it (Bolt refuses `; charset=utf-8` on form posts).
            'Content-Type': 'application/x-www-form-urlencoded',
            'Content-Length': Buffer.byteLength(body),
            'X-Slack-Request-Timestamp': String(ts),
            'X-Slack-Signature': signature,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'response error'));
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'request error'));
      req.end(body);
    });
    return { responseId: responseUrl.slice(responseUrl.lastIndexOf('/') + 1), answered };
  }
}

async function main(): Promise<void> {
  const fake = await FakeSlackApi.start();
  const senders = new Map<string, { presses: PressSender; commands: SlackRequestSender }>();

  const runPhase = async (m: Extract<DriverRequest, { type: 'phase' }>): Promise<PhaseMeasurement> => {
    const target = senders.get(m.target)!;
    target.presses.reconnect();
    const ackMs: number[] = [];
    const sentAt = new Map<string, number>();
    let ackErrors = 0;
    const ackFailures: Record<string, number> = {};
    let sent = 0;
    const pending: Promise<void>[] = [];
    const total = m.rate * m.seconds;
    const cursor = fake.responses.length;
    const sendLag: number[] = [];
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const cpuStart = process.cpuUsage();
    const startedAt = now();
    const start = performance.now();
    await new Promise<void>((resolve) => {
      // Every 5 ms, send the presses due by now.
      const timer = setInterval(() => {
        const elapsed = performance.now() - start;
        const due = Math.min(total, Math.floor((elapsed / 1000) * m.rate));
        while (sent < due) {
          // When this press was due, against when it goes out.
          sendLag.push(elapsed - (sent / m.rate) * 1000);
          const userId = m.userIds[m.order === 'each' ? sent % m.userIds.length : Math.floor(Math.random() * m.userIds.length)]!;
          const option = Math.floor(Math.random() * m.values.length);
          const t0 = performance.now();
          sent++;
          const { responseId, answered } = target.presses.press({ userId, value: m.values[option]!, label: m.labels[option]!, messageTs: m.messageTs });
          sentAt.set(responseId, now());
          pending.push(
            answered.then((status) => {
              if (status === 200) return void ackMs.push(performance.now() - t0);
              ackErrors++;
              const reason = typeof status === 'number' ? `HTTP ${status}` : status;
              ackFailures[reason] = (ackFailures[reason] ?? 0) + 1;
            }),
          );
        }
        if (sent >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    await Promise.all(pending);
    const sendingEnded = now();

    // Confirmations: wait until every acknowledged press has one, or the drain time is over.
    const confirmMs: number[] = [];
    let confirmed = 0;
    let otherReplies = 0;
    let lastConfirmation = startedAt;
    let read = cursor;
    const collect = (): void => {
      for (; read < fake.responses.length; read++) {
        const r = fake.responses[read]!;
        const at = sentAt.get(r.id);
        if (at === undefined) continue;
        const text = typeof r.body.text === 'string' ? r.body.text : '';
        if (r.status === 200 && text.includes(m.confirmation)) {
          confirmed++;
          const t = r.at.getTime();
          confirmMs.push(t - at);
          lastConfirmation = Math.max(lastConfirmation, t);
        } else {
          otherReplies++;
        }
      }
    };
    const drainUntil = performance.now() + m.drainMs;
    collect();
    while (confirmed + otherReplies < ackMs.length && performance.now() < drainUntil) {
      await new Promise((r) => setTimeout(r, 20));
      collect();
    }
    const cpu = process.cpuUsage(cpuStart);
    loopDelay.disable();
    sendLag.sort((a, b) => a - b);
    return {
      sent,
      acked: ackMs.length,
      ackErrors,
      ackFailures,
      ackMs: ackMs.sort((a, b) => a - b),
      confirmed,
      otherReplies,
      confirmMs: confirmMs.sort((a, b) => a - b),
      spanMs: Math.max(lastConfirmation, sendingEnded) - startedAt,
      startedAt,
      endedAt: now(),
      driverCpuMs: (cpu.user + cpu.system) / 1000,
      sendLagP99Ms: sendLag[Math.floor(sendLag.length * 0.99)] ?? 0,
      driverLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    };
  };

  process.on('message', (m: DriverRequest) => {
    void (async () => {
      if (m.type === 'connect') {
        senders.set(m.target, {
          presses: new PressSender(m.eventsUrl, m.signingSecret, fake),
          commands: new SlackRequestSender({ eventsUrl: m.eventsUrl, signingSecret: m.signingSecret, fake }),
        });
        send({ type: 'connected' });
      } else if (m.type === 'command') {
        const sent = await senders.get(m.target)!.commands.slashCommand(m.text, { user_id: m.userId, channel_id: FAKE_SLACK.channelId });
        let reply = '';
        for (let i = 0; i < 400 && reply === ''; i++) {
          const answer = fake.responsesTo(sent.responseUrl)[0];
          if (answer) reply = typeof answer.body.text === 'string' ? answer.body.text : JSON.stringify(answer.body);
          else await new Promise((r) => setTimeout(r, 25));
        }
        send({ type: 'command', status: sent.status, reply });
      } else if (m.type === 'latestPoll') {
        // The newest message in the channel with vote buttons: the poll Kring just posted.
        for (let i = 0; i < 400; i++) {
          const message = fake
            .storedMessages(FAKE_SLACK.channelId)
            .reverse()
            .find((s) => JSON.stringify(s.blocks).includes('"poll.vote'));
          const buttons = message ? buttonsOf(message.blocks) : [];
          const pollId = buttons[0]?.value.split(':')[0];
          if (message && pollId) {
            send({ type: 'latestPoll', pollId, messageTs: message.ts, labels: buttons.map((b) => b.text) });
            return;
          }
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error('no poll message arrived on the fake Slack');
      } else if (m.type === 'users') {
        // The members exist in the workspace, as real ones do (users.info answers with their locale).
        for (const id of m.userIds) fake.addUser({ id, teamId: FAKE_SLACK.teamId, name: id.toLowerCase(), realName: `Lid ${id}`, locale: m.locale });
        send({ type: 'users' });
      } else if (m.type === 'edits') {
        send({ type: 'edits', count: fake.callsTo('chat.update').length });
      } else if (m.type === 'stop') {
        await fake.stop();
        process.exit(0);
      } else if (m.type === 'phase') {
        send({ type: 'phaseDone', ...(await runPhase(m)) });
      }
    })().catch((err: unknown) => {
      console.error('slack driver:', err);
      process.exit(1);
    });
  });
  send({ type: 'ready', apiUrl: fake.apiUrl });
}

/** The buttons of a Block Kit message: value and label. */
function buttonsOf(blocks: unknown[]): { value: string; text: string }[] {
  const out: { value: string; text: string }[] = [];
  for (const block of blocks as { type?: string; elements?: { type?: string; value?: string; text?: { text?: string } }[] }[]) {
    if (block.type !== 'actions') continue;
    for (const e of block.elements ?? []) if (e.type === 'button' && e.value) out.push({ value: e.value, text: e.text?.text ?? '' });
  }
  return out;
}

void main();
