/* global document, fetch, CSS, EventSource, FormData, setTimeout -- browser globals: this file runs in the page. */
// The web community's page script: sends typed commands, button presses, select choices and forms to
// Kring (JSON, same origin), shows private answers in the message list, opens forms in a dialog, and
// keeps the list live through server-sent events. Plain browser JavaScript, no build step.
(function () {
  'use strict';
  const body = document.body;
  const channel = body.dataset.channel;
  if (!channel) return; // a sign-in page: nothing to do
  const user = body.dataset.user;
  const texts = JSON.parse(body.dataset.texts || '{}');
  const list = document.getElementById('messages');
  const composer = document.getElementById('composer');
  const input = document.getElementById('composer-input');
  const status = document.getElementById('status');
  const dialog = document.getElementById('form-dialog');
  /** The channel's key in live events: a channel id, or `@<user>` for direct messages. */
  const streamChannel = channel === '@me' ? '@' + user : channel;
  let returnFocus = null;

  function say(text) {
    status.textContent = text;
  }

  function fragment(html) {
    const template = document.createElement('template');
    template.innerHTML = html;
    return template.content.firstElementChild;
  }

  function removeEmptyNote() {
    const empty = document.getElementById('empty');
    if (empty) empty.remove();
  }

  function append(html) {
    const node = fragment(html);
    if (!node) return null;
    if (node.id && document.getElementById(node.id)) return null;
    removeEmptyNote();
    list.appendChild(node);
    node.scrollIntoView({ block: 'nearest' });
    return node;
  }

  /** Replaces a message in place; the control that had focus keeps it (same action and value). */
  function replace(id, html) {
    const old = document.getElementById('m-' + id) || document.getElementById(id);
    const node = fragment(html);
    if (!old || !node) return;
    const active = document.activeElement;
    let focusKey = null;
    if (active && old.contains(active) && active.dataset && active.dataset.action) {
      focusKey = [active.dataset.action, active.dataset.value || ''];
    }
    old.replaceWith(node);
    if (focusKey) {
      for (const el of node.querySelectorAll('[data-action]')) {
        if (el.dataset.action === focusKey[0] && (el.dataset.value || '') === focusKey[1]) {
          el.focus();
          break;
        }
      }
    }
  }

  async function send(path, payload) {
    const res = await fetch('/web/api/' + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(payload),
    });
    let data = {};
    try {
      data = await res.json();
    } catch {
      data = { error: texts.failed };
    }
    if (!res.ok) {
      say(data.error || texts.failed);
      return;
    }
    handle(data);
  }

  function handle(data) {
    if (data.message) append(data.message);
    if (data.replace) replace(data.replace.id, data.replace.html);
    if (data.form) openForm(data.form);
  }

  function openForm(html) {
    returnFocus = document.activeElement;
    dialog.innerHTML = html;
    const form = dialog.querySelector('form');
    dialog.setAttribute('aria-labelledby', 'form-title');
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const values = {};
      // Check boxes of one name (a multi-select) arrive as one value, joined with commas.
      for (const [name, value] of new FormData(form).entries()) values[name] = name in values ? `${values[name]},${String(value)}` : String(value);
      closeForm();
      await send('form', { channel: channel, formId: form.dataset.formId, values: values });
    });
    form.querySelector('[data-close]').addEventListener('click', closeForm);
    dialog.showModal();
    const first = form.querySelector('input, textarea');
    if (first) first.focus();
  }

  function closeForm() {
    if (dialog.open) dialog.close();
    dialog.innerHTML = '';
    (returnFocus || input).focus();
  }
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    closeForm();
  });

  composer.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text === '') return;
    input.value = '';
    say(texts.sending);
    await send('command', { channel: channel, text: text }).catch(() => say(texts.failed));
    if (status.textContent === texts.sending) say('');
    input.focus();
  });

  function messageIdOf(el) {
    const message = el.closest('[data-message-id]');
    return message ? message.dataset.messageId : undefined;
  }

  list.addEventListener('click', async (event) => {
    const dismiss = event.target.closest('[data-dismiss]');
    if (dismiss) {
      dismiss.closest('li').remove();
      input.focus();
      return;
    }
    const button = event.target.closest('button[data-action]');
    // A press while the previous one is on its way is dropped (one press, one vote or answer).
    if (!button || button.getAttribute('aria-disabled') === 'true') return;
    const payload = { channel: channel, actionId: button.dataset.action };
    const messageId = messageIdOf(button);
    if (messageId) payload.messageId = messageId;
    if (button.dataset.value !== undefined) payload.value = button.dataset.value;
    // aria-disabled, not disabled: a disabled button loses the keyboard focus (Chromium moves it to the
    // page), and the keyboard user who just voted would have to find their place again.
    button.setAttribute('aria-disabled', 'true');
    try {
      await send('action', payload);
    } finally {
      button.removeAttribute('aria-disabled');
    }
  });

  list.addEventListener('change', async (event) => {
    const select = event.target.closest('select[data-action]');
    if (!select || select.value === '') return;
    const payload = { channel: channel, actionId: select.dataset.action, value: select.value };
    const messageId = messageIdOf(select);
    if (messageId) payload.messageId = messageId;
    await send('action', payload);
  });

  function unread(channelId) {
    const badge = document.querySelector('[data-unread="' + CSS.escape(channelId) + '"]');
    if (!badge) return;
    const count = Number(badge.dataset.count || '0') + 1;
    badge.dataset.count = String(count);
    badge.textContent = count === 1 ? texts.unreadOne : texts.unreadOther.replace('{count}', String(count));
    badge.hidden = false;
  }

  function connect() {
    const events = new EventSource('/web/api/stream');
    events.addEventListener('ready', () => {
      body.dataset.live = 'true';
    });
    events.addEventListener('message', (event) => {
      const data = JSON.parse(event.data);
      if (data.channel !== streamChannel) {
        if (data.kind === 'post') unread(data.channel.startsWith('@') ? '@me' : data.channel);
        return;
      }
      if (data.kind === 'post') append(data.html);
      else if (data.kind === 'update') replace(data.id, data.html);
      else if (data.kind === 'delete') {
        const node = document.getElementById('m-' + data.id);
        if (node) node.remove();
      }
    });
    events.addEventListener('error', () => {
      body.dataset.live = 'false';
      say(texts.offline);
      if (events.readyState === EventSource.CLOSED) setTimeout(connect, 3000);
    });
    events.addEventListener('open', () => {
      if (status.textContent === texts.offline) say('');
    });
  }
  connect();
})();
