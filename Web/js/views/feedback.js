// The feedback box, below the `feedback` section's text: a form to leave feedback or an idea (optionally anonymous to
// other members), the box newest first with status badges and the answers, a filter by status, and for the director
// and admins an answer form with a status. The channel's feedback.* events reload it (changed()); the events never
// name an anonymous item's author, the reload shows each viewer what they may see. A half-written answer, an open edit
// and the keyboard focus survive a reload.
import { FEEDBACK_MAX_CHARS, FEEDBACK_PAGE, FEEDBACK_STATUSES, feedbackApi } from '../feedback-api.js';
import { el, fill } from '../dom.js';
import { describeError, formatDateTime, t } from '../i18n.js';
import { showLoadError } from '../load-error.js';

const RELOAD_DELAY_MS = 150;
const KINDS = ['feedback', 'idea'];
const STATUS_BADGE = { new: 'badge-accent', in_progress: 'badge-warning', done: 'badge-ok', declined: 'badge-neutral' };

// An error as the box says it: the daily limit in the person's language, else as everywhere.
function errorText(error) {
  return error?.code === 'rate_limited' ? t('feedback.rateLimited') : describeError(error);
}

// Who wrote the item, as this viewer may know it.
function authorText(item) {
  if (item.mine) return t(item.anonymous ? 'feedback.youAnonymous' : 'feedback.you');
  if (item.author) return item.anonymous ? t('feedback.nameAnonymous', { name: item.author.name }) : item.author.name;
  return t(item.anonymous ? 'feedback.anonymous' : 'feedback.unknownAuthor');
}

function statusBadge(status) {
  return el('span', { class: `badge ${STATUS_BADGE[status]} feedback-status`, 'data-status': status }, t(`feedback.status.${status}`));
}

function kindSelect(id, value) {
  const select = el('select', { id }, KINDS.map((kind) => el('option', { value: kind }, t(`feedback.kind.${kind}`))));
  select.value = value;
  return select;
}

export function createFeedbackBox({ accountId }) {
  const formSlot = el('div', { class: 'feedback-form-slot' });
  const flash = el('p', { class: 'flash', role: 'status' });
  const filterGroup = el('div', { id: 'feedback-filter', class: 'feedback-filter', role: 'group', 'aria-label': t('feedback.filter') });
  const status = el('p', { class: 'muted', role: 'status' }, t('common.loading'));
  const list = el('ul', { id: 'feedback-list', class: 'feedback-list' });
  const more = el('button', { type: 'button', id: 'feedback-more', class: 'button more-button', hidden: true, onclick: () => loadMore() },
    t('feedback.more'));
  const element = el('section', { id: 'feedback-box', class: 'feedback-part', 'aria-labelledby': 'feedback-heading' },
    el('h3', { id: 'feedback-heading', class: 'sr-only' }, t('feedback.title')),
    formSlot, flash, filterGroup, status, list, more);

  let alive = true;
  let loadId = 0;
  let page = null; // the list's answer, with `items` grown by "show more"
  let filter = null; // a status, or null for all
  let editing = null; // id of the own item whose text is being changed
  let reloadPending = false;
  let reloadTimer = null;
  let flashTimer = null;
  const answers = new Map(); // item id → { body, status } of an open answer form
  let postForm = null;

  function showFlash(text) {
    flash.textContent = text;
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => {
      flash.textContent = '';
    }, 6000);
  }

  // MARK: - Leaving feedback

  function createPostForm() {
    const kind = kindSelect('feedback-kind', 'feedback');
    const body = el('textarea', {
      id: 'feedback-body', rows: '5', maxlength: String(FEEDBACK_MAX_CHARS), spellcheck: 'true', 'aria-describedby': 'feedback-body-count',
    });
    const count = el('p', { id: 'feedback-body-count', class: 'hint' });
    const anonymous = el('input', { id: 'feedback-anonymous', type: 'checkbox', 'aria-describedby': 'feedback-anonymous-note' });
    const error = el('p', { id: 'feedback-error', class: 'form-error', role: 'alert' });
    const submit = el('button', { type: 'submit', id: 'feedback-submit', class: 'button primary' }, t('feedback.send'));
    const showCount = () => {
      count.textContent = t('feedback.count', { count: body.value.length, max: FEEDBACK_MAX_CHARS });
    };
    body.addEventListener('input', showCount);
    showCount();
    const form = el('form', { id: 'feedback-form', class: 'feedback-form', novalidate: true, 'aria-labelledby': 'feedback-form-title' },
      el('p', { id: 'feedback-form-title', class: 'feedback-form-title' }, t('feedback.formTitle')),
      el('div', { class: 'field' }, el('label', { for: 'feedback-kind' }, t('feedback.kindLabel')), kind),
      el('div', { class: 'field' }, el('label', { for: 'feedback-body' }, t('feedback.bodyLabel')), body, count),
      el('div', { class: 'checkbox-field' }, anonymous, el('label', { for: 'feedback-anonymous' }, t('feedback.anonymousLabel'))),
      el('p', { id: 'feedback-anonymous-note', class: 'hint' }, t('feedback.anonymousNote')),
      error,
      el('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      const text = body.value.trim();
      if (!text) {
        error.textContent = t('feedback.needBody');
        return body.focus();
      }
      submit.disabled = true;
      const hidden = anonymous.checked;
      try {
        await feedbackApi.post(accountId, { kind: kind.value, body: text, anonymous: hidden });
        if (!alive) return;
        body.value = '';
        anonymous.checked = false;
        showCount();
        showFlash(t(hidden ? 'feedback.sentAnonymously' : 'feedback.sent'));
        load();
      } catch (failure) {
        error.textContent = errorText(failure);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  // MARK: - The box

  function drawFilter() {
    const total = FEEDBACK_STATUSES.reduce((sum, key) => sum + (page.counts[key] ?? 0), 0);
    const button = (key, label) => el('button', {
      type: 'button', id: `feedback-filter-${key ?? 'all'}`, class: 'button small', 'aria-pressed': String(filter === key),
      onclick: () => {
        filter = key;
        load();
      },
    }, label);
    filterGroup.replaceChildren(button(null, t('feedback.all', { count: total })),
      ...FEEDBACK_STATUSES.map((key) => button(key, `${t(`feedback.status.${key}`)} (${page.counts[key] ?? 0})`)));
  }

  function reply(answer) {
    const meta = [answer.author?.name ?? t('feedback.unknownAuthor'), formatDateTime(answer.createdAt)];
    return el('li', { class: 'feedback-reply' },
      el('p', { class: 'feedback-meta' }, meta.join(' · '),
        answer.status && [' · ', t('feedback.setStatus'), ' ', statusBadge(answer.status)]),
      answer.body && el('div', { class: 'feedback-text' }, answer.body));
  }

  function editForm(item) {
    const kind = kindSelect('feedback-edit-kind', item.kind);
    const body = el('textarea', { id: 'feedback-edit-body', rows: '5', maxlength: String(FEEDBACK_MAX_CHARS), spellcheck: 'true' });
    body.value = item.body;
    const error = el('p', { class: 'form-error', role: 'alert' });
    const save = el('button', { type: 'submit', class: 'button primary small', 'data-action': 'save-edit' }, t('common.save'));
    const form = el('form', { class: 'feedback-edit inline-form', novalidate: true },
      el('div', { class: 'field' }, el('label', { for: 'feedback-edit-kind' }, t('feedback.kindLabel')), kind),
      el('div', { class: 'field' }, el('label', { for: 'feedback-edit-body' }, t('feedback.bodyLabel')), body),
      error,
      el('div', { class: 'actions' }, save,
        el('button', { type: 'button', class: 'button small', 'data-action': 'cancel-edit', onclick: () => finishEdit(item.id) }, t('common.cancel'))));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!body.value.trim()) {
        error.textContent = t('feedback.needBody');
        return body.focus();
      }
      save.disabled = true;
      try {
        await feedbackApi.edit(accountId, item.id, { kind: kind.value, body: body.value.trim() });
        if (alive) finishEdit(item.id, { saved: true });
      } catch (failure) {
        save.disabled = false;
        error.textContent = errorText(failure);
      }
    });
    return form;
  }

  function finishEdit(id, { saved = false } = {}) {
    editing = null;
    if (saved || reloadPending) {
      reloadPending = false;
      load({ focus: `[data-feedback-id="${id}"] [data-action="edit"]` });
    } else {
      draw();
      list.querySelector(`[data-feedback-id="${id}"] [data-action="edit"]`)?.focus();
    }
  }

  function confirmWithdraw(item, node) {
    const error = el('p', { class: 'form-error', role: 'alert' });
    const yes = el('button', { type: 'button', class: 'button danger small', 'data-action': 'confirm-withdraw' }, t('feedback.withdrawConfirm'));
    const box = el('div', { class: 'confirm', role: 'alert' }, el('p', {}, t('feedback.withdrawQuestion')), error,
      el('div', { class: 'actions' }, yes,
        el('button', {
          type: 'button', class: 'button small',
          onclick: () => {
            box.remove();
            node.querySelector('[data-action="withdraw"]')?.focus();
          },
        }, t('common.cancel'))));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await feedbackApi.withdraw(accountId, item.id);
        if (!alive) return;
        showFlash(t('feedback.withdrawn'));
        load();
      } catch (failure) {
        yes.disabled = false;
        error.textContent = errorText(failure);
      }
    });
    node.querySelector('.confirm')?.remove();
    node.append(box);
    yes.focus();
  }

  function answerForm(item) {
    const draft = answers.get(item.id);
    const body = el('textarea', {
      id: `feedback-answer-${item.id}`, class: 'feedback-answer-body', rows: '3', maxlength: String(FEEDBACK_MAX_CHARS), spellcheck: 'true',
    });
    body.value = draft.body;
    const select = el('select', { id: `feedback-answer-status-${item.id}`, class: 'feedback-answer-status' },
      el('option', { value: '' }, t('feedback.keepStatus', { status: t(`feedback.status.${item.status}`) })),
      FEEDBACK_STATUSES.filter((key) => key !== item.status).map((key) => el('option', { value: key }, t(`feedback.status.${key}`))));
    select.value = draft.status && draft.status !== item.status ? draft.status : '';
    body.addEventListener('input', () => {
      draft.body = body.value;
    });
    select.addEventListener('change', () => {
      draft.status = select.value;
    });
    const error = el('p', { class: 'form-error', role: 'alert' });
    const send = el('button', { type: 'submit', class: 'button primary small', 'data-action': 'send-answer' }, t('feedback.sendAnswer'));
    const form = el('form', { class: 'feedback-answer inline-form', novalidate: true },
      el('div', { class: 'field' }, el('label', { for: body.id }, t('feedback.answerLabel')), body),
      el('div', { class: 'field' }, el('label', { for: select.id }, t('feedback.statusLabel')), select),
      error,
      el('div', { class: 'actions' }, send,
        el('button', {
          type: 'button', class: 'button small', 'data-action': 'cancel-answer',
          onclick: () => {
            answers.delete(item.id);
            draw();
            list.querySelector(`[data-feedback-id="${item.id}"] [data-action="answer"]`)?.focus();
          },
        }, t('common.cancel'))));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const text = body.value.trim();
      if (!text && !select.value) {
        error.textContent = t('feedback.needAnswer');
        return body.focus();
      }
      send.disabled = true;
      try {
        await feedbackApi.answer(accountId, item.id, select.value ? { body: text, status: select.value } : { body: text });
        if (!alive) return;
        answers.delete(item.id);
        showFlash(t('feedback.answered'));
        load({ focus: `[data-feedback-id="${item.id}"] [data-action="answer"]` });
      } catch (failure) {
        send.disabled = false;
        error.textContent = errorText(failure);
      }
    });
    return form;
  }

  function itemNode(item) {
    const node = el('li', { class: 'feedback-item', 'data-feedback-id': String(item.id), 'data-status': item.status });
    const head = el('div', { class: 'feedback-head' },
      el('span', { class: 'badge badge-neutral feedback-kind' }, t(`feedback.kind.${item.kind}`)),
      statusBadge(item.status),
      el('span', { class: 'feedback-author' }, authorText(item)),
      el('span', { class: 'feedback-time' }, formatDateTime(item.createdAt)));
    const actions = [];
    if (item.canEdit && editing !== item.id) {
      actions.push(el('button', {
        type: 'button', class: 'button small', 'data-action': 'edit',
        onclick: () => {
          editing = item.id;
          draw();
          document.getElementById('feedback-edit-body')?.focus();
        },
      }, t('feedback.edit')));
      actions.push(el('button', {
        type: 'button', class: 'button small danger-outline', 'data-action': 'withdraw', onclick: () => confirmWithdraw(item, node),
      }, t('feedback.withdraw')));
    }
    if (page.canAnswer && !answers.has(item.id)) {
      actions.push(el('button', {
        type: 'button', class: 'button small', 'data-action': 'answer',
        onclick: () => {
          answers.set(item.id, { body: '', status: '' });
          draw();
          document.getElementById(`feedback-answer-${item.id}`)?.focus();
        },
      }, t('feedback.answer')));
    }
    fill(node,
      head,
      editing === item.id ? editForm(item) : el('div', { class: 'feedback-text feedback-body' }, item.body),
      item.replies.length > 0 && el('ol', { class: 'feedback-replies', 'aria-label': t('feedback.replies') }, item.replies.map(reply)),
      actions.length > 0 && el('div', { class: 'actions' }, actions),
      page.canAnswer && answers.has(item.id) && answerForm(item));
    return node;
  }

  // Where the keyboard focus is in the list, as a way to find the same control after a redraw.
  function rememberFocus() {
    const active = document.activeElement;
    if (!active || !list.contains(active)) return null;
    const owner = active.closest('[data-feedback-id]')?.dataset.feedbackId;
    if (active.id) return `#${CSS.escape(active.id)}`;
    if (owner && active.dataset.action) return `[data-feedback-id="${owner}"] [data-action="${active.dataset.action}"]`;
    return null;
  }

  function draw({ focus = rememberFocus() } = {}) {
    if (page.canPost && !postForm) {
      postForm = createPostForm();
      formSlot.replaceChildren(postForm);
    } else if (!page.canPost) {
      postForm = null;
      formSlot.replaceChildren();
    }
    for (const id of answers.keys()) if (!page.canAnswer || !page.items.some((item) => item.id === id)) answers.delete(id);
    drawFilter();
    list.replaceChildren(...page.items.map(itemNode));
    status.hidden = page.items.length > 0;
    status.textContent = page.items.length > 0 ? '' : t(filter ? 'feedback.noneWithStatus' : 'feedback.empty');
    more.hidden = !page.hasMore;
    // Where it was: no scrolling (a live redraw must not move the page under the reader).
    if (focus && !element.contains(document.activeElement)) element.querySelector(focus)?.focus({ preventScroll: true });
  }

  async function load({ focus } = {}) {
    if (editing != null) {
      reloadPending = true; // not under the editor's feet
      return;
    }
    const id = ++loadId;
    const limit = Math.min(100, Math.max(FEEDBACK_PAGE, page?.items.length ?? 0));
    try {
      const answer = await feedbackApi.list(accountId, { status: filter, limit });
      if (!alive || id !== loadId || editing != null) return;
      page = answer;
      draw(focus ? { focus } : {});
    } catch (error) {
      if (!alive || id !== loadId) return;
      showLoadError(status, error, () => load());
    }
  }

  async function loadMore() {
    const id = ++loadId;
    more.disabled = true;
    try {
      const answer = await feedbackApi.list(accountId, { status: filter, before: page.items.at(-1)?.id });
      if (!alive || id !== loadId) return;
      page = { ...answer, items: [...page.items, ...answer.items] };
      draw();
      list.children[page.items.length - answer.items.length]?.querySelector('button')?.focus();
    } catch (error) {
      if (alive) showFlash(errorText(error));
    } finally {
      more.disabled = false;
    }
  }

  load();
  return {
    element,
    // A feedback.* event of the channel: a burst of them is one reload.
    changed() {
      clearTimeout(reloadTimer);
      reloadTimer = setTimeout(() => load(), RELOAD_DELAY_MS);
    },
    reload: () => load(),
    destroy() {
      alive = false;
      clearTimeout(reloadTimer);
      clearTimeout(flashTimer);
    },
  };
}
