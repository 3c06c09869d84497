import type { Translate } from '../../kernel/i18n.js';
import type { View, ViewBlock } from '../../kernel/ports/chat-platform.js';
import { BLANK, MOTION_CHOICES, ballotValue, type AgendaItem } from './domain/assembly.js';
import type { AssemblyStatus, BallotSheet } from './domain/assembly.service.js';

/** Action id of the ballot buttons; the value is {@link ballotValue}. */
export const ASSEMBLY_VOTE_ACTION = 'assembly.vote';

/** A choice as people read it: For / Against / Abstain / Blank translated, a candidate's name as is. */
export function choiceLabel(item: Pick<AgendaItem, 'kind'>, choice: string, t: Translate): string {
  if (item.kind === 'motion' && (MOTION_CHOICES as readonly string[]).includes(choice)) return t(`assembly.choice.${choice as (typeof MOTION_CHOICES)[number]}`);
  if (choice === BLANK) return t('assembly.choice.blank');
  return choice;
}

/**
 * The member's ballot (shown only to them): per item open for voting, one row of buttons for their own vote
 * and one per proxy they hold; rows already voted show that instead. At most 5 rows of buttons (Discord's
 * limit); the rest is shown once these are voted.
 */
export function ballotView(sheet: BallotSheet, t: Translate): View {
  const blocks: ViewBlock[] = [{ type: 'heading', text: t('assembly.vote.title') }];
  if (sheet.gaveProxyTo) blocks.push({ type: 'context', text: t('assembly.vote.gaveProxy', { name: sheet.gaveProxyTo.name }) });
  if (sheet.items.length === 0) blocks.push({ type: 'text', text: t('assembly.vote.none') });
  let rows = 0;
  let more = false;
  for (const entry of sheet.items) {
    blocks.push({ type: 'text', text: `**${t('assembly.vote.item', { position: entry.item.position, title: entry.item.title })}**` });
    const notes = [entry.item.secret ? t('assembly.vote.secretNote') : null, entry.early ? t('assembly.vote.earlyNote') : null].filter((n): n is string => n !== null);
    if (notes.length > 0) blocks.push({ type: 'context', text: notes.join(' ') });
    for (const who of entry.for) {
      const label = who.self ? t('assembly.vote.self') : t('assembly.vote.forProxy', { name: who.voter.name });
      if (who.voted) {
        blocks.push({ type: 'context', text: `${label}: ${t('assembly.vote.voted')}` });
        continue;
      }
      // Discord shows 5 buttons a row and 5 rows a message; what does not fit waits for the next ballot.
      const need = Math.ceil(entry.item.choices.length / 5);
      if (rows + need > 5) {
        more = true;
        continue;
      }
      rows += need;
      blocks.push({ type: 'context', text: label });
      blocks.push({
        type: 'buttons',
        buttons: entry.item.choices.map((choice, index) => ({
          actionId: ASSEMBLY_VOTE_ACTION,
          label: choiceLabel(entry.item, choice, t),
          value: ballotValue(entry.item.id, index, who.self ? null : who.voter.id),
          ...(index === 0 ? { style: 'primary' as const } : {}),
        })),
      });
    }
  }
  if (more) blocks.push({ type: 'context', text: t('assembly.vote.more') });
  return { fallback: t('assembly.vote.title'), blocks };
}

/** Presence, quorum and ballots so far. */
export function statusView(status: AssemblyStatus, t: Translate): View {
  const blocks: ViewBlock[] = [{ type: 'heading', text: t('assembly.status.title', { title: status.assembly.title }) }];
  if (!status.assembly.snapshotAt) blocks.push({ type: 'context', text: t('assembly.status.noSnapshot') });
  blocks.push({ type: 'text', text: t('assembly.status.line', { eligible: status.eligible, checkedIn: status.checkedIn, present: status.present, proxies: status.proxies }) });
  blocks.push({ type: 'text', text: t('assembly.status.quorum', { required: status.quorumRequired, reached: status.quorumReached ? t('assembly.status.reached') : t('assembly.status.notReached') }) });
  if (status.items.length > 0) {
    blocks.push({
      type: 'text',
      text: status.items.map((i) => t('assembly.status.item', { position: i.position, title: i.title, status: t(`assembly.status.${i.status}`), ballots: status.ballots[i.id] ?? 0 })).join('\n'),
    });
  }
  return { fallback: t('assembly.status.title', { title: status.assembly.title }), blocks };
}
