import { describe, expect, it } from 'vitest';
import type { Form, View, ViewBlock } from '../../src/kernel/ports/chat-platform.js';
import { everyBlockView } from '../../test/contracts/chat-platform.contract.js';
import { validateBlocks } from '../../test/fakes/slack/blocks.js';
import {
  renderModal,
  SLACK_LIMITS,
  markdownToMrkdwn,
  originalActionId,
  renderBar,
  renderBlocks,
  renderFallback,
  renderMessage,
  renderResponse,
  truncate,
  truncateMrkdwn,
} from './render.js';

const view = (...blocks: ViewBlock[]): View => ({ fallback: 'fallback', blocks });
const only = (block: ViewBlock) => renderBlocks(view(block));

describe(renderBlocks.name, () => {
  it('renders a heading as a plain-text header', () => {
    expect(only({ type: 'heading', text: 'Ledenvergadering' })).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Ledenvergadering', emoji: true } },
    ]);
  });

  it('renders text as a mrkdwn section, translating the markdown subset', () => {
    const source = everyBlockView.blocks[1];
    const [section] = only({ type: 'text', text: source?.type === 'text' ? source.text : '' });
    expect(section).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    const text = (section as { text: { text: string } }).text.text;
    expect(text).toMatch(/\*allemaal\*/);
    expect(text).toMatch(/_de_/);
    expect(text).toContain('<https://example.org/agenda|agenda>');
    expect(text).toContain('•   punt een');
    expect(text).not.toMatch(/\n$/);
  });

  it('renders fields as bold label over value, at most 10 per section', () => {
    const fields = Array.from({ length: 12 }, (_, i) => ({ label: `Veld ${i}`, value: `waarde <${i}>` }));
    const blocks = only({ type: 'fields', fields });
    expect(blocks).toHaveLength(2);
    const first = blocks[0] as { fields: { type: string; text: string }[] };
    expect(first.fields).toHaveLength(10);
    expect(first.fields[0]).toEqual({ type: 'mrkdwn', text: '*Veld 0*\nwaarde &lt;0&gt;' });
    expect((blocks[1] as { fields: unknown[] }).fields).toHaveLength(2);
  });

  it('renders a divider', () => {
    expect(only({ type: 'divider' })).toEqual([{ type: 'divider' }]);
  });

  it('renders bars as text bars with the percentage', () => {
    const [section] = only({ type: 'bars', bars: [{ label: 'Ja', count: 3, percent: 75 }, { label: 'Nee', count: 1, percent: 25 }] });
    expect((section as { text: { text: string } }).text.text).toBe('Ja  ████████░░ 75% (3)\nNee  ███░░░░░░░ 25% (1)');
  });

  it('renders buttons in an actions block, mapping styles (default has none)', () => {
    const [actions] = only({
      type: 'buttons',
      buttons: [
        { actionId: 'a', label: 'Ja', value: '1', style: 'primary' },
        { actionId: 'b', label: 'Nee', style: 'danger' },
        { actionId: 'c', label: 'Later', style: 'default' },
      ],
    });
    expect(actions).toEqual({
      type: 'actions',
      elements: [
        { type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'Ja', emoji: true }, value: '1', style: 'primary' },
        { type: 'button', action_id: 'b', text: { type: 'plain_text', text: 'Nee', emoji: true }, style: 'danger' },
        { type: 'button', action_id: 'c', text: { type: 'plain_text', text: 'Later', emoji: true } },
      ],
    });
  });

  it('makes repeated action ids unique within a block, reversibly', () => {
    const [actions] = only({
      type: 'buttons',
      buttons: [1, 2, 3].map((n) => ({ actionId: 'poll.vote', label: `Optie ${n}`, value: `opt-${n}` })),
    });
    const ids = (actions as { elements: { action_id: string }[] }).elements.map((e) => e.action_id);
    expect(ids).toEqual(['poll.vote', 'poll.vote::1', 'poll.vote::2']);
    expect(ids.map(originalActionId)).toEqual(['poll.vote', 'poll.vote', 'poll.vote']);
  });

  it('splits more than 25 buttons over several actions blocks', () => {
    const buttons = Array.from({ length: 30 }, (_, i) => ({ actionId: `b${i}`, label: `${i}` }));
    const blocks = only({ type: 'buttons', buttons });
    expect(blocks.map((b) => (b as { elements: unknown[] }).elements.length)).toEqual([25, 5]);
  });

  it('renders a select as a static_select, at most 100 options; none without options', () => {
    const options = Array.from({ length: 120 }, (_, i) => ({ label: `Afdeling ${i}`, value: `c${i}` }));
    const [actions] = only({ type: 'select', actionId: 'pick', placeholder: 'Kies', options });
    const select = (actions as unknown as { elements: Record<string, unknown>[] }).elements[0]!;
    expect(select).toMatchObject({ type: 'static_select', action_id: 'pick', placeholder: { type: 'plain_text', text: 'Kies' } });
    expect((select.options as unknown[]).length).toBe(100);
    expect(only({ type: 'select', actionId: 'pick', placeholder: 'Kies', options: [] })).toEqual([]);
  });

  it('renders context as a mrkdwn context element', () => {
    expect(only({ type: 'context', text: 'Door **het bestuur**' })).toEqual([
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Door \u200B*het bestuur*\u200B' }] },
    ]);
  });

  it('skips empty headings and texts, which Slack rejects', () => {
    expect(renderBlocks(view({ type: 'heading', text: ' ' }, { type: 'text', text: '' }, { type: 'context', text: '' }))).toEqual([]);
  });

  it('renders every block type of the contract view within Slack limits', () => {
    expect(validateBlocks(renderBlocks(everyBlockView))).toBeUndefined();
  });
});

describe('limits', () => {
  it('cuts long texts to Slack limits with an ellipsis', () => {
    const long = 'x'.repeat(5000);
    const blocks = renderBlocks(
      view(
        { type: 'heading', text: long },
        { type: 'text', text: long },
        { type: 'fields', fields: [{ label: 'L', value: long }] },
        { type: 'context', text: long },
        { type: 'buttons', buttons: [{ actionId: 'a', label: long, value: long }] },
        { type: 'select', actionId: 's', placeholder: long, options: [{ label: long, value: long }] },
      ),
    );
    // Deep paths into the JSON; the shapes are asserted by the expectations themselves.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- reading nested Block Kit JSON in a test
    const json = blocks as unknown as Record<string, any>[];
    expect(json[0]!.text.text).toHaveLength(SLACK_LIMITS.headerText);
    expect(json[1]!.text.text).toHaveLength(SLACK_LIMITS.sectionText);
    expect(json[1]!.text.text.endsWith('…')).toBe(true);
    expect(json[2]!.fields[0].text).toHaveLength(SLACK_LIMITS.fieldText);
    expect(json[3]!.elements[0].text).toHaveLength(SLACK_LIMITS.contextText);
    expect(json[4]!.elements[0].text.text).toHaveLength(SLACK_LIMITS.buttonText);
    expect(json[4]!.elements[0].value).toHaveLength(SLACK_LIMITS.buttonValue);
    expect(json[5]!.elements[0].placeholder.text).toHaveLength(SLACK_LIMITS.placeholder);
    expect(json[5]!.elements[0].options[0].text.text).toHaveLength(SLACK_LIMITS.optionText);
    expect(json[5]!.elements[0].options[0].value).toHaveLength(SLACK_LIMITS.optionValue);
    expect(validateBlocks(blocks)).toBeUndefined();
  });

  it('caps a message at 50 blocks, the last one saying the rest was cut off', () => {
    const blocks = renderBlocks(view(...Array.from({ length: 60 }, () => ({ type: 'divider' }) as const)));
    expect(blocks).toHaveLength(50);
    expect(blocks[49]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '…' }] });
  });

  it('splits long bar lists over sections under the text limit', () => {
    const bars = Array.from({ length: 200 }, (_, i) => ({ label: `Optie nummer ${i}`, count: i, percent: i % 101 }));
    const blocks = only({ type: 'bars', bars });
    expect(blocks.length).toBeGreaterThan(1);
    expect(validateBlocks(blocks)).toBeUndefined();
  });
});

describe(truncate.name, () => {
  it('leaves short text alone and never splits an emoji', () => {
    expect(truncate('kort', 10)).toBe('kort');
    expect(truncate('ab😀😀😀', 5)).toBe('ab😀…');
  });
});

describe(truncateMrkdwn.name, () => {
  it('does not cut a link or an entity in half', () => {
    expect(truncateMrkdwn('zie <https://example.org/lange/weg|de agenda> nu', 20)).toBe('zie…');
    expect(truncateMrkdwn('a &amp; b &amp; c', 9)).toBe('a &amp;…');
  });
});

describe(renderBar.name, () => {
  it('rounds and clamps the percentage', () => {
    expect(renderBar({ label: 'A', count: 2, percent: 66.6667 })).toBe('A  ███████░░░ 67% (2)');
    expect(renderBar({ label: 'B', count: 0, percent: -5 })).toBe('B  ░░░░░░░░░░ 0% (0)');
    expect(renderBar({ label: 'C', count: 9, percent: 130 })).toBe('C  ██████████ 100% (9)');
    expect(renderBar({ label: '<D>', count: 1, percent: Number.NaN })).toBe('&lt;D&gt;  ░░░░░░░░░░ 0% (1)');
  });
});

describe(markdownToMrkdwn.name, () => {
  it('maps bold, italic, code and links; escapes control characters', () => {
    expect(markdownToMrkdwn('**vet** _schuin_ `code` [site](https://kring.example)')).toBe(
      '\u200B*vet*\u200B \u200B_schuin_\u200B `code` <https://kring.example|site>',
    );
    expect(markdownToMrkdwn('a < b & c')).toBe('a &lt; b &amp; c');
  });
});

describe(renderFallback.name, () => {
  it("uses the view's fallback, or its first heading when that is empty", () => {
    expect(renderFallback({ fallback: 'Nieuw bericht', blocks: [] })).toBe('Nieuw bericht');
    expect(renderFallback({ fallback: '', blocks: [{ type: 'divider' }, { type: 'heading', text: 'Poll' }] })).toBe('Poll');
  });
});

describe(renderResponse.name, () => {
  const reply: { view: View } = { view: { fallback: 'ok', blocks: [{ type: 'text', text: 'Klaar' }] } };

  it('answers a command privately as ephemeral and publicly in the channel', () => {
    expect(renderResponse({ ...reply, visibility: 'private' }, 'command')).toMatchObject({ response_type: 'ephemeral', text: 'ok' });
    expect(renderResponse({ ...reply, visibility: 'channel' }, 'command')).toMatchObject({ response_type: 'in_channel' });
    expect(renderResponse({ ...reply, visibility: 'private' }, 'command')).not.toHaveProperty('replace_original');
  });

  it('replaces the original message for actions that ask for it, and says so explicitly otherwise', () => {
    expect(renderResponse({ ...reply, visibility: 'channel', replaceOriginal: true }, 'action')).toEqual({
      ...renderMessage(reply.view),
      replace_original: true,
    });
    expect(renderResponse({ ...reply, visibility: 'private' }, 'action')).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
    });
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

  it('renders a form as a modal with one input per field, the formId as callback_id and the channel in private_metadata', () => {
    const modal = renderModal(form, { channelId: 'C0GENERAL1' });
    expect(modal).toMatchObject({
      type: 'modal',
      callback_id: 'poll.create',
      title: { type: 'plain_text', text: 'Nieuwe poll' },
      submit: { type: 'plain_text', text: 'Maak poll' },
      private_metadata: JSON.stringify({ channelId: 'C0GENERAL1' }),
    });
    expect(modal.blocks).toEqual([
      {
        type: 'input',
        block_id: 'question',
        optional: false,
        label: { type: 'plain_text', text: 'Vraag', emoji: true },
        element: { type: 'plain_text_input', action_id: 'question', multiline: false, placeholder: { type: 'plain_text', text: 'Waar spreken we af?', emoji: true }, max_length: 200 },
      },
      { type: 'input', block_id: 'options', optional: false, label: { type: 'plain_text', text: 'Opties, één per regel', emoji: true }, element: { type: 'plain_text_input', action_id: 'options', multiline: true } },
      { type: 'input', block_id: 'settings', optional: true, label: { type: 'plain_text', text: 'Instellingen (optioneel)', emoji: true }, element: { type: 'plain_text_input', action_id: 'settings', multiline: false } },
    ]);
  });

  it('cuts the title and submit label to Slack’s 24 characters', () => {
    const modal = renderModal({ ...form, title: 'Een hele lange titel voor een modal', submitLabel: 'Een hele lange knoptekst hier' }, {});
    expect(modal.title.text.length).toBeLessThanOrEqual(24);
    expect(modal.submit?.text.length).toBeLessThanOrEqual(24);
    expect(modal.private_metadata).toBe('{}');
  });
});

describe('select fields and mentions (issue 13)', () => {
  const form: Form = {
    formId: 'connect.profile',
    title: 'Your profile',
    submitLabel: 'Save',
    fields: [
      { name: 'intro', label: 'About you', kind: 'long', required: false, maxLength: 500, initial: 'Hallo' },
      { name: 'interests', label: 'Interests', kind: 'multi-select', required: false, options: [{ label: 'Fietsen', value: 'a' }, { label: 'Koken', value: 'b' }], initial: 'b' },
      { name: 'cadence', label: 'Introductions', kind: 'select', required: true, options: [{ label: 'No', value: 'off' }, { label: 'Every 2 weeks', value: '2' }], initial: '2' },
    ],
  };

  it('renders a multi-select as multi_static_select and a select as static_select, with their initial choices', () => {
    const modal = renderModal(form, {});
    const elements = modal.blocks.map((b) => (b as unknown as { element: Record<string, unknown> }).element);
    expect(elements[0]).toMatchObject({ type: 'plain_text_input', multiline: true, initial_value: 'Hallo' });
    expect(elements[1]).toMatchObject({ type: 'multi_static_select', action_id: 'interests', initial_options: [{ value: 'b' }] });
    expect((elements[1]!['options'] as unknown[]).length).toBe(2);
    expect(elements[2]).toMatchObject({ type: 'static_select', action_id: 'cadence', initial_option: { value: '2', text: { text: 'Every 2 weeks' } } });
  });

  it('renders a view mention as a native <@user> mention, and keeps links', () => {
    expect(markdownToMrkdwn('Meet [Anna de Vries](mention:U0MEMBER02) and see [the site](https://example.org)')).toBe('Meet <@U0MEMBER02> and see <https://example.org|the site>');
  });
});
