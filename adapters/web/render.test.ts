import { describe, expect, it } from 'vitest';
import type { View } from '../../src/kernel/ports/chat-platform.js';
import { markdownToHtml, renderForm, renderMessage, renderView } from './render.js';

describe(markdownToHtml.name, () => {
  it('renders the markdown subset', () => {
    expect(markdownToHtml('Kom **allemaal** naar _de_ `vergadering`')).toBe('<p>Kom <strong>allemaal</strong> naar <em>de</em> <code>vergadering</code></p>');
    expect(markdownToHtml('Punten:\n- een\n- twee')).toBe('<p>Punten:</p><ul><li>een</li><li>twee</li></ul>');
    expect(markdownToHtml('[agenda](https://example.org/a?b=1&c=2)')).toBe('<p><a href="https://example.org/a?b=1&#38;c=2" rel="noopener noreferrer">agenda</a></p>');
  });

  it('escapes HTML and never links anything but http(s)', () => {
    const html = markdownToHtml('<script>alert(1)</script> [x](javascript:alert(1)) "quote"');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('&#60;script&#62;');
  });

  it('leaves underscores in URLs alone (sign-in tokens hold them)', () => {
    const html = markdownToHtml('Log in: https://kring.example.org/web/signin/link?token=ab_cd_ef');
    expect(html).toContain('href="https://kring.example.org/web/signin/link?token=ab_cd_ef"');
    expect(html).not.toContain('<em>');
  });
});

describe(renderView.name, () => {
  const view: View = {
    fallback: 'Poll',
    blocks: [
      { type: 'heading', text: 'Waar <gaan> we heen?' },
      { type: 'bars', bars: [{ label: 'Veluwe', count: 3, percent: 75 }, { label: 'Kust', count: 1, percent: 25 }] },
      { type: 'buttons', buttons: [{ actionId: 'poll.vote', label: 'Veluwe', value: 'p:0', style: 'primary' }] },
      { type: 'select', actionId: 'pick', placeholder: 'Kies een afdeling', options: [{ label: 'Utrecht', value: 'u' }] },
      { type: 'fields', fields: [{ label: 'Wanneer', value: 'dinsdag' }] },
      { type: 'context', text: 'door het bestuur' },
      { type: 'divider' },
    ],
  };

  it('renders every block as semantic HTML with the result in text next to each bar', () => {
    const html = renderView(view);
    expect(html).toContain('<h3 class="heading">Waar &#60;gaan&#62; we heen?</h3>');
    expect(html).toContain('<progress max="100" value="75" aria-hidden="true"></progress><span class="bar-value">75% (3)</span>');
    expect(html).toContain('<button type="button" class="action primary" data-action="poll.vote" data-value="p:0">Veluwe</button>');
    expect(html).toMatch(/<label for="(sel-\d+)">Kies een afdeling<\/label><select id="\1" data-action="pick">/);
    expect(html).toContain('<dl class="fields"><div><dt>Wanneer</dt><dd><p>dinsdag</p></dd></div></dl>');
    expect(html).toContain('<hr>');
    expect(html).not.toContain('style=');
  });

  it('marks a private answer and names every message by its summary', () => {
    const html = renderMessage({ id: 'e-00aa11bb', view, at: new Date('2026-12-02T12:00:00Z'), timeZone: 'Europe/Amsterdam', locale: 'nl', from: 'Kring', privateLabel: 'Alleen jij ziet dit', dismissLabel: 'Weghalen' });
    expect(html).toContain('class="message private"');
    expect(html).toContain('<time datetime="2026-12-02T12:00:00.000Z">');
    expect(html).toContain('13:00');
    expect(html).toContain('aria-label="Poll"');
  });
});

describe(renderForm.name, () => {
  it('labels every field and marks the required ones', () => {
    const html = renderForm(
      { formId: 'poll.create', title: 'Nieuwe poll', submitLabel: 'Maken', fields: [{ name: 'question', label: 'Vraag', kind: 'short', required: true, maxLength: 300 }, { name: 'options', label: 'Opties', kind: 'long', required: false }] },
      { cancel: 'Annuleren' },
    );
    expect(html).toContain('<label for="ff-0-question">Vraag</label><input type="text" id="ff-0-question" name="question" required aria-required="true" maxlength="300">');
    expect(html).toContain('<textarea id="ff-1-options" name="options" rows="4"></textarea>');
    expect(html).toContain('data-form-id="poll.create"');
  });
});

describe('select fields and mentions (issue 13)', () => {
  it('renders a select as <select> and a multi-select as check boxes, with their initial choices', () => {
    const html = renderForm(
      {
        formId: 'connect.profile',
        title: 'Your profile',
        submitLabel: 'Save',
        fields: [
          { name: 'interests', label: 'Interests', kind: 'multi-select', required: false, options: [{ label: 'Cycling', value: 'a' }, { label: 'Cooking', value: 'b' }], initial: 'b' },
          { name: 'reach', label: 'Findable', kind: 'select', required: true, options: [{ label: 'Nobody', value: 'hidden' }, { label: 'By name', value: 'name' }], initial: 'name' },
        ],
      },
      { cancel: 'Cancel' },
    );
    expect(html).toContain('<input type="checkbox" id="ff-0-interests-0" name="interests" value="a"> Cycling');
    expect(html).toContain('name="interests" value="b" checked> Cooking');
    expect(html).toContain('<option value="name" selected>By name</option>');
  });

  it('shows a mention as its label, escaped', () => {
    expect(markdownToHtml('Meet [Anna <b>](mention:U1)')).toBe('<p>Meet <span class="mention">@Anna &#60;b&#62;</span></p>');
  });
});
