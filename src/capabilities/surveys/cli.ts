import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CliHost } from '../../capability.js';
import { fail, findOrg, orFail, positiveInt, QUEUE_HELP, table, when } from '../../capability-cli.js';
import { toLocale } from '../../kernel/types.js';
import type { SurveyResultsData } from './domain/survey-results.js';
import type { SurveyService } from './domain/survey.service.js';
import { surveyCsv, surveyXlsx } from './survey-csv.js';

/** The parts of this capability its commands use. */
type SurveysCliParts = { service: SurveyService };

const short = (id: string) => id.replace(/-/g, '').slice(0, 8);
const HINT = (org: string) => `see: kring surveys list --org ${org}`;

function resultLines(r: SurveyResultsData): string[] {
  const s = r.survey;
  const lines = [
    `Survey ${short(s.id)}: ${s.title}`,
    `  status     ${s.status}${s.closedAt ? `, closed ${when(s.closedAt)}` : ''}, ${s.anonymous ? 'anonymous' : 'named'}`,
    `  asked ${r.invited}, finished ${r.completed}, responses in the results ${r.respondents}${s.anonymous ? ` (${r.waiting} waiting for a group of ${s.minGroupSize})` : ''}`,
  ];
  for (const q of r.questions) {
    lines.push(`  ${q.question.position + 1}. [${q.question.kind}] ${q.question.prompt} (${q.answered} answers)`);
    for (const b of q.bars) lines.push(`       ${b.label.padEnd(24)} ${String(b.count).padStart(5)} ${String(b.percent).padStart(3)}%`);
    if (q.average !== null) lines.push(`       average ${q.average.toFixed(1)}`);
    if (q.nps) lines.push(`       NPS ${q.nps.score} (promoters ${q.nps.promoters}, passives ${q.nps.passives}, detractors ${q.nps.detractors})`);
    for (const x of q.texts.slice(0, 20)) lines.push(`       - ${x.name && !s.anonymous ? `${x.name}: ` : ''}${x.text}`);
  }
  if (r.chapters) {
    for (const c of r.chapters) lines.push(`  chapter ${(c.chapterName ?? '(no chapter)').padEnd(20)} ${c.respondents} responses`);
    if (r.hiddenGroups > 0) lines.push(`  ${r.hiddenGroups} group(s) under ${s.minGroupSize} responses not shown`);
  }
  return lines;
}

/** `kring surveys list|results|export|close`, through the same {@link SurveyService} as chat and the API. */
export function registerSurveysCli(program: Command, ctx: CliHost<SurveysCliParts>): void {
  const surveys = program.command('surveys').description('surveys: list, results, CSV export, close (same rules as /kring survey)').exitOverride();

  surveys
    .command('list')
    .description("the organisation's surveys, newest first")
    .requiredOption('--org <slug>', 'organisation')
    .option('--limit <n>', 'how many to show', '20')
    .action(async (opts: { org: string; limit: string }, cmd: Command) => {
      const limit = positiveInt(cmd, opts.limit, '--limit');
      const repos = await ctx.directory();
      const service = (await ctx.parts()).service;
      const org = await findOrg(cmd, repos, opts.org);
      const list = await service.list(org.id, { limit });
      if (list.length === 0) return ctx.out(`No surveys in "${org.slug}".`);
      ctx.out(table(['ID', 'STATUS', 'QUESTIONS', 'PRIVACY', 'CREATED', 'TITLE'], list.map((s) => [short(s.id), s.status, String(s.questions.length), s.anonymous ? 'anonymous' : 'named', when(s.createdAt), s.title])));
    });

  surveys
    .command('results')
    .description("a survey's results: counts, bars, averages, NPS, texts, chapters of at least the minimum group size")
    .argument('<id>', 'survey id (or its first 8 characters)')
    .requiredOption('--org <slug>', 'organisation')
    .action(async (id: string, opts: { org: string }, cmd: Command) => {
      const repos = await ctx.directory();
      const service = (await ctx.parts()).service;
      const org = await findOrg(cmd, repos, opts.org);
      const survey = await orFail(cmd, HINT(org.slug), () => service.find(org.id, id));
      for (const line of resultLines(await service.results(survey))) ctx.out(line);
    });

  surveys
    .command('export')
    .description('a survey as CSV or XLSX (formula-safe): named surveys one line per member, anonymous ones without any member column')
    .argument('<id>', 'survey id (or its first 8 characters)')
    .requiredOption('--org <slug>', 'organisation')
    .option('--out <file>', 'write to this file instead of stdout (required for --xlsx)')
    .option('--xlsx', 'an Excel workbook instead of CSV')
    .option('--lang <nl|en>', "column headers' language (default: the organisation's)")
    .action(async (id: string, opts: { org: string; out?: string; lang?: string; xlsx?: boolean }, cmd: Command) => {
      if (opts.xlsx && !opts.out) fail(cmd, 'An XLSX export needs --out <file>.');
      const repos = await ctx.directory();
      const service = (await ctx.parts()).service;
      const org = await findOrg(cmd, repos, opts.org);
      const survey = await orFail(cmd, HINT(org.slug), () => service.find(org.id, id));
      const t = ctx.translator.for(toLocale(opts.lang) ?? org.defaultLocale);
      const answers = await service.exportAnswers(survey);
      if (opts.xlsx) {
        await writeFile(opts.out!, await surveyXlsx(survey, answers, t));
        return ctx.err(`Wrote ${opts.out}: survey ${short(survey.id)}.`);
      }
      const csv = surveyCsv(survey, answers, t);
      if (!opts.out) return ctx.write(csv);
      await writeFile(opts.out, csv);
      ctx.err(`Wrote ${opts.out}: survey ${short(survey.id)}.`);
    });

  surveys
    .command('close')
    .description('close a survey: answering stops; survey.closed is published')
    .argument('<id>', 'survey id (or its first 8 characters)')
    .requiredOption('--org <slug>', 'organisation')
    .option('--record-only', 'without REDIS_URL: only record the close in the database')
    .addHelpText('after', QUEUE_HELP)
    .action(async (id: string, opts: { org: string; recordOnly?: boolean }, cmd: Command) => {
      const queue = await orFail(cmd, '', () => ctx.openQueue({ recordOnly: opts.recordOnly === true }));
      try {
        const repos = await ctx.directory();
        const service = (await ctx.parts(queue)).service;
        const org = await findOrg(cmd, repos, opts.org);
        const survey = await orFail(cmd, HINT(org.slug), () => service.find(org.id, id));
        if (survey.status !== 'open') fail(cmd, `Survey ${short(survey.id)} is not open.`);
        for (const line of resultLines(await service.close(survey))) ctx.out(line);
      } finally {
        await queue.close();
      }
    });
}
