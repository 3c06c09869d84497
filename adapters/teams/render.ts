import { MENTION_PATTERN, type ButtonStyle, type Form, type FormField, type View, type ViewBar, type ViewBlock } from '../../src/kernel/ports/chat-platform.js';
import { FORM_CHANNEL_KEY, FORM_ID_KEY, FORM_SUBMIT_VERB, SELECT_INPUT_KEY } from './activity.js';

/**
 * View -> Adaptive Card 1.5, as plain JSON. Buttons are Universal Actions (`Action.Execute`): Teams
 * sends them back as `adaptiveCard/action` invokes, answered with the updated card.
 *
 * Teams renders this markdown subset in TextBlocks and facts: `**bold**`, `_italic_`, `[label](url)`
 * and `- ` lists (items separated by `\r`); no inline code, headers or tables.
 *
 * @see https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format
 * @see https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/overview
 */

/** An Adaptive Card element or action, as JSON. */
export type CardElement = Record<string, unknown>;

/** An Adaptive Card, as JSON. */
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: CardElement[];
  fallbackText: string;
  msteams: { width: 'Full'; entities?: TeamsMentionEntity[] };
}

/** A mention in a card: the `<at>label</at>` text and the person it names. */
export interface TeamsMentionEntity {
  type: 'mention';
  text: string;
  mentioned: { id: string; name: string };
}

/** Content type of an Adaptive Card attachment and of a card invoke response. */
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

const BAR_WIDTH = 10;

/** Renders a View as an Adaptive Card 1.5. */
export function renderCard(view: View): AdaptiveCard {
  const body: CardElement[] = [];
  let separatorNext = false;
  view.blocks.forEach((block, index) => {
    if (block.type === 'divider') {
      separatorNext = true;
      return;
    }
    const elements = renderBlock(block, index);
    const [first] = elements;
    if (separatorNext && first) {
      first['separator'] = true;
      first['spacing'] = 'Medium';
      separatorNext = false;
    }
    body.push(...elements);
  });
  if (body.length === 0) body.push(textBlock(cardMarkdown(view.fallback)));
  const entities = mentionEntities(view);
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    fallbackText: view.fallback,
    // Full width: result bars and fact sets read badly in Teams' narrow default card.
    msteams: { width: 'Full', ...(entities.length > 0 ? { entities } : {}) },
  };
}

/**
 * The mentions of a view's texts as card entities: Teams shows `<at>label</at>` as a mention of the
 * entity's `mentioned.id` (the user's AAD object id or Bot Framework id).
 * https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format#mention-support-within-adaptive-cards
 */
function mentionEntities(view: View): TeamsMentionEntity[] {
  const seen = new Map<string, TeamsMentionEntity>();
  for (const block of view.blocks) {
    if (block.type !== 'text' && block.type !== 'context') continue;
    for (const m of block.text.matchAll(MENTION_PATTERN)) {
      const text = `<at>${m[1]!}</at>`;
      if (!seen.has(text)) seen.set(text, { type: 'mention', text, mentioned: { id: m[2]!, name: m[1]! } });
    }
  }
  return [...seen.values()];
}

/**
 * A Form as an Adaptive Card: a heading, one `Input.Text` per field (multi-line for long ones) and an
 * Action.Execute with verb `form.submit` whose data names the form and the conversation it was opened
 * from; Teams adds the inputs' values to that data when it is pressed.
 * @see https://adaptivecards.io/explorer/Input.Text.html
 */
export function renderFormCard(form: Form, origin: { channelId?: string } = {}): AdaptiveCard {
  const inputs: CardElement[] = form.fields.map(formInput);
  const data: Record<string, string> = { [FORM_ID_KEY]: form.formId, ...(origin.channelId ? { [FORM_CHANNEL_KEY]: origin.channelId } : {}) };
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: form.title, weight: 'Bolder', size: 'Large', style: 'heading', wrap: true },
      ...inputs,
      { type: 'ActionSet', actions: [{ type: 'Action.Execute', title: form.submitLabel, verb: FORM_SUBMIT_VERB, style: 'positive', data }] },
    ],
    fallbackText: form.title,
    msteams: { width: 'Full' },
  };
}

/**
 * One form field: `Input.Text` (multi-line for long ones), or `Input.ChoiceSet` for a select (compact)
 * and a multi-select (`isMultiSelect`: Teams sends the chosen values joined with commas).
 * @see https://adaptivecards.io/explorer/Input.ChoiceSet.html
 */
function formInput(f: FormField): CardElement {
  const common = {
    id: f.name,
    label: f.label,
    isRequired: f.required,
    ...(f.required ? { errorMessage: f.label } : {}),
    ...(f.placeholder ? { placeholder: f.placeholder } : {}),
  };
  if (f.kind === 'select' || f.kind === 'multi-select') {
    return {
      type: 'Input.ChoiceSet',
      ...common,
      style: f.kind === 'multi-select' ? 'expanded' : 'compact',
      isMultiSelect: f.kind === 'multi-select',
      choices: (f.options ?? []).map((o) => ({ title: o.label, value: o.value })),
      ...(f.initial ? { value: f.initial } : {}),
    };
  }
  return {
    type: 'Input.Text',
    ...common,
    isMultiline: f.kind === 'long',
    ...(f.maxLength ? { maxLength: f.maxLength } : {}),
    ...(f.initial ? { value: f.initial } : {}),
  };
}

/** The card as a message attachment (what a Bot Framework activity carries). */
export function cardAttachment(card: AdaptiveCard): { contentType: string; content: AdaptiveCard } {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}

function renderBlock(block: Exclude<ViewBlock, { type: 'divider' }>, index: number): CardElement[] {
  switch (block.type) {
    case 'heading':
      return [{ type: 'TextBlock', text: block.text, weight: 'Bolder', size: 'Large', style: 'heading', wrap: true }];
    case 'text':
      return [textBlock(cardMarkdown(block.text))];
    case 'fields':
      return [{ type: 'FactSet', facts: block.fields.map((f) => ({ title: f.label, value: cardMarkdown(f.value) })) }];
    case 'bars':
      return block.bars.map(barRow);
    case 'buttons':
      return [
        {
          type: 'ActionSet',
          actions: block.buttons.map((b) => ({
            type: 'Action.Execute',
            title: b.label,
            verb: b.actionId,
            data: b.value === undefined ? {} : { value: b.value },
            ...(styleOf(b.style) ? { style: styleOf(b.style) } : {}),
          })),
        },
      ];
    case 'select': {
      // Input ids must be unique within a card; Action.Execute sends every input's value in `data`,
      // and names the one it belongs to under SELECT_INPUT_KEY.
      const inputId = `kring.select.${index}`;
      return [
        {
          type: 'Input.ChoiceSet',
          id: inputId,
          style: 'compact',
          placeholder: block.placeholder,
          choices: block.options.map((o) => ({ title: o.label, value: o.value })),
        },
        {
          type: 'ActionSet',
          actions: [{ type: 'Action.Execute', title: block.placeholder, verb: block.actionId, data: { [SELECT_INPUT_KEY]: inputId } }],
        },
      ];
    }
    case 'context':
      return [{ type: 'TextBlock', text: cardMarkdown(block.text), size: 'Small', isSubtle: true, wrap: true }];
  }
}

function textBlock(text: string): CardElement {
  return { type: 'TextBlock', text, wrap: true };
}

/** One result bar: label | ████████░░ | 75% (3), in weighted columns so rows line up. */
function barRow(bar: ViewBar): CardElement {
  return {
    type: 'ColumnSet',
    columns: [
      { type: 'Column', width: 35, items: [{ type: 'TextBlock', text: bar.label, wrap: true }] },
      { type: 'Column', width: 45, items: [{ type: 'TextBlock', text: barGlyphs(bar.percent), fontType: 'Monospace' }] },
      { type: 'Column', width: 20, items: [{ type: 'TextBlock', text: `${Math.round(clampPercent(bar.percent))}% (${bar.count})`, horizontalAlignment: 'Right' }] },
    ],
  };
}

/** `████████░░` for 75%: ten cells, rounded to the nearest. */
export function barGlyphs(percent: number): string {
  const filled = Math.round((clampPercent(percent) / 100) * BAR_WIDTH);
  return '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
}

function clampPercent(percent: number): number {
  return Number.isFinite(percent) ? Math.min(100, Math.max(0, percent)) : 0;
}

function styleOf(style: ButtonStyle | undefined): 'positive' | 'destructive' | undefined {
  if (style === 'primary') return 'positive';
  if (style === 'danger') return 'destructive';
  return undefined;
}

/**
 * Kring's markdown subset -> what Teams renders in a TextBlock. Bold, italic and links pass through;
 * inline code loses its backticks (unsupported); consecutive `- ` lines become one list with `\r`
 * between items; other lines become paragraphs (a single newline would render as a space).
 */
export function cardMarkdown(text: string): string {
  const paragraphs: string[] = [];
  let list: string[] = [];
  const flush = () => {
    if (list.length > 0) paragraphs.push(list.join('\r'));
    list = [];
  };
  const withMentions = text.replace(MENTION_PATTERN, (_all, label: string) => `<at>${label}</at>`);
  for (const rawLine of withMentions.replace(/`([^`]*)`/g, '$1').split(/\r?\n/)) {
    const line = rawLine.trimEnd();
    if (/^\s*- /.test(line)) {
      list.push(`- ${line.replace(/^\s*- /, '')}`);
      continue;
    }
    flush();
    if (line.trim() !== '') paragraphs.push(line);
  }
  flush();
  return paragraphs.join('\n\n');
}
