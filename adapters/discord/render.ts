import {
  ButtonStyle as DiscordButtonStyle,
  ComponentType,
  TextInputStyle,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIEmbedField,
} from 'discord.js';
import { MENTION_PATTERN, type ButtonStyle, type Form, type FormField, type View, type ViewBar, type ViewBlock } from '../../src/kernel/ports/chat-platform.js';
import { encodeCustomId } from './custom-id.js';

/**
 * View -> Discord message body: one embed (heading = title, text/bars = description, fields = inline
 * fields, context = footer) plus action rows of buttons and string selects. Discord's markdown covers
 * the View's subset (`**bold**`, `_italic_`, `` `code` ``, `[label](url)`, `- ` lists) natively, so text
 * passes through unchanged.
 *
 * Limits are enforced here, not discovered as a 400 later: texts are truncated with an ellipsis and
 * surplus components are dropped, each with a warning for the log.
 *
 * @see https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 * @see https://discord.com/developers/docs/components/reference#action-row
 */

/** Discord's limits that rendering has to respect. */
export const DISCORD_LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  embedTotal: 6000,
  actionRows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  selectOptions: 25,
  selectOptionText: 100,
  selectPlaceholder: 150,
} as const;

/** Body of a create/edit message call (also the `data` of an interaction response). */
export interface DiscordMessageBody {
  /** Empty when the embed carries everything; sent anyway so an edit clears earlier content. */
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
  /** View text is never allowed to ping: no @everyone, roles or users from rendered text. */
  allowed_mentions: { parse: [] };
}

export interface RenderOptions {
  /** Set when the message goes to a DM: encoded into custom_ids because DM interactions lack a guild. */
  workspaceId?: string;
}

export interface RenderResult {
  body: DiscordMessageBody;
  /** What had to be cut to fit Discord's limits; the caller logs them. */
  warnings: string[];
}

const BAR_WIDTH = 10;
const DIVIDER = '──────────';

/** Renders a View as a Discord message body. Throws CustomIdError when an action id cannot be encoded. */
export function renderView(view: View, options: RenderOptions = {}): RenderResult {
  const warnings: string[] = [];
  let title: string | undefined;
  const description: string[] = [];
  const fields: APIEmbedField[] = [];
  const footer: string[] = [];
  const rows: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];

  const addRow = (row: APIActionRowComponent<APIComponentInMessageActionRow>, what: string): void => {
    if (rows.length >= DISCORD_LIMITS.actionRows) {
      warnings.push(`dropped ${what}: Discord allows ${DISCORD_LIMITS.actionRows} component rows`);
      return;
    }
    rows.push(row);
  };

  for (const block of view.blocks) {
    renderBlock(block);
  }

  function renderBlock(block: ViewBlock): void {
    switch (block.type) {
      case 'heading':
        if (title === undefined) title = block.text;
        else description.push(`**${block.text}**`);
        return;
      case 'text':
        description.push(withMentions(block.text));
        return;
      case 'fields':
        for (const field of block.fields) {
          fields.push({ name: nonEmpty(field.label), value: nonEmpty(field.value), inline: true });
        }
        return;
      case 'bars':
        description.push(block.bars.map(renderBar).join('\n'));
        return;
      case 'divider':
        description.push(DIVIDER);
        return;
      case 'context':
        footer.push(toPlainText(withoutMentions(block.text)));
        return;
      case 'buttons':
        for (let i = 0; i < block.buttons.length; i += DISCORD_LIMITS.buttonsPerRow) {
          const chunk = block.buttons.slice(i, i + DISCORD_LIMITS.buttonsPerRow);
          addRow(
            {
              type: ComponentType.ActionRow,
              components: chunk.map((button) => ({
                type: ComponentType.Button,
                style: toButtonStyle(button.style),
                label: truncate(button.label, DISCORD_LIMITS.buttonLabel),
                custom_id: encodeCustomId(button.actionId, button.value, options.workspaceId),
              })),
            },
            `buttons ${chunk.map((b) => b.actionId).join(', ')}`,
          );
        }
        return;
      case 'select': {
        if (block.options.length > DISCORD_LIMITS.selectOptions) {
          warnings.push(`select ${block.actionId}: kept the first ${DISCORD_LIMITS.selectOptions} of ${block.options.length} options`);
        }
        addRow(
          {
            type: ComponentType.ActionRow,
            components: [
              {
                type: ComponentType.StringSelect,
                custom_id: encodeCustomId(block.actionId, undefined, options.workspaceId),
                placeholder: truncate(block.placeholder, DISCORD_LIMITS.selectPlaceholder),
                min_values: 1,
                max_values: 1,
                options: block.options.slice(0, DISCORD_LIMITS.selectOptions).map((o) => ({
                  label: truncate(nonEmpty(o.label), DISCORD_LIMITS.selectOptionText),
                  value: o.value.slice(0, DISCORD_LIMITS.selectOptionText),
                })),
              },
            ],
          },
          `select ${block.actionId}`,
        );
        return;
      }
    }
  }

  const embed = fitEmbed({ title, description: description.join('\n\n'), fields, footer: footer.join(' · ') }, warnings);
  const hasEmbed = embed.title !== undefined || embed.description !== undefined || (embed.fields?.length ?? 0) > 0;
  const body: DiscordMessageBody = {
    // A message needs content, an embed or components; the fallback covers a View of only buttons.
    content: hasEmbed ? '' : truncate(view.fallback || '\u200b', DISCORD_LIMITS.content),
    embeds: hasEmbed ? [embed] : [],
    components: rows,
    allowed_mentions: { parse: [] },
  };
  return { body, warnings };
}

/** One result bar as text, e.g. `Ja ████████░░ 75% (3)`. */
export function renderBar(bar: ViewBar): string {
  const percent = Math.max(0, Math.min(100, Math.round(bar.percent)));
  const filled = Math.round((percent / 100) * BAR_WIDTH);
  return `${bar.label} ${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${percent}% (${bar.count})`;
}

interface EmbedParts {
  title: string | undefined;
  description: string;
  fields: APIEmbedField[];
  footer: string;
}

/** Applies the per-field limits, then the 6000-character total (description first, then trailing fields). */
function fitEmbed(parts: EmbedParts, warnings: string[]): APIEmbed {
  const title = parts.title === undefined ? undefined : cut(parts.title, DISCORD_LIMITS.embedTitle, 'title', warnings);
  let description = cut(parts.description, DISCORD_LIMITS.embedDescription, 'description', warnings);
  const footer = cut(parts.footer, DISCORD_LIMITS.footer, 'footer', warnings);
  let fields = parts.fields;
  if (fields.length > DISCORD_LIMITS.embedFields) {
    warnings.push(`kept the first ${DISCORD_LIMITS.embedFields} of ${fields.length} fields`);
    fields = fields.slice(0, DISCORD_LIMITS.embedFields);
  }
  fields = fields.map((f) => ({
    ...f,
    name: cut(f.name, DISCORD_LIMITS.fieldName, 'field name', warnings),
    value: cut(f.value, DISCORD_LIMITS.fieldValue, 'field value', warnings),
  }));

  const fieldChars = () => fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  const fixed = (title?.length ?? 0) + footer.length;
  if (fixed + description.length + fieldChars() > DISCORD_LIMITS.embedTotal) {
    const room = Math.max(0, DISCORD_LIMITS.embedTotal - fixed - fieldChars());
    if (description.length > room) {
      warnings.push(`description shortened to ${room} characters to keep the embed within ${DISCORD_LIMITS.embedTotal}`);
      description = truncate(description, room);
    }
    while (fields.length > 0 && fixed + description.length + fieldChars() > DISCORD_LIMITS.embedTotal) {
      warnings.push(`dropped field "${fields[fields.length - 1]!.name}" to keep the embed within ${DISCORD_LIMITS.embedTotal}`);
      fields = fields.slice(0, -1);
    }
  }

  const embed: APIEmbed = {};
  if (title !== undefined && title !== '') embed.title = title;
  if (description !== '') embed.description = description;
  if (fields.length > 0) embed.fields = fields;
  if (footer !== '') embed.footer = { text: footer };
  return embed;
}

function cut(text: string, max: number, what: string, warnings: string[]): string {
  if (text.length <= max) return text;
  warnings.push(`${what} shortened from ${text.length} to ${max} characters`);
  return truncate(text, max);
}

/** Shortens to `max` characters, ending in an ellipsis; never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return text.slice(0, max);
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Embed fields and select labels may not be empty; a zero-width space is Discord's usual filler. */
function nonEmpty(text: string): string {
  return text.trim() === '' ? '\u200b' : text;
}

function toButtonStyle(style: ButtonStyle | undefined): DiscordButtonStyle.Primary | DiscordButtonStyle.Danger | DiscordButtonStyle.Secondary {
  if (style === 'primary') return DiscordButtonStyle.Primary;
  if (style === 'danger') return DiscordButtonStyle.Danger;
  return DiscordButtonStyle.Secondary;
}

/**
 * `[label](mention:<user id>)` -> `<@id>`: Discord shows the person's name (in an embed it does not ping;
 * `allowed_mentions` stays empty anyway). An id that is not a snowflake keeps only its label.
 */
function withMentions(text: string): string {
  return text.replace(MENTION_PATTERN, (_all, label: string, userId: string) => (/^\d{5,25}$/.test(userId) ? `<@${userId}>` : label));
}

/** Footers render no mentions: the label stays. */
function withoutMentions(text: string): string {
  return text.replace(MENTION_PATTERN, (_all, label: string) => label);
}

/** Footers show no markdown: drop the markers, keep link targets readable. */
function toPlainText(text: string): string {
  return text
    .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '$1 ($2)')
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/(^|\W)_(.+?)_(?=\W|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1');
}

/** Discord's modal limits. https://discord.com/developers/docs/components/reference#text-input */
export const DISCORD_MODAL_LIMITS = { title: 45, label: 45, placeholder: 100, maxLength: 4000, customId: 100, fields: 5 } as const;

/**
 * A Form as the `data` of a type-9 MODAL interaction response: a text field is one text input per action
 * row; a `select` or `multi-select` is a string select inside a label (Discord's newer modal layout, which
 * modals may mix with the classic rows). https://discord.com/developers/docs/components/reference#label
 */
export function renderModal(form: Form): Record<string, unknown> {
  const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
  return {
    custom_id: form.formId.slice(0, DISCORD_MODAL_LIMITS.customId),
    title: cut(form.title || form.formId, DISCORD_MODAL_LIMITS.title),
    components: form.fields.slice(0, DISCORD_MODAL_LIMITS.fields).map((f) => (f.kind === 'select' || f.kind === 'multi-select' ? selectLabel(f, cut) : textRow(f, cut))),
  };
}

function textRow(f: FormField, cut: (text: string, max: number) => string): Record<string, unknown> {
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.TextInput,
        custom_id: f.name,
        label: cut(f.label || f.name, DISCORD_MODAL_LIMITS.label),
        style: f.kind === 'long' ? TextInputStyle.Paragraph : TextInputStyle.Short,
        required: f.required,
        ...(f.placeholder ? { placeholder: cut(f.placeholder, DISCORD_MODAL_LIMITS.placeholder) } : {}),
        ...(f.maxLength ? { max_length: Math.min(f.maxLength, DISCORD_MODAL_LIMITS.maxLength) } : {}),
        ...(f.initial ? { value: f.initial.slice(0, Math.min(f.maxLength ?? DISCORD_MODAL_LIMITS.maxLength, DISCORD_MODAL_LIMITS.maxLength)) } : {}),
      },
    ],
  };
}

/** A select field: a label (type 18) holding a string select; `multi-select` allows 0..n choices. */
function selectLabel(f: FormField, cut: (text: string, max: number) => string): Record<string, unknown> {
  const options = (f.options ?? []).slice(0, DISCORD_LIMITS.selectOptions);
  const chosen = new Set((f.initial ?? '').split(',').filter((v) => v !== ''));
  const multi = f.kind === 'multi-select';
  return {
    type: ComponentType.Label,
    label: cut(f.label || f.name, DISCORD_MODAL_LIMITS.label),
    component: {
      type: ComponentType.StringSelect,
      custom_id: f.name,
      required: f.required,
      min_values: f.required ? 1 : 0,
      max_values: multi ? Math.max(1, options.length) : 1,
      ...(f.placeholder ? { placeholder: cut(f.placeholder, DISCORD_LIMITS.selectPlaceholder) } : {}),
      options: options.map((o) => ({
        label: truncate(nonEmpty(o.label), DISCORD_LIMITS.selectOptionText),
        value: o.value.slice(0, DISCORD_LIMITS.selectOptionText),
        ...(chosen.has(o.value) && (multi || [...chosen][0] === o.value) ? { default: true } : {}),
      })),
    },
  };
}
