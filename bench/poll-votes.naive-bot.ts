/**
 * The naive poll bot Kring is measured against in bench/poll-votes.bench.ts: what someone would write in an
 * afternoon with the official SDK and a database driver. Bolt's own HTTP receiver (signature check
 * included), and per button press: ack first, one `INSERT ... ON CONFLICT`, then `respond()` on the
 * interaction's response_url. An honest implementation, not a straw man: one pool of 10 connections,
 * a primary key for one row per user per poll, nothing slow.
 *
 * It does none of what Kring does besides: no replay protection, no membership or role check (anyone
 * who presses counts), no one vote per member across platforms, no insights, no localised texts, no
 * live tallies on the posted message.
 *
 * Environment: DATABASE_URL, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL, PORT.
 * Run by the bench (compiled to JavaScript, or through tsx with BENCH_RUNNER=tsx).
 */
import bolt from '@slack/bolt';
import pg from 'pg';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: 10 });
  await pool.query(`CREATE TABLE IF NOT EXISTS vote (
    poll_id text NOT NULL,
    user_id text NOT NULL,
    choice int NOT NULL,
    voted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (poll_id, user_id))`);

  const app = new bolt.App({
    token: env('SLACK_BOT_TOKEN'),
    signingSecret: env('SLACK_SIGNING_SECRET'),
    clientOptions: { slackApiUrl: env('SLACK_API_URL') },
    logLevel: bolt.LogLevel.WARN,
  });

  app.action(/^poll\.vote/, async ({ ack, action, body, respond }) => {
    await ack();
    const button = action as { value?: string; text?: { text?: string } };
    const [pollId, choice] = (button.value ?? '').split(':');
    if (!pollId || choice === undefined) return;
    await pool.query(
      `INSERT INTO vote (poll_id, user_id, choice) VALUES ($1, $2, $3)
       ON CONFLICT (poll_id, user_id) DO UPDATE SET choice = EXCLUDED.choice, voted_at = now()`,
      [pollId, body.user.id, Number(choice)],
    );
    await respond({ response_type: 'ephemeral', replace_original: false, text: `Your vote: ${button.text?.text ?? choice}` });
  });

  await app.start(Number(env('PORT')));
  process.send?.({ type: 'ready' });
  process.on('SIGTERM', () => {
    void app.stop().finally(() => pool.end().finally(() => process.exit(0)));
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
