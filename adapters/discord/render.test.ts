import { ButtonStyle, ComponentType, TextInputStyle } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { Form, View, ViewButton } from '../../src/kernel/ports/chat-platform.js';
import { everyBlockView } from '../../test/contracts/chat-platform.contract.js';
import { CustomIdError } from './custom-id.js';
import { DISCORD_LIMITS, renderBar, renderModal, renderView } from './render.js';

const buttons = (n: number): ViewButton[] => Array.from({ length: n }, (_, i) => ({ actionId: `b${i}`, label: `Knop ${i}`, value: String(i) }));

describe(renderView.name, () => {
  it('renders every block type as one embed plus component rows', () => {
    const { body, warnings } = renderView(everyBlockView);
    expect(warnings).toEqual([]);
    expect(body.content).toBe('');
    expect(body.allowed_mentions).toEqual({ parse: [] });
    const [embed] = body.embeds;
    expect(embed?.title).toBe('Ledenvergadering');
    expect(embed?.description).toContain('Kom **allemaal** naar _de_ vergadering: [agenda](https://example.org/agenda)\n- punt een\n- punt twee');
    expect(embed?.description).toContain('Ja ████████░░ 75% (3)');
    expect(embed?.description).toContain('Nee ███░░░░░░░ 25% (1)');
    expect(embed?.fields).toEqual([
      { name: 'Wanneer', value: 'dinsdag', inline: true },
      { name: 'Waar', value: 'Utrecht', inline: true },
    ]);
    expect(embed?.footer).toEqual({ text: 'Geplaatst door het bestuur' });
    expect(body.components).toEqual([
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Primary, label: 'Ja', custom_id: 'vote.yes|opt-1' },
          { type: ComponentType.Button, style: ButtonStyle.Danger, label: 'Nee', custom_id: 'vote.no|opt-2' },
        ],
      },
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.StringSelect,
            custom_id: 'pick.one',
            placeholder: 'Kies',
            min_values: 1,
            max_values: 1,
            options: [
              { label: 'A', value: 'a' },
              { label: 'B', value: 'b' },
            ],
          },
        ],
      },
    ]);
  });

  it('puts buttons in rows of five', () => {
    const { body } = renderView({ fallback: 'x', blocks: [{ type: 'heading', text: 'Stem' }, { type: 'buttons', buttons: buttons(12) }] });
    expect(body.components.map((row) => row.components.length)).toEqual([5, 5, 2]);
  });

  it('drops component rows beyond five, with a warning', () => {
    const { body, warnings } = renderView({
      fallback: 'x',
      blocks: [
        { type: 'buttons', buttons: buttons(25) },
        { type: 'select', actionId: 'late', placeholder: 'Te laat', options: [{ label: 'a', value: 'a' }] },
      ],
    });
    expect(body.components).toHaveLength(DISCORD_LIMITS.actionRows);
    expect(warnings.join(' ')).toContain('select late');
  });

  it('cuts texts to Discord embed limits', () => {
    const view: View = {
      fallback: 'x',
      blocks: [
        { type: 'heading', text: 'T'.repeat(300) },
        { type: 'text', text: 'D'.repeat(5000) },
        { type: 'fields', fields: Array.from({ length: 30 }, (_, i) => ({ label: `f${i}`, value: 'v'.repeat(2000) })) },
        { type: 'context', text: 'c' },
      ],
    };
    const { body, warnings } = renderView(view);
    const embed = body.embeds[0]!;
    expect(embed.title).toHaveLength(DISCORD_LIMITS.embedTitle);
    expect(embed.title?.endsWith('…')).toBe(true);
    expect(embed.fields!.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedFields);
    expect(embed.fields!.every((f) => f.value.length <= DISCORD_LIMITS.fieldValue)).toBe(true);
    const total = (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + embed.fields!.reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(total).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
    expect(warnings.length).toBeGreaterThan(0);
  });

  it('uses the fallback as content when there is nothing for an embed', () => {
    const { body } = renderView({ fallback: 'Kies een optie', blocks: [{ type: 'buttons', buttons: buttons(2) }] });
    expect(body.embeds).toEqual([]);
    expect(body.content).toBe('Kies een optie');
  });

  it('renders later headings bold, dividers as a line and strips markdown from the footer', () => {
    const { body } = renderView({
      fallback: 'x',
      blocks: [
        { type: 'heading', text: 'Een' },
        { type: 'divider' },
        { type: 'heading', text: 'Twee' },
        { type: 'context', text: 'Door **het bestuur**, zie [site](https://example.org)' },
      ],
    });
    expect(body.embeds[0]?.description).toBe('──────────\n\n**Twee**');
    expect(body.embeds[0]?.footer?.text).toBe('Door het bestuur, zie site (https://example.org)');
  });

  it('adds the workspace to custom_ids of DMs', () => {
    const { body } = renderView({ fallback: 'x', blocks: [{ type: 'buttons', buttons: [{ actionId: 'ok', label: 'OK' }] }] }, { workspaceId: '1253405275628179527' });
    expect(body.components[0]?.components[0]).toMatchObject({ custom_id: '@1253405275628179527/ok' });
  });

  it('refuses a custom_id over 100 characters', () => {
    expect(() => renderView({ fallback: 'x', blocks: [{ type: 'buttons', buttons: [{ actionId: 'a'.repeat(60), label: 'x', value: 'v'.repeat(60) }] }] })).toThrow(CustomIdError);
  });
});

describe(renderBar.name, () => {
  it('draws ten blocks and clamps the percentage', () => {
    expect(renderBar({ label: 'Ja', count: 3, percent: 75 })).toBe('Ja ████████░░ 75% (3)');
    expect(renderBar({ label: 'Nee', count: 0, percent: 0 })).toBe('Nee ░░░░░░░░░░ 0% (0)');
    expect(renderBar({ label: 'Alles', count: 9, percent: 140 })).toBe('Alles ██████████ 100% (9)');
  });
});

describe(renderModal.name, () => {
  const form: Form = {
    formId: 'poll.create',
    title: 'Nieuwe poll',
    submitLabel: 'Maak poll',
    fields: [
      { name: 'question', label: 'Vraag', kind: 'short', required: true, placeholder: 'Waar spreken we af?', maxLength: 200 },
      { name: 'options', label: 'Opties, één per regel', kind: 'long', required: true },
      { name: 'settings', label: 'Instellingen (optioneel)', kind: 'short', required: false },
    ],
  };

  it('renders a form as modal data: formId as custom_id, one short or paragraph text input per row', () => {
    expect(renderModal(form)).toEqual({
      custom_id: 'poll.create',
      title: 'Nieuwe poll',
      components: [
        { type: ComponentType.ActionRow, components: [{ type: ComponentType.TextInput, custom_id: 'question', label: 'Vraag', style: TextInputStyle.Short, required: true, placeholder: 'Waar spreken we af?', max_length: 200 }] },
        { type: ComponentType.ActionRow, components: [{ type: ComponentType.TextInput, custom_id: 'options', label: 'Opties, één per regel', style: TextInputStyle.Paragraph, required: true }] },
        { type: ComponentType.ActionRow, components: [{ type: ComponentType.TextInput, custom_id: 'settings', label: 'Instellingen (optioneel)', style: TextInputStyle.Short, required: false }] },
      ],
    });
  });

  it('keeps titles and labels within 45 characters and at most five fields', () => {
    const long = 'x'.repeat(80);
    const many: Form = { ...form, title: long, fields: Array.from({ length: 7 }, (_, i) => ({ name: `f${i}`, label: long, kind: 'short' as const, required: false })) };
    const modal = renderModal(many) as { title: string; components: { components: { label: string }[] }[] };
    expect(modal.title.length).toBe(45);
    expect(modal.components).toHaveLength(5);
    expect(modal.components[0]!.components[0]!.label.length).toBe(45);
  });
});

describe('select fields and mentions (issue 13)', () => {
  it('renders select fields as string selects inside labels, text fields as classic rows', () => {
    const form: Form = {
      formId: 'connect.profile',
      title: 'Je profiel',
      submitLabel: 'Opslaan',
      fields: [
        { name: 'intro', label: 'Over jou', kind: 'long', required: false, initial: 'Hoi' },
        { name: 'interests', label: 'Interesses', kind: 'multi-select', required: false, options: [{ label: 'Fietsen', value: 'a' }, { label: 'Koken', value: 'b' }, { label: 'Zwemmen', value: 'c' }], initial: 'a,c' },
        { name: 'cadence', label: 'Kennismakingen', kind: 'select', required: true, options: [{ label: 'Nee', value: 'off' }, { label: 'Elke 2 weken', value: '2' }], initial: 'off' },
      ],
    };
    const modal = renderModal(form) as { components: Record<string, unknown>[] };
    expect(modal.components[0]).toMatchObject({ type: ComponentType.ActionRow, components: [{ type: ComponentType.TextInput, style: TextInputStyle.Paragraph, value: 'Hoi' }] });
    expect(modal.components[1]).toMatchObject({
      type: ComponentType.Label,
      label: 'Interesses',
      component: { type: ComponentType.StringSelect, custom_id: 'interests', min_values: 0, max_values: 3, options: [{ value: 'a', default: true }, { value: 'b' }, { value: 'c', default: true }] },
    });
    expect(modal.components[2]).toMatchObject({ type: ComponentType.Label, component: { type: ComponentType.StringSelect, min_values: 1, max_values: 1, options: [{ value: 'off', default: true }, { value: '2' }] } });
  });

  it('renders a mention as <@id> in text and its label in the footer, never pinging', () => {
    const { body } = renderView({ fallback: 'x', blocks: [{ type: 'text', text: 'Meet [Bram](mention:123456789012345678)' }, { type: 'context', text: 'By [Bram](mention:123456789012345678)' }] });
    expect(body.embeds[0]!.description).toBe('Meet <@123456789012345678>');
    expect(body.embeds[0]!.footer!.text).toBe('By Bram');
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });
});
