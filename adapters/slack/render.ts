import type { RespondArguments, types as Slack } from '@slack/bolt';
import slackifyMarkdown from 'slackify-markdown';
import { MENTION_PATTERN, type Form, type FormField, type Reply, type View, type ViewBar, type ViewBlock, type ViewButton } from '../../src/kernel/ports/chat-platform.js';

/**
 * View -> Block Kit. https://docs.slack.dev/reference/block-kit/blocks
 *
 * Slack rejects a whole message (`invalid_blocks`) when one field is over its limit, so every text is cut
 * to size here with an ellipsis rather than failing the post. Limits are Slack's documented ones.
 */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  headerText: 150,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  elementsPerActions: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
  placeholder: 150,
  contextText: 3000,
  modalTitle: 24,
  modalSubmit: 24,
  callbackId: 255,
  inputLabel: 2000,
  inputMaxLength: 3000,
  privateMetadata: 3000,
  /** Top-level `text`: Slack truncates at 40k, but notifications only show the start; keep it short. */
  fallbackText: 3000,
} as const;

const ELLIPSIS = '…';

/**
 * Cuts `text` to at most `max` UTF-16 units (how Slack counts), ending in an ellipsis when cut. Never splits
 * a surrogate pair (emoji).
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max - ELLIPSIS.length) break;
    out += ch;
  }
  return out + ELLIPSIS;
}

/**
 * {@link truncate} for mrkdwn: also backs off so the cut does not leave half a `<url|label>` link or half an
 * `&amp;` entity, which Slack would show as garbage.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = truncate(text, max).slice(0, -ELLIPSIS.length);
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  const amp = cut.lastIndexOf('&');
  if (amp > cut.lastIndexOf(';') && cut.length - amp <= 5) cut = cut.slice(0, amp);
  return cut.trimEnd() + ELLIPSIS;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Our markdown subset (bold, italic, code, links, `- ` lists, `[label](mention:U123)` mentions) -> Slack
 * mrkdwn. A mention becomes `<@U123>` (Slack shows the person's current name); it is swapped for a
 * placeholder of letters while slackify-markdown runs, which would otherwise turn it into a link.
 */
export function markdownToMrkdwn(markdown: string): string {
  if (markdown.trim() === '') return '';
  const cached = mrkdwnCache.get(markdown);
  if (cached !== undefined) return cached;
  const mentions: string[] = [];
  const marked = markdown.replace(MENTION_PATTERN, (_all, _label: string, userId: string) => `KRINGMENTION${mentions.push(userId) - 1}X`);
  let mrkdwn = slackifyMarkdown(marked).trimEnd();
  if (mentions.length > 0) mrkdwn = mrkdwn.replace(/KRINGMENTION(\d+)X/g, (_all, i: string) => `<@${mentions[Number(i)] ?? ''}>`);
  if (markdown.length <= MRKDWN_CACHE_MAX_LENGTH) {
    if (mrkdwnCache.size >= MRKDWN_CACHE_ENTRIES) mrkdwnCache.delete(mrkdwnCache.keys().next().value!);
    mrkdwnCache.set(markdown, mrkdwn);
  }
  return mrkdwn;
}

/**
 * slackify-markdown (a full remark parse and stringify) is the costliest step of answering a button press,
 * and the same few texts come back over and over (vote confirmations, poll messages on every refresh).
 * The conversion is a pure function of the text, so results are kept: at most this many, oldest dropped first.
 */
const MRKDWN_CACHE_ENTRIES = 1000;
/** Longer texts (announcements) are rarely repeated; not kept, so the cache stays small. */
const MRKDWN_CACHE_MAX_LENGTH = 4000;
const mrkdwnCache = new Map<string, string>();

/**
 * Slack wants action ids unique within an actions block; a View may repeat one (the same vote action on
 * every option). Repeats get `::<n>` appended; {@link originalActionId} removes it on the way back in.
 */
const ACTION_SUFFIX = /::\d+$/;

export function originalActionId(actionId: string): string {
  return actionId.replace(ACTION_SUFFIX, '');
}

/** A bar like `Ja  ████████░░ 75% (3)`: ten cells, percent rounded. */
export function renderBar(bar: ViewBar): string {
  const percent = Math.min(100, Math.max(0, Math.round(Number.isFinite(bar.percent) ? bar.percent : 0)));
  const filled = Math.round(percent / 10);
  return `${escapeMrkdwn(bar.label)}  ${'█'.repeat(filled)}${'░'.repeat(10 - filled)} ${percent}% (${bar.count})`;
}

function plain(text: string, max: number): Slack.PlainTextElement {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}

function section(mrkdwn: string): Slack.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncateMrkdwn(mrkdwn, SLACK_LIMITS.sectionText) } };
}

/** Joins lines into as few sections as fit the section text limit. */
function linesToSections(lines: string[]): Slack.SectionBlock[] {
  const sections: Slack.SectionBlock[] = [];
  let current = '';
  for (const line of lines) {
    const next = current === '' ? line : `${current}\n${line}`;
    if (next.length > SLACK_LIMITS.sectionText && current !== '') {
      sections.push(section(current));
      current = line;
    } else {
      current = next;
    }
  }
  if (current !== '') sections.push(section(current));
  return sections;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function button(b: ViewButton, actionId: string): Slack.Button {
  const el: Slack.Button = {
    type: 'button',
    action_id: truncate(actionId, SLACK_LIMITS.actionId),
    text: plain(b.label || ' ', SLACK_LIMITS.buttonText),
  };
  if (b.value !== undefined) el.value = truncate(b.value, SLACK_LIMITS.buttonValue);
  // Slack has no "default" style: leaving it out is the default look.
  if (b.style === 'primary' || b.style === 'danger') el.style = b.style;
  return el;
}

function actionsBlocks(buttons: readonly ViewButton[]): Slack.ActionsBlock[] {
  return chunk(buttons, SLACK_LIMITS.elementsPerActions).map((group) => {
    const seen = new Map<string, number>();
    const elements = group.map((b) => {
      const n = seen.get(b.actionId) ?? 0;
      seen.set(b.actionId, n + 1);
      return button(b, n === 0 ? b.actionId : `${b.actionId}::${n}`);
    });
    return { type: 'actions', elements };
  });
}

/** Renders one View block; may give several Slack blocks (long field lists, many buttons) or none (empty). */
function renderBlock(block: ViewBlock): Slack.KnownBlock[] {
  switch (block.type) {
    case 'heading':
      return block.text.trim() === '' ? [] : [{ type: 'header', text: plain(block.text.trim(), SLACK_LIMITS.headerText) }];
    case 'text': {
      const mrkdwn = markdownToMrkdwn(block.text);
      return mrkdwn === '' ? [] : [section(mrkdwn)];
    }
    case 'fields':
      return chunk(block.fields, SLACK_LIMITS.fieldsPerSection).map(
        (group): Slack.SectionBlock => ({
          type: 'section',
          fields: group.map((f) => ({
            type: 'mrkdwn',
            text: truncateMrkdwn(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, SLACK_LIMITS.fieldText),
          })),
        }),
      );
    case 'buttons':
      return block.buttons.length === 0 ? [] : actionsBlocks(block.buttons);
    case 'select': {
      // A static_select without options is rejected by Slack.
      if (block.options.length === 0) return [];
      const select: Slack.StaticSelect = {
        type: 'static_select',
        action_id: truncate(block.actionId, SLACK_LIMITS.actionId),
        placeholder: plain(block.placeholder || ' ', SLACK_LIMITS.placeholder),
        options: block.options.slice(0, SLACK_LIMITS.selectOptions).map((o) => ({
          text: plain(o.label || ' ', SLACK_LIMITS.optionText),
          value: truncate(o.value, SLACK_LIMITS.optionValue),
        })),
      };
      return [{ type: 'actions', elements: [select] }];
    }
    case 'bars':
      return linesToSections(block.bars.map(renderBar));
    case 'context': {
      const mrkdwn = markdownToMrkdwn(block.text);
      return mrkdwn === ''
        ? []
        : [{ type: 'context', elements: [{ type: 'mrkdwn', text: truncateMrkdwn(mrkdwn, SLACK_LIMITS.contextText) }] }];
    }
    case 'divider':
      return [{ type: 'divider' }];
  }
}

/** View -> Block Kit blocks, at most 50: when more, the 50th says the rest was cut off. */
export function renderBlocks(view: View): Slack.KnownBlock[] {
  const blocks = view.blocks.flatMap(renderBlock);
  if (blocks.length <= SLACK_LIMITS.blocksPerMessage) return blocks;
  return [
    ...blocks.slice(0, SLACK_LIMITS.blocksPerMessage - 1),
    { type: 'context', elements: [{ type: 'mrkdwn', text: ELLIPSIS }] },
  ];
}

/** The notification text: the View's fallback, or its first heading/text when the fallback is empty. */
export function renderFallback(view: View): string {
  let text = view.fallback.trim();
  if (text === '') {
    const first = view.blocks.find((b) => b.type === 'heading' || b.type === 'text');
    text = first && 'text' in first ? first.text : ' ';
  }
  return truncate(text, SLACK_LIMITS.fallbackText);
}

/** Arguments shared by chat.postMessage, chat.update and response_url messages. */
export interface SlackMessageContent {
  text: string;
  blocks: Slack.KnownBlock[];
}

export function renderMessage(view: View): SlackMessageContent {
  return { text: renderFallback(view), blocks: renderBlocks(view) };
}

/**
 * A Reply as a response_url message (https://docs.slack.dev/interactivity/handling-user-interaction#message_responses):
 * `private` is ephemeral, `channel` in_channel; action replies either replace the message the button was on
 * or come as a new message. `replace_original: false` is explicit because some surfaces default to replacing.
 */
export function renderResponse(reply: Reply, source: 'command' | 'action'): RespondArguments {
  const content = renderMessage(reply.view);
  if (source === 'action' && reply.replaceOriginal === true) {
    return { ...content, replace_original: true };
  }
  return {
    ...content,
    response_type: reply.visibility === 'private' ? 'ephemeral' : 'in_channel',
    ...(source === 'action' ? { replace_original: false } : {}),
  };
}

/** What a modal Kring opened carries in `private_metadata`: the channel it was opened from. */
export interface SlackFormMetadata {
  channelId?: string;
}

/**
 * A Form as a modal for `views.open` (https://docs.slack.dev/reference/views/modal-views): one input block
 * per field, `block_id` and `action_id` both the field name, `callback_id` the formId. The channel the
 * form was opened from rides in `private_metadata` (a modal submission names no channel).
 */
export function renderModal(form: Form, metadata: SlackFormMetadata): Slack.ModalView {
  return {
    type: 'modal',
    callback_id: truncate(form.formId, SLACK_LIMITS.callbackId),
    title: plain(form.title || ' ', SLACK_LIMITS.modalTitle),
    submit: plain(form.submitLabel || ' ', SLACK_LIMITS.modalSubmit),
    private_metadata: JSON.stringify(metadata),
    blocks: form.fields.map(
      (f): Slack.InputBlock => ({
        type: 'input',
        block_id: f.name,
        optional: !f.required,
        label: plain(f.label || f.name, SLACK_LIMITS.inputLabel),
        element: inputElement(f),
      }),
    ),
  };
}

/**
 * One form field as an input block's element: `plain_text_input` (`initial_value`), `static_select`
 * (`initial_option`) or `multi_static_select` (`initial_options`).
 * https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element
 */
function inputElement(f: FormField): Slack.InputBlock['element'] {
  if (f.kind === 'select' || f.kind === 'multi-select') {
    const options = (f.options ?? []).slice(0, SLACK_LIMITS.selectOptions).map((o) => ({ text: plain(o.label || ' ', SLACK_LIMITS.optionText), value: truncate(o.value, SLACK_LIMITS.optionValue) }));
    const chosen = new Set((f.initial ?? '').split(',').filter((v) => v !== ''));
    const initial = options.filter((o) => chosen.has(o.value));
    const placeholder = f.placeholder ? { placeholder: plain(f.placeholder, SLACK_LIMITS.placeholder) } : {};
    if (f.kind === 'select') {
      return { type: 'static_select', action_id: f.name, options, ...placeholder, ...(initial[0] ? { initial_option: initial[0] } : {}) };
    }
    return { type: 'multi_static_select', action_id: f.name, options, ...placeholder, ...(initial.length > 0 ? { initial_options: initial } : {}) };
  }
  return {
    type: 'plain_text_input',
    action_id: f.name,
    multiline: f.kind === 'long',
    ...(f.placeholder ? { placeholder: plain(f.placeholder, SLACK_LIMITS.placeholder) } : {}),
    ...(f.maxLength ? { max_length: Math.min(f.maxLength, SLACK_LIMITS.inputMaxLength) } : {}),
    ...(f.initial ? { initial_value: f.maxLength ? f.initial.slice(0, Math.min(f.maxLength, SLACK_LIMITS.inputMaxLength)) : f.initial } : {}),
  };
}
