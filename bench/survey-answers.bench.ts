/**
 * Survey answers under load, side by side with what an association would otherwise run: a naive handler
 * that writes each answer with one `INSERT … ON CONFLICT DO NOTHING` on PostgreSQL (no invitation register,
 * no order, no "closed", no next question). Kring's path is the whole app path a button press takes:
 * `ChatRouter.handle` (router, organisation, member and access), the surveys action (the survey read, the
 * answer checked against its question), `SurveyService.answer` and `PrismaSurveyRepository.recordAnswer`
 * (named surveys: answers that arrive together written in one statement, the survey rows shared, each
 * invitation moved on only from the question answered; anonymous ones sealed in a transaction), and the
 * reply with the next question. Both in one process, on one database, at fixed,
 * increasing rates (open loop: answers start on schedule whether or not earlier ones were answered; latency
 * counts from the scheduled moment).
 *
 * The load: 2,000 members linked on Slack, a new survey of 1–5 scale questions per phase and path, member
 * k % 2000 answers question ⌊k / 2000⌋ (so each member answers in order, one second apart at 2,000/s). After
 * each phase the tally is checked: Kring's results per question and value must equal, exactly, the answers
 * it confirmed (and the naive table the answers it wrote).
 *
 * Prints per rate and path: answered/s, ack p50/p99/max, refused, errors, CPU of this process per answer, the
 * ratios Kring ÷ naive, and whether the tally is exact. Needs PostgreSQL (KRING_TEST_PG_URL, default
 * postgresql://postgres@127.0.0.1:5432/test). Usage:
 *   npx tsx bench/survey-answers.bench.ts                          # rates 500,1000,2000, 5 s each
 *   BENCH_RATES=2000 BENCH_SECONDS=10 BENCH_ANONYMOUS=1 npx tsx bench/survey-answers.bench.ts
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { answerButtonValue } from '../src/capabilities/surveys/domain/survey.js';
import { SURVEY_ANSWER_ACTION } from '../src/capabilities/surveys/views.js';
import { openDatabase } from '../src/infra/database/database.js';
import { InProcessJobQueue } from '../src/infra/queue/in-process.job-queue.js';
import type { ActionEvent, Reply } from '../src/kernel/ports/chat-platform.js';
import { FakeChatPlatform, platformRegistry } from '../test/fakes/fake-chat-platform.js';
import { buildTestCapabilities, testContext } from '../test/support/capabilities.js';
import { prismaRepositories, TEST_PG_ADMIN_URL } from '../test/support/database.js';
import { silentLogger } from '../test/support/logger.js';

const RATES = (process.env['BENCH_RATES'] ?? '500,1000,2000').split(',').map(Number);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const MEMBERS = Number(process.env['BENCH_MEMBERS'] ?? 2000);
const ANONYMOUS = process.env['BENCH_ANONYMOUS'] === '1';
const POOL = Number(process.env['BENCH_POOL'] ?? 10);
const WORKSPACE = 'T-BENCH';

type Path = 'kring' | 'naive';

interface PhaseResult {
  path: Path;
  rate: number;
  sent: number;
  answered: number;
  refused: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  cpuMsPerAnswer: number;
  exact: boolean;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Deterministic answers (mulberry32), so runs compare. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main(): Promise<void> {
  const name = `kring_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  // A pool of 10, as production's default; the naive handler gets a pool of the same size.
  const db = await openDatabase({ url: url.toString(), dataDir: '', poolSize: POOL });
  const naivePool = new pg.Pool({ connectionString: url.toString(), max: POOL });
  // Dropping the database at the end ends idle connections; that is not an error of the bench.
  naivePool.on('error', () => undefined);
  const repos = prismaRepositories(db.prisma);
  const queue = new InProcessJobQueue(silentLogger);
  const slack = new FakeChatPlatform('slack');

  try {
    await naivePool.query('CREATE TABLE naive_survey_answer (survey_id uuid NOT NULL, member_id text NOT NULL, position int NOT NULL, value int NOT NULL, PRIMARY KEY (survey_id, member_id, position))');
    const org = await repos.organizations.ensure({ slug: 'bench', name: 'Bench', defaultLocale: 'en', timezone: 'Europe/Amsterdam' });
    const ctx = testContext({ directory: repos, database: db, queue, platforms: platformRegistry([slack]), logger: silentLogger });
    // The surveys' workers are not started: the invitations' direct messages are not what is measured.
    const { built, router } = buildTestCapabilities(['membership', 'surveys'], ctx, { defaultOrganizationSlug: org.slug });
    const surveys = built.parts.surveys.service;

    const numbers = Array.from({ length: MEMBERS }, (_, i) => `B${String(i).padStart(6, '0')}`);
    await repos.members.upsertMany(org.id, numbers.map((memberNumber, i) => ({ memberNumber, name: `Lid ${i}`, email: null, status: 'active' as const, roles: ['member' as const], chapterId: null })));
    const rows = [];
    for (const [i, n] of numbers.entries()) {
      const m = (await repos.members.findByNumber(org.id, n))!;
      rows.push({ organizationId: org.id, memberId: m.id, platform: 'slack' as const, workspaceId: WORKSPACE, platformUserId: `UB${i}` });
    }
    await db.prisma.platformIdentity.createMany({ data: rows });
    await repos.workspaces.upsert({ organizationId: org.id, platform: 'slack', externalId: WORKSPACE });

    const press = (member: number, value: string): Promise<Reply | undefined> => {
      const event: ActionEvent = { type: 'action', platform: 'slack', workspaceId: WORKSPACE, userId: `UB${member}`, channelId: `D-UB${member}`, actionId: SURVEY_ANSWER_ACTION, value, raw: null };
      return router.handle(event);
    };
    /** What the naive handler does for a press: one insert, then "thanks". */
    const naive = async (surveyId: string, member: number, position: number, value: number): Promise<boolean> => {
      const r = await naivePool.query('INSERT INTO naive_survey_answer (survey_id, member_id, position, value) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [surveyId, `UB${member}`, position, value]);
      return r.rowCount === 1;
    };
    const next = random(2026);

    const phase = async (path: Path, rate: number, seconds: number): Promise<PhaseResult> => {
      const total = Math.round(rate * seconds);
      const questions = Math.ceil(total / MEMBERS);
      let survey = await surveys.create({ organizationId: org.id, createdByMemberId: null, title: `Bench ${path} ${rate}/s`, anonymous: ANONYMOUS, audience: { base: { kind: 'all' }, sample: null } });
      for (let q = 0; q < questions; q++) survey = await surveys.addQuestion(survey, { kind: 'scale', prompt: `Question ${q + 1}?` });
      if (path === 'kring') await surveys.send(survey);
      // expected[position][value - 1]: the answers confirmed to the member.
      const expected = Array.from({ length: questions }, () => [0, 0, 0, 0, 0]);
      const latencies: number[] = [];
      let errors = 0;
      let refused = 0;
      const inflight: Promise<void>[] = [];
      const cpu0 = process.cpuUsage();
      const t0 = performance.now() + 20;
      for (let k = 0; k < total; k++) {
        const due = t0 + (k * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const member = k % MEMBERS;
        const position = Math.floor(k / MEMBERS);
        const value = 1 + Math.floor(next() * 5);
        const work: Promise<boolean> =
          path === 'kring'
            ? press(member, answerButtonValue(survey.id, position, value)).then((reply) => {
                // The next question (or the thanks) replaces the answered one: recorded. Anything else is a refusal.
                if (reply?.replaceOriginal === true) return true;
                if (JSON.stringify(reply ?? {}).includes('went wrong')) throw new Error('error reply');
                return false;
              })
            : naive(survey.id, member, position, value);
        inflight.push(
          work.then(
            (recorded) => {
              latencies.push(performance.now() - due);
              if (recorded) expected[position]![value - 1]!++;
              else refused++;
            },
            () => void errors++,
          ),
        );
      }
      await Promise.all(inflight);
      const elapsed = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      latencies.sort((a, b) => a - b);
      const answered = latencies.length - refused;
      let exact: boolean;
      if (path === 'kring') {
        // Anonymous: the last batch under the minimum group size waits sealed until closing releases it.
        const closed = await surveys.close((await surveys.findById(survey.id))!);
        const tally = closed.questions.map((q) => q.bars.map((b) => b.count));
        exact = JSON.stringify(tally) === JSON.stringify(expected);
      } else {
        const { rows: counted } = await naivePool.query<{ position: number; value: number; n: number }>(
          'SELECT position, value, count(*)::int AS n FROM naive_survey_answer WHERE survey_id = $1 GROUP BY position, value',
          [survey.id],
        );
        const tally = Array.from({ length: questions }, () => [0, 0, 0, 0, 0]);
        for (const r of counted) tally[r.position]![r.value - 1] = r.n;
        exact = JSON.stringify(tally) === JSON.stringify(expected);
      }
      return {
        path, rate, sent: total, answered, refused, errors, perSecond: (answered * 1000) / elapsed,
        p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN,
        cpuMsPerAnswer: (cpu.user + cpu.system) / 1000 / Math.max(1, answered), exact,
      };
    };

    // Warm-up (JIT, pools, prepared plans): not reported.
    await phase('kring', 200, 2);
    await phase('naive', 200, 2);

    const results: PhaseResult[] = [];
    for (const [i, rate] of RATES.entries()) {
      // Alternate which path goes first, so neither always meets a warmer machine.
      for (const path of (i % 2 === 0 ? ['kring', 'naive'] : ['naive', 'kring']) as Path[]) {
        const r = await phase(path, rate, SECONDS);
        results.push(r);
        console.log(`${path.padEnd(5)} ${String(rate).padStart(4)}/s: answered ${r.answered}/${r.sent} (${r.refused} refused, ${r.errors} errors) in ${r.perSecond.toFixed(0)}/s, ack p50 ${r.p50.toFixed(1)} p99 ${r.p99.toFixed(1)} max ${r.max.toFixed(0)} ms, cpu ${r.cpuMsPerAnswer.toFixed(2)} ms/answer, tally ${r.exact ? 'exact' : 'WRONG'}`);
      }
    }

    console.log('');
    console.log(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${MEMBERS} members; ${ANONYMOUS ? 'anonymous' : 'named'} surveys; pool ${POOL}; ${new Date().toISOString()}`);
    console.log('');
    console.log('| offered/s | path | answered/s | ack p50 | ack p99 | ack max | refused / errors | CPU per answer | tally | Kring ÷ naive (answered/s, p99) |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const rate of RATES) {
      const k = results.find((r) => r.rate === rate && r.path === 'kring')!;
      const n = results.find((r) => r.rate === rate && r.path === 'naive')!;
      for (const r of [k, n]) {
        console.log(
          `| ${rate} | ${r.path === 'kring' ? 'Kring (app path)' : 'naive insert'} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.max.toFixed(0)} ms | ${r.refused} / ${r.errors} | ${r.cpuMsPerAnswer.toFixed(2)} ms | ${r.exact ? 'exact' : 'WRONG'} | ${r === k ? `${(k.perSecond / n.perSecond).toFixed(2)}×, ${(k.p99 / n.p99).toFixed(2)}×` : ''} |`,
        );
      }
    }
    if (results.some((r) => !r.exact || r.errors > 0)) process.exitCode = 1;
  } finally {
    await queue.close();
    await naivePool.end();
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
