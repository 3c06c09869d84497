import { describe, expect, it } from 'vitest';
import { everyBlockView } from '../../test/contracts/chat-platform.contract.js';
import type { Form } from '../../src/kernel/ports/chat-platform.js';
import { barGlyphs, cardMarkdown, renderCard, renderFormCard, type CardElement } from './render.js';

function find(body: CardElement[], type: string): CardElement[] {
  return body.filter((e) => e['type'] === type);
}

describe('renderCard (Teams)', () => {
  const sut = renderCard(everyBlockView);

  it('produces an Adaptive Card 1.5 with the fallback text', () => {
    expect(sut).toMatchObject({ type: 'AdaptiveCard', version: '1.5', fallbackText: 'Kring test view' });
  });

  it('renders the heading as a large, bolder TextBlock', () => {
    expect(sut.body[0]).toMatchObject({ type: 'TextBlock', text: 'Ledenvergadering', weight: 'Bolder', size: 'Large', wrap: true });
  });

  it('keeps bold, italic and links, and turns "- " lines into a \\r-separated list', () => {
    expect(sut.body[1]).toMatchObject({
      type: 'TextBlock',
      wrap: true,
      text: 'Kom **allemaal** naar _de_ vergadering: [agenda](https://example.org/agenda)\n\n- punt een\r- punt twee',
    });
  });

  it('renders fields as a FactSet', () => {
    expect(find(sut.body, 'FactSet')[0]).toEqual({
      type: 'FactSet',
      facts: [
        { title: 'Wanneer', value: 'dinsdag' },
        { title: 'Waar', value: 'Utrecht' },
      ],
    });
  });

  it('turns a divider into a separator on the next element', () => {
    const firstBar = find(sut.body, 'ColumnSet')[0];
    expect(firstBar).toMatchObject({ separator: true });
  });

  it('renders bars with a glyph bar, the percentage and the count', () => {
    const bars = find(sut.body, 'ColumnSet');
    expect(bars).toHaveLength(2);
    expect(JSON.stringify(bars[0])).toContain('████████░░');
    expect(JSON.stringify(bars[0])).toContain('75% (3)');
    expect(JSON.stringify(bars[1])).toContain('25% (1)');
    expect(barGlyphs(0)).toBe('░░░░░░░░░░');
    expect(barGlyphs(140)).toBe('██████████');
  });

  it('renders buttons as Action.Execute with the action id as verb and the value in data', () => {
    const [buttons] = find(sut.body, 'ActionSet');
    expect(buttons!['actions']).toEqual([
      { type: 'Action.Execute', title: 'Ja', verb: 'vote.yes', data: { value: 'opt-1' }, style: 'positive' },
      { type: 'Action.Execute', title: 'Nee', verb: 'vote.no', data: { value: 'opt-2' }, style: 'destructive' },
    ]);
  });

  it('renders a select as a compact ChoiceSet plus an Execute action naming the input', () => {
    const [choice] = find(sut.body, 'Input.ChoiceSet');
    expect(choice).toMatchObject({ style: 'compact', placeholder: 'Kies', choices: [{ title: 'A', value: 'a' }, { title: 'B', value: 'b' }] });
    const execute = (find(sut.body, 'ActionSet')[1]!['actions'] as CardElement[])[0];
    expect(execute).toMatchObject({ type: 'Action.Execute', verb: 'pick.one', data: { kringInput: choice!['id'] } });
  });

  it('renders context as small subtle text', () => {
    expect(sut.body.at(-1)).toMatchObject({ type: 'TextBlock', text: 'Geplaatst door het bestuur', size: 'Small', isSubtle: true });
  });

  it('shows the fallback when a view has no blocks', () => {
    expect(renderCard({ fallback: 'Alleen tekst', blocks: [] }).body).toEqual([{ type: 'TextBlock', text: 'Alleen tekst', wrap: true }]);
  });
});

describe('cardMarkdown', () => {
  it('drops inline-code backticks, which Teams cards do not render', () => {
    expect(cardMarkdown('Typ `kring link`')).toBe('Typ kring link');
  });

  it('separates plain lines as paragraphs', () => {
    expect(cardMarkdown('een\ntwee\n\ndrie')).toBe('een\n\ntwee\n\ndrie');
  });
});

describe('renderFormCard (Teams)', () => {
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

  it('renders Input.Text fields and an Action.Execute form.submit naming the form and the origin conversation', () => {
    const card = renderFormCard(form, { channelId: '19:general@thread.tacv2' });
    expect(card.body).toEqual([
      { type: 'TextBlock', text: 'Nieuwe poll', weight: 'Bolder', size: 'Large', style: 'heading', wrap: true },
      { type: 'Input.Text', id: 'question', label: 'Vraag', isRequired: true, isMultiline: false, errorMessage: 'Vraag', placeholder: 'Waar spreken we af?', maxLength: 200 },
      { type: 'Input.Text', id: 'options', label: 'Opties, één per regel', isRequired: true, isMultiline: true, errorMessage: 'Opties, één per regel' },
      { type: 'Input.Text', id: 'settings', label: 'Instellingen (optioneel)', isRequired: false, isMultiline: false },
      {
        type: 'ActionSet',
        actions: [{ type: 'Action.Execute', title: 'Maak poll', verb: 'form.submit', style: 'positive', data: { formId: 'poll.create', kringChannel: '19:general@thread.tacv2' } }],
      },
    ]);
    expect(card.version).toBe('1.5');
  });
});

describe('select fields and mentions (issue 13)', () => {
  it('renders select fields as Input.ChoiceSet (multi-select with isMultiSelect) with their initial values', () => {
    const form: Form = {
      formId: 'connect.profile',
      title: 'Your profile',
      submitLabel: 'Save',
      fields: [
        { name: 'interests', label: 'Interests', kind: 'multi-select', required: false, options: [{ label: 'Cycling', value: 'a' }, { label: 'Cooking', value: 'b' }], initial: 'a,b' },
        { name: 'reach', label: 'Findable', kind: 'select', required: true, options: [{ label: 'Nobody', value: 'hidden' }], initial: 'hidden' },
      ],
    };
    const inputs = find(renderFormCard(form).body, 'Input.ChoiceSet');
    expect(inputs[0]).toMatchObject({ id: 'interests', isMultiSelect: true, value: 'a,b', choices: [{ title: 'Cycling', value: 'a' }, { title: 'Cooking', value: 'b' }] });
    expect(inputs[1]).toMatchObject({ id: 'reach', isMultiSelect: false, style: 'compact', value: 'hidden' });
  });

  it('renders a mention as <at>label</at> with a mention entity', () => {
    const card = renderCard({ fallback: 'x', blocks: [{ type: 'text', text: 'Meet [Jan](mention:00000000-0000-0000-0000-00000000000a)' }] });
    expect(JSON.stringify(card.body)).toContain('Meet <at>Jan</at>');
    expect(card.msteams.entities).toEqual([{ type: 'mention', text: '<at>Jan</at>', mentioned: { id: '00000000-0000-0000-0000-00000000000a', name: 'Jan' } }]);
  });
});
