/**
 * Child process of bench/poll-votes.bench.ts: Slack's side of the `slack` path, out of Kring's process so
 * that it does not compete with Kring for the event loop (or count in Kring's CPU time). It runs
 *  - the fake Slack Web API and `response_url` receiver (FakeSlackApi), and
 *  - the load generator: signs and sends `block_actions` to Kring's `/slack/events` at a fixed rate
 *    (open loop), timing each HTTP answer.
 * Talks to the parent over IPC (fork). Times are sent as `performance.timeOrigin + performance.now()` so
 * that the parent can compare them with its own clock.
 */
import { FAKE_SLACK, FakeSlackApi } from '../test/fakes/slack/fake-slack-api.js';
import { SlackRequestSender } from '../test/fakes/slack/slack-requests.js';

export type DriverRequest =
  | { type: 'connect'; eventsUrl: string; signingSecret: string }
  | { type: 'phase'; rate: number; seconds: number; userIds: string[]; values: string[]; messageTs: string }
  | { type: 'edits' }
  | { type: 'stop' };

export type DriverReply =
  | { type: 'ready'; apiUrl: string }
  | { type: 'connected' }
  | {
      type: 'phaseDone';
      sent: number;
      errors: number;
      /** HTTP answer times, ms. */
      latencies: number[];
      /** Per answered press: trigger_id and the absolute send time (timeOrigin + now). */
      sentAt: [string, number][];
      elapsedSeconds: number;
      cpuMs: number;
    }
  | { type: 'edits'; count: number };

const now = (): number => performance.timeOrigin + performance.now();
const send = (m: DriverReply): void => void process.send!(m);

async function main(): Promise<void> {
  const fake = await FakeSlackApi.start();
  let sender: SlackRequestSender | undefined;

  process.on('message', (m: DriverRequest) => {
    void (async () => {
      if (m.type === 'connect') {
        sender = new SlackRequestSender({ eventsUrl: m.eventsUrl, signingSecret: m.signingSecret, fake });
        send({ type: 'connected' });
      } else if (m.type === 'edits') {
        send({ type: 'edits', count: fake.callsTo('chat.update').length });
      } else if (m.type === 'stop') {
        await fake.stop();
        process.exit(0);
      } else if (m.type === 'phase') {
        const s = sender!;
        const latencies: number[] = [];
        const sentAt: [string, number][] = [];
        let errors = 0;
        let sent = 0;
        const pending: Promise<void>[] = [];
        const total = m.rate * m.seconds;
        const cpuStart = process.cpuUsage();
        const start = performance.now();
        // Open loop: every 10 ms, send the presses due by now.
        await new Promise<void>((resolve) => {
          const timer = setInterval(() => {
            const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * m.rate));
            while (sent < due) {
              const userId = m.userIds[Math.floor(Math.random() * m.userIds.length)]!;
              const value = m.values[Math.floor(Math.random() * m.values.length)]!;
              const t0 = performance.now();
              const t0Abs = now();
              sent++;
              pending.push(
                s
                  .blockAction({ actionId: 'poll.vote', value, messageTs: m.messageTs, channelId: FAKE_SLACK.channelId, userId })
                  .then((r) => {
                    if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
                    sentAt.push([r.triggerId, t0Abs]);
                  })
                  .then(
                    () => void latencies.push(performance.now() - t0),
                    () => void errors++,
                  ),
              );
            }
            if (sent >= total) {
              clearInterval(timer);
              resolve();
            }
          }, 10);
        });
        await Promise.all(pending);
        const cpu = process.cpuUsage(cpuStart);
        send({ type: 'phaseDone', sent, errors, latencies, sentAt, elapsedSeconds: (performance.now() - start) / 1000, cpuMs: (cpu.user + cpu.system) / 1000 });
      }
    })();
  });
  send({ type: 'ready', apiUrl: fake.apiUrl });
}

void main();
