// Integrations (docs/web-contract.md "Bots", "Incoming webhooks", "Calendar feed"): the person's calendar feed
// control (below the annual clock), the admins' bots page (#/admin/bots) and a channel's webhooks page for its
// director and admins (#/accounts/<id>/webhooks). A secret (token or URL) is shown once, with a Copy button.
import { request } from '../api.js';
import { el, fill } from '../dom.js';
import { describeError, formatDateTime, t } from '../i18n.js';
import { paths } from '../router.js';

const enc = encodeURIComponent;

const when = (iso) => (iso ? formatDateTime(iso) : '–');

// A read-only field holding a secret shown once, a Copy button and the given explanation.
function secretBox(id, value, note) {
  const field = el('input', { id, class: 'secret-value', type: 'text', readonly: true, value, 'aria-label': t('integrations.secret') });
  const copied = el('span', { class: 'muted', role: 'status' });
  const copy = el('button', { type: 'button', class: 'button small', 'data-action': 'copy', onclick: async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      document.execCommand('copy');
    }
    copied.textContent = t('integrations.copied');
  } }, t('integrations.copy'));
  return el('div', { class: 'secret-box' }, el('p', { class: 'secret-note' }, note), el('div', { class: 'secret-row' }, field, copy, copied));
}

// A button that asks again inline ("Really …? Yes / Cancel") before doing `action`.
function confirmButton(label, question, action, attrs = {}) {
  const slot = el('span', { class: 'confirm-slot' });
  const ask = () => fill(slot, el('span', { class: 'confirm-question' }, question),
    el('button', { type: 'button', class: 'button small danger', 'data-action': 'confirm', onclick: action }, t('integrations.yes')),
    el('button', { type: 'button', class: 'button small', 'data-action': 'cancel', onclick: reset }, t('common.cancel')));
  const reset = () => fill(slot, el('button', { type: 'button', class: 'button small danger-outline', ...attrs, onclick: ask }, label));
  reset();
  return slot;
}

// MARK: - Calendar feed

export function createCalendarFeed() {
  const state = el('p', { id: 'feed-state', class: 'muted', role: 'status' }, t('common.loading'));
  const secret = el('div', { class: 'feed-secret' });
  const error = el('p', { class: 'form-error', role: 'alert' });
  const actions = el('div', { class: 'feed-actions' });
  const element = el('section', { id: 'calendar-feed', class: 'card feed-card', 'aria-labelledby': 'feed-heading' },
    el('h3', { id: 'feed-heading' }, t('feed.title')),
    el('p', { class: 'muted' }, t('feed.intro')),
    state, secret, error, actions);
  let alive = true;

  function draw(feed) {
    state.textContent = feed.exists ? t('feed.exists', { date: when(feed.createdAt) }) : t('feed.none');
    fill(actions,
      el('button', { type: 'button', id: 'feed-create', class: 'button small primary', onclick: create },
        feed.exists ? t('feed.renew') : t('feed.create')),
      feed.exists && confirmButton(t('feed.revoke'), t('feed.revokeConfirm'), revoke, { id: 'feed-revoke' }));
  }

  async function load() {
    try {
      const feed = await request('GET', '/api/me/calendar-feed');
      if (alive) draw(feed);
    } catch (failure) {
      if (alive) state.textContent = describeError(failure);
    }
  }

  async function create() {
    error.textContent = '';
    try {
      const { url } = await request('POST', '/api/me/calendar-feed');
      if (!alive) return;
      fill(secret, secretBox('feed-url', url, t('feed.shownOnce')));
      await load();
    } catch (failure) {
      if (alive) error.textContent = describeError(failure);
    }
  }

  async function revoke() {
    error.textContent = '';
    try {
      await request('DELETE', '/api/me/calendar-feed');
      if (!alive) return;
      fill(secret);
      await load();
    } catch (failure) {
      if (alive) error.textContent = describeError(failure);
    }
  }

  load();
  return { element, destroy() { alive = false; } };
}

// MARK: - Bots (admins)

function channelChooser(accounts, chosen, name) {
  return el('fieldset', { class: 'bot-channels' },
    el('legend', {}, t('bots.channels')),
    accounts.map((account) => el('label', { class: 'bot-channel' },
      el('input', { type: 'checkbox', name, value: account.id, checked: chosen.includes(account.id) }),
      ` ${account.name} (${account.id})`)));
}

const checked = (form, name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((box) => box.value);

export function renderBots(root) {
  const status = el('p', { id: 'bots-status', role: 'status' }, t('common.loading'));
  const list = el('ul', { id: 'bots-list', class: 'integration-list' });
  const formSlot = el('div');
  const secret = el('div');
  root.append(el('main', { class: 'page', id: 'bots-view' },
    el('h1', { tabindex: '-1' }, t('bots.title')),
    el('p', { class: 'muted' }, t('bots.intro')),
    status, secret, formSlot, list));

  let alive = true;
  let accounts = [];

  function createForm() {
    const error = el('p', { id: 'bot-form-error', class: 'form-error', role: 'alert' });
    const form = el('form', { id: 'bot-form', class: 'card integration-form' },
      el('h2', {}, t('bots.create')),
      el('div', { class: 'field' }, el('label', { for: 'bot-name' }, t('integrations.name')),
        el('input', { id: 'bot-name', name: 'name', type: 'text', maxlength: 80, required: true })),
      channelChooser(accounts, [], 'new-channel'),
      error,
      el('button', { type: 'submit', class: 'button primary', id: 'bot-create' }, t('bots.createButton')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      try {
        const { bot, token } = await request('POST', '/api/admin/bots', { name: form.elements.name.value.trim(), channels: checked(form, 'new-channel') });
        if (!alive) return;
        fill(secret, el('div', { class: 'card' }, el('h2', {}, t('bots.tokenFor', { name: bot.name })),
          secretBox('bot-token', token, t('bots.tokenOnce'))));
        form.reset();
        await load();
      } catch (failure) {
        if (alive) error.textContent = describeError(failure);
      }
    });
    return form;
  }

  function row(bot) {
    const names = bot.channels.map((id) => accounts.find((account) => account.id === id)?.name ?? id);
    const error = el('p', { class: 'form-error', role: 'alert' });
    const editSlot = el('div');
    const item = el('li', { class: 'card', 'data-bot-id': bot.id, 'data-revoked': bot.revokedAt ? 'true' : 'false' },
      el('h2', { class: 'integration-name' }, bot.name),
      el('dl', { class: 'integration-facts' },
        el('dt', {}, t('bots.channels')), el('dd', { class: 'bot-channel-names' }, names.length ? names.join(', ') : '–'),
        el('dt', {}, t('integrations.created')), el('dd', {}, when(bot.createdAt)),
        el('dt', {}, t('integrations.lastUsed')), el('dd', {}, when(bot.lastUsedAt)),
        bot.revokedAt && [el('dt', {}, t('bots.revoked')), el('dd', {}, when(bot.revokedAt))]),
      editSlot, error,
      !bot.revokedAt && el('div', { class: 'integration-actions' },
        el('button', { type: 'button', class: 'button small', 'data-action': 'edit', onclick: edit }, t('bots.editChannels')),
        confirmButton(t('bots.revoke'), t('bots.revokeConfirm'), revoke, { 'data-action': 'revoke' })));

    function edit() {
      const form = el('form', { class: 'bot-edit' }, channelChooser(accounts, bot.channels, 'edit-channel'),
        el('button', { type: 'submit', class: 'button small primary', 'data-action': 'save' }, t('common.save')),
        el('button', { type: 'button', class: 'button small', onclick: () => fill(editSlot) }, t('common.cancel')));
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        error.textContent = '';
        try {
          await request('PATCH', `/api/admin/bots/${enc(bot.id)}`, { channels: checked(form, 'edit-channel') });
          if (alive) await load();
        } catch (failure) {
          if (alive) error.textContent = describeError(failure);
        }
      });
      fill(editSlot, form);
    }

    async function revoke() {
      error.textContent = '';
      try {
        await request('POST', `/api/admin/bots/${enc(bot.id)}/revoke`);
        if (alive) await load();
      } catch (failure) {
        if (alive) error.textContent = describeError(failure);
      }
    }
    return item;
  }

  async function load() {
    try {
      const { bots } = await request('GET', '/api/admin/bots');
      if (!alive) return;
      status.textContent = bots.length === 0 ? t('bots.none') : '';
      fill(list, bots.map(row));
    } catch (failure) {
      if (!alive) return;
      status.textContent = failure.status === 403 ? t('integrations.forbidden') : describeError(failure);
      if (failure.status === 403) status.id = 'bots-forbidden';
      fill(formSlot);
    }
  }

  request('GET', '/api/accounts').then((answer) => {
    if (!alive) return;
    accounts = answer.accounts ?? [];
    fill(formSlot, createForm());
    return load();
  }).catch((failure) => {
    if (alive) status.textContent = describeError(failure);
  });
  return () => { alive = false; };
}

// MARK: - Webhooks (a channel's director and admins)

export function renderWebhooks(root, { accountId }) {
  const base = `/api/accounts/${enc(accountId)}/webhooks`;
  const status = el('p', { id: 'webhooks-status', role: 'status' }, t('common.loading'));
  const list = el('ul', { id: 'webhooks-list', class: 'integration-list' });
  const secret = el('div');
  const error = el('p', { id: 'webhook-form-error', class: 'form-error', role: 'alert' });
  const form = el('form', { id: 'webhook-form', class: 'card integration-form', hidden: true },
    el('h2', {}, t('webhooks.create')),
    el('div', { class: 'field' }, el('label', { for: 'webhook-name' }, t('integrations.name')),
      el('input', { id: 'webhook-name', name: 'name', type: 'text', maxlength: 80, required: true })),
    error,
    el('button', { type: 'submit', class: 'button primary', id: 'webhook-create' }, t('webhooks.createButton')));
  root.append(el('main', { class: 'page', id: 'webhooks-view' },
    el('p', {}, el('a', { href: paths.channel(accountId), id: 'webhooks-back' }, t('webhooks.back'))),
    el('h1', { tabindex: '-1' }, t('webhooks.title')),
    el('p', { class: 'muted' }, t('webhooks.intro')),
    status, secret, form, list));

  let alive = true;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      const { webhook, url } = await request('POST', base, { name: form.elements.name.value.trim() });
      if (!alive) return;
      fill(secret, el('div', { class: 'card' }, el('h2', {}, t('webhooks.urlFor', { name: webhook.name })),
        secretBox('webhook-url', url, t('webhooks.urlOnce'))));
      form.reset();
      await load();
    } catch (failure) {
      if (alive) error.textContent = describeError(failure);
    }
  });

  function row(webhook) {
    const rowError = el('p', { class: 'form-error', role: 'alert' });
    return el('li', { class: 'card', 'data-webhook-id': webhook.id },
      el('h2', { class: 'integration-name' }, webhook.name),
      el('dl', { class: 'integration-facts' },
        el('dt', {}, t('integrations.created')), el('dd', {}, `${when(webhook.createdAt)}${webhook.createdBy ? ` · ${webhook.createdBy.name}` : ''}`),
        el('dt', {}, t('integrations.lastUsed')), el('dd', {}, when(webhook.lastUsedAt))),
      rowError,
      el('div', { class: 'integration-actions' },
        confirmButton(t('webhooks.delete'), t('webhooks.deleteConfirm'), async () => {
          rowError.textContent = '';
          try {
            await request('DELETE', `${base}/${enc(webhook.id)}`);
            if (alive) await load();
          } catch (failure) {
            if (alive) rowError.textContent = describeError(failure);
          }
        }, { 'data-action': 'delete' })));
  }

  async function load() {
    try {
      const { webhooks } = await request('GET', base);
      if (!alive) return;
      form.hidden = false;
      status.textContent = webhooks.length === 0 ? t('webhooks.none') : '';
      fill(list, webhooks.map(row));
    } catch (failure) {
      if (!alive) return;
      form.hidden = true;
      status.textContent = failure.status === 403 || failure.status === 404 ? t('integrations.forbidden') : describeError(failure);
      if (failure.status === 403 || failure.status === 404) status.id = 'webhooks-forbidden';
    }
  }
  load();
  return () => { alive = false; };
}
