import { MENTION_PATTERN, type Form, type FormField, type View, type ViewBlock, type ViewButton } from '../../src/kernel/ports/chat-platform.js';

/**
 * Views and forms as HTML for the web community: the same blocks every adapter renders natively
 * (headings, the markdown subset, fields, result bars, buttons, selects), as semantic, accessible HTML.
 * Everything from a View is escaped; links keep only http(s) targets. No inline styles or scripts (the
 * page's Content-Security-Policy allows neither): result bars are `<progress>` elements next to their text.
 */

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A URL in text: up to white space or a closing bracket. */
const URL_IN_TEXT = /(https?:\/\/[^\s)<>"]+)/g;

/** One line of the markdown subset (`**bold**`, `_italic_`, `` `code` ``, `[label](https://…)`, bare URLs). */
function inline(line: string): string {
  // Links and code first, into placeholders, so emphasis never reaches inside them (tokens in URLs hold `_`).
  const parts: string[] = [];
  const hold = (html: string) => `\u0000${parts.push(html) - 1}\u0000`;
  let text = line.replace(/`([^`]+)`/g, (_m, code: string) => hold(`<code>${escapeHtml(code)}</code>`));
  // A mention shows its label: the web has no user ids of other platforms to link to.
  text = text.replace(MENTION_PATTERN, (_m, label: string) => hold(`<span class="mention">@${escapeHtml(label)}</span>`));
  text = text.replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, (_m, label: string, url: string) =>
    hold(`<a href="${escapeHtml(url)}" rel="noopener noreferrer">${escapeHtml(label)}</a>`),
  );
  text = text.replace(URL_IN_TEXT, (url: string) => hold(`<a href="${escapeHtml(url)}" rel="noopener noreferrer">${escapeHtml(url)}</a>`));
  let html = escapeHtml(text)
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[\s(])_([^_]+)_(?=$|[\s).,!?:;])/g, '$1<em>$2</em>');
  // eslint-disable-next-line no-control-regex -- NUL marks the placeholders set above; it never occurs in escaped text
  html = html.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => parts[Number(i)] ?? '');
  return html;
}

/** The markdown subset as HTML: paragraphs, `- ` lists, line breaks. */
export function markdownToHtml(text: string): string {
  const out: string[] = [];
  let list: string[] = [];
  let paragraph: string[] = [];
  const flushList = () => {
    if (list.length > 0) out.push(`<ul>${list.map((item) => `<li>${item}</li>`).join('')}</ul>`);
    list = [];
  };
  const flushParagraph = () => {
    if (paragraph.length > 0) out.push(`<p>${paragraph.join('<br>')}</p>`);
    paragraph = [];
  };
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    const item = /^\s*[-•]\s+(.*)$/.exec(line);
    if (item) {
      flushParagraph();
      list.push(inline(item[1]!));
    } else if (line.trim() === '') {
      flushList();
      flushParagraph();
    } else {
      flushList();
      paragraph.push(inline(line));
    }
  }
  flushList();
  flushParagraph();
  return out.join('');
}

function button(b: ViewButton): string {
  const style = b.style === 'primary' ? ' primary' : b.style === 'danger' ? ' danger' : '';
  const value = b.value === undefined ? '' : ` data-value="${escapeHtml(b.value)}"`;
  return `<button type="button" class="action${style}" data-action="${escapeHtml(b.actionId)}"${value}>${escapeHtml(b.label)}</button>`;
}

let selectCounter = 0;

function block(b: ViewBlock): string {
  switch (b.type) {
    case 'heading':
      return `<h3 class="heading">${escapeHtml(b.text)}</h3>`;
    case 'text':
      return `<div class="text">${markdownToHtml(b.text)}</div>`;
    case 'context':
      return `<div class="context">${markdownToHtml(b.text)}</div>`;
    case 'divider':
      return '<hr>';
    case 'fields':
      return `<dl class="fields">${b.fields.map((f) => `<div><dt>${escapeHtml(f.label)}</dt><dd>${markdownToHtml(f.value)}</dd></div>`).join('')}</dl>`;
    case 'buttons':
      return `<div class="buttons">${b.buttons.map(button).join('')}</div>`;
    case 'select': {
      const id = `sel-${++selectCounter}`;
      const options = b.options.map((o) => `<option value="${escapeHtml(o.value)}">${escapeHtml(o.label)}</option>`).join('');
      return (
        `<div class="select"><label for="${id}">${escapeHtml(b.placeholder)}</label>` +
        `<select id="${id}" data-action="${escapeHtml(b.actionId)}"><option value="">…</option>${options}</select></div>`
      );
    }
    case 'bars':
      return (
        `<ul class="bars">` +
        b.bars
          .map((bar) => {
            const percent = Math.max(0, Math.min(100, Math.round(bar.percent)));
            return (
              `<li><span class="bar-label">${escapeHtml(bar.label)}</span>` +
              `<progress max="100" value="${percent}" aria-hidden="true"></progress>` +
              `<span class="bar-value">${percent}% (${bar.count})</span></li>`
            );
          })
          .join('') +
        `</ul>`
      );
  }
}

/** The blocks of a View as HTML (the body of one message). */
export function renderView(view: View): string {
  return view.blocks.map(block).join('');
}

/** One message of the list: Kring's post (or a private answer) with its time. */
export function renderMessage(input: {
  id: string;
  view: View;
  at: Date;
  timeZone: string;
  locale: string;
  from: string;
  /** The label of a private answer ("Only you can see this"); absent for posts everyone sees. */
  privateLabel?: string;
  dismissLabel?: string;
}): string {
  const time = new Intl.DateTimeFormat(input.locale, { timeZone: input.timeZone, hour: '2-digit', minute: '2-digit', day: 'numeric', month: 'short' }).format(input.at);
  const only = input.privateLabel
    ? ` <span class="only-you">${escapeHtml(input.privateLabel)}</span> <button type="button" class="dismiss" data-dismiss>${escapeHtml(input.dismissLabel ?? '×')}</button>`
    : '';
  return (
    `<li class="message${input.privateLabel ? ' private' : ''}" id="m-${escapeHtml(input.id)}" data-message-id="${escapeHtml(input.id)}">` +
    `<article aria-label="${escapeHtml(input.view.fallback.slice(0, 120))}">` +
    `<p class="meta"><span class="from">${escapeHtml(input.from)}</span> <time datetime="${input.at.toISOString()}">${escapeHtml(time)}</time>${only}</p>` +
    `<div class="body">${renderView(input.view)}</div></article></li>`
  );
}

/** A form Kring opened (Reply.form) as an HTML form for the page's dialog. */
export function renderForm(form: Form, labels: { cancel: string }): string {
  const fields = form.fields
    .map((f, i) => {
      const id = `ff-${i}-${f.name.replace(/[^a-zA-Z0-9_-]/g, '')}`;
      if (f.kind === 'multi-select') return checkboxes(f, id);
      if (f.kind === 'select') return selectField(f, id);
      const common = `id="${id}" name="${escapeHtml(f.name)}"${f.required ? ' required aria-required="true"' : ''}${f.maxLength ? ` maxlength="${f.maxLength}"` : ''}${f.placeholder ? ` placeholder="${escapeHtml(f.placeholder)}"` : ''}`;
      const initial = escapeHtml(f.initial ?? '');
      const input = f.kind === 'long' ? `<textarea ${common} rows="4">${initial}</textarea>` : `<input type="text" ${common}${f.initial ? ` value="${initial}"` : ''}>`;
      return `<div class="field"><label for="${id}">${escapeHtml(f.label)}</label>${input}</div>`;
    })
    .join('');
  return (
    `<form class="kring-form" data-form-id="${escapeHtml(form.formId)}" aria-labelledby="form-title">` +
    `<h2 id="form-title">${escapeHtml(form.title)}</h2>${fields}` +
    `<div class="form-buttons"><button type="submit" class="primary">${escapeHtml(form.submitLabel)}</button>` +
    `<button type="button" data-close>${escapeHtml(labels.cancel)}</button></div></form>`
  );
}

/** A `select` field: a `<select>` with the initial choice selected. */
function selectField(f: FormField, id: string): string {
  const options = (f.options ?? [])
    .map((o) => `<option value="${escapeHtml(o.value)}"${o.value === f.initial ? ' selected' : ''}>${escapeHtml(o.label)}</option>`)
    .join('');
  return `<div class="field"><label for="${id}">${escapeHtml(f.label)}</label><select id="${id}" name="${escapeHtml(f.name)}"${f.required ? ' required aria-required="true"' : ''}>${options}</select></div>`;
}

/** A `multi-select` field: check boxes of one name in a fieldset (the page joins the checked values with commas). */
function checkboxes(f: FormField, id: string): string {
  const chosen = new Set((f.initial ?? '').split(',').filter((v) => v !== ''));
  const boxes = (f.options ?? [])
    .map((o, i) => {
      const boxId = `${id}-${i}`;
      return `<label for="${boxId}" class="choice"><input type="checkbox" id="${boxId}" name="${escapeHtml(f.name)}" value="${escapeHtml(o.value)}"${chosen.has(o.value) ? ' checked' : ''}> ${escapeHtml(o.label)}</label>`;
    })
    .join('');
  return `<fieldset class="field" id="${id}"><legend>${escapeHtml(f.label)}</legend>${boxes}</fieldset>`;
}
