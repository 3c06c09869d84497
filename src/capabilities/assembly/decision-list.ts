import type { Translate } from '../../kernel/i18n.js';
import { formatInZone } from '../../kernel/zoned-time.js';
import type { QuorumRule } from './domain/assembly.js';
import type { AssemblyResults } from './domain/assembly.service.js';
import { choiceLabel } from './views.js';

/** One line of the decision list: a heading, a paragraph, a list item or a table-ish pair. */
export type DecisionLine = { kind: 'title' | 'heading' | 'text' | 'bullet' | 'code'; text: string };

function quorumText(rule: QuorumRule, t: Translate): string {
  switch (rule.kind) {
    case 'none':
      return t('assembly.result.quorumNone');
    case 'count':
      return t('assembly.result.quorumCount', { min: rule.min });
    case 'fraction':
      return t('assembly.result.quorumFraction', { numerator: rule.numerator, denominator: rule.denominator });
  }
}

/**
 * The decision list (besluitenlijst) for the minutes: the meeting, the register, per item the votes,
 * turnout, quorum and decision, the proxies used, and the receipts of each secret item so anyone can
 * recount. One list of lines; Markdown and PDF render the same lines.
 */
export function decisionLines(results: AssemblyResults, t: Translate, locale: string, timeZone: string): DecisionLine[] {
  const a = results.assembly;
  const lines: DecisionLine[] = [
    { kind: 'title', text: t('assembly.result.heading') },
    { kind: 'text', text: t('assembly.result.meeting', { title: a.title, date: formatInZone(a.startsAt, locale, timeZone), mode: t(`assembly.result.mode.${a.mode}`) }) },
  ];
  if (a.snapshotAt) lines.push({ kind: 'text', text: t('assembly.result.register', { date: formatInZone(a.snapshotAt, locale, timeZone), count: results.voters.length }) });
  lines.push({ kind: 'text', text: t('assembly.result.quorumRule', { rule: quorumText(a.quorum, t) }) });
  for (const { item, result, receipts } of results.items) {
    lines.push({ kind: 'heading', text: t('assembly.result.itemHeading', { position: item.position, title: item.title }) });
    lines.push({ kind: 'text', text: t('assembly.result.itemMeta', { kind: t(`assembly.kind.${item.kind}`), majority: t(`assembly.majority.${item.majority}`), secret: item.secret ? t('assembly.item.secretSuffix') : '' }) });
    if (!result) {
      lines.push({ kind: 'text', text: t('assembly.result.notVoted') });
      continue;
    }
    for (const c of result.counts) lines.push({ kind: 'bullet', text: `${choiceLabel(item, c.choice, t)}: ${c.votes}` });
    lines.push({ kind: 'text', text: t('assembly.result.turnout', { ballots: result.ballots, eligible: result.eligibleVoters, turnout: result.turnoutPercent, byProxy: result.byProxy, early: result.early }) });
    lines.push({
      kind: 'text',
      text: t('assembly.result.quorum', { present: result.present, required: result.quorumRequired, reached: result.quorumReached ? t('assembly.status.reached') : t('assembly.status.notReached') }),
    });
    const decision = !result.quorumReached
      ? t('assembly.result.noQuorum')
      : item.kind === 'election'
        ? result.elected ? t('assembly.result.elected', { name: result.elected }) : t('assembly.result.notElected')
        : result.adopted ? t('assembly.result.adopted') : t('assembly.result.rejected');
    lines.push({ kind: 'text', text: `**${decision}**` });
    if (receipts.length > 0) {
      lines.push({ kind: 'text', text: t('assembly.result.receipts') });
      for (const r of receipts) lines.push({ kind: 'code', text: `${r.receipt}  ${choiceLabel(item, r.choice, t)}${r.weight === 1 ? '' : ` ×${r.weight}`}` });
    }
  }
  lines.push({ kind: 'heading', text: t('assembly.result.proxies') });
  if (results.proxies.length === 0) lines.push({ kind: 'text', text: t('assembly.result.noProxies') });
  for (const p of results.proxies) {
    lines.push({ kind: 'bullet', text: t('assembly.result.proxyLine', { grantor: p.grantor.name, grantorNumber: p.grantor.memberNumber, holder: p.holder.name, holderNumber: p.holder.memberNumber, used: p.used }) });
  }
  return lines;
}

/** The decision list as Markdown. */
export function decisionListMarkdown(lines: readonly DecisionLine[]): string {
  const out: string[] = [];
  let inCode = false;
  for (const line of lines) {
    if (line.kind !== 'code' && inCode) {
      out.push('```', '');
      inCode = false;
    }
    switch (line.kind) {
      case 'title':
        out.push(`# ${line.text}`, '');
        break;
      case 'heading':
        out.push(`## ${line.text}`, '');
        break;
      case 'text':
        out.push(line.text, '');
        break;
      case 'bullet':
        out.push(`- ${line.text}`);
        break;
      case 'code':
        if (!inCode) out.push('```');
        inCode = true;
        out.push(line.text);
        break;
    }
  }
  if (inCode) out.push('```');
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}

/**
 * The decision list as PDF (pdfkit with its built-in standard fonts: nothing is downloaded or read from
 * disk at run time). Helvetica covers the Latin-1 letters Dutch uses; the arrow becomes "->".
 */
export async function decisionListPdf(lines: readonly DecisionLine[], meta: { title: string }): Promise<Buffer> {
  // Loaded when a decision list is asked for: pdfkit and its font tables are megabytes Kring need not hold from start-up.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: meta.title, Producer: 'Kring' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const plain = (s: string) => s.replace(/\*\*/g, '').replace(/→/g, '->').replace(/✓/g, 'v').replace(/×/g, 'x');
  for (const line of lines) {
    switch (line.kind) {
      case 'title':
        doc.font('Helvetica-Bold').fontSize(18).text(plain(line.text)).moveDown(0.5);
        break;
      case 'heading':
        doc.moveDown(0.5).font('Helvetica-Bold').fontSize(13).text(plain(line.text)).moveDown(0.2);
        break;
      case 'text':
        doc.font(line.text.startsWith('**') ? 'Helvetica-Bold' : 'Helvetica').fontSize(10).text(plain(line.text)).moveDown(0.2);
        break;
      case 'bullet':
        doc.font('Helvetica').fontSize(10).text(`•  ${plain(line.text)}`, { indent: 10 });
        break;
      case 'code':
        doc.font('Courier').fontSize(9).text(plain(line.text), { indent: 10 });
        break;
    }
  }
  doc.end();
  return done;
}
