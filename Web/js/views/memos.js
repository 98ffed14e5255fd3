// Meeting memos (the `memos` section): newest meeting first; open one to read it; editors write, edit, delete.
// A memo's body is Markdown text shown as plain text with its line breaks (no Markdown rendering here).
import { content } from '../content-api.js';
import { el, fill } from '../dom.js';
import { describeError, formatDate, formatDateTime, t } from '../i18n.js';
import { today } from './documents.js';
import { showLoadError } from '../load-error.js';

const splitNames = (text) => text.split(',').map((name) => name.trim()).filter(Boolean);

export function createMemos({ accountId }) {
  const addSlot = el('div');
  const formSlot = el('div', { class: 'memo-form-slot' });
  const status = el('p', { class: 'muted', role: 'status' }, t('common.loading'));
  const list = el('ul', { id: 'memos', class: 'memo-list' });
  // The section's own title already says "Memos": the heading is for screen readers' navigation.
  const element = el('section', { class: 'memos-part', 'aria-labelledby': 'memos-heading' },
    el('div', { class: 'part-head' }, el('h3', { id: 'memos-heading', class: 'sr-only' }, t('memos.title')), addSlot),
    formSlot, status, list);

  let alive = true;
  let loadId = 0;
  let canEdit = false;
  let memos = [];
  const opened = new Set(); // memo ids shown open
  let editing = null; // id of the memo being edited in the list
  let reloadPending = false;

  // MARK: - Form (new or edit: one at a time, so the ids are unique)

  function memoForm(memo, { onDone }) {
    const title = el('input', { id: 'memo-title', type: 'text', maxlength: '200', autocomplete: 'off', required: true });
    const date = el('input', { id: 'memo-date', type: 'date', required: true });
    const participants = el('input', { id: 'memo-participants', type: 'text', autocomplete: 'off', 'aria-describedby': 'memo-participants-hint' });
    const body = el('textarea', { id: 'memo-body', rows: '10', spellcheck: 'true' });
    title.value = memo?.title ?? '';
    date.value = memo?.meetingDate ?? today();
    participants.value = memo?.participants.join(', ') ?? '';
    body.value = memo?.body ?? '';
    const error = el('p', { id: 'memo-error', class: 'form-error', role: 'alert' });
    const save = el('button', { type: 'submit', id: 'memo-save', class: 'button primary' }, t('common.save'));
    const form = el('form', { id: 'memo-form', class: 'memo-form', novalidate: true },
      el('div', { class: 'field-row' },
        el('div', { class: 'field field-wide' }, el('label', { for: 'memo-title' }, t('memos.titleLabel')), title),
        el('div', { class: 'field' }, el('label', { for: 'memo-date' }, t('memos.date')), date)),
      el('div', { class: 'field' }, el('label', { for: 'memo-participants' }, t('memos.participants')), participants,
        el('p', { class: 'hint', id: 'memo-participants-hint' }, t('memos.participantsHint'))),
      el('div', { class: 'field' }, el('label', { for: 'memo-body' }, t('memos.body')), body),
      error,
      el('div', { class: 'actions' }, save,
        el('button', { type: 'button', id: 'memo-cancel', class: 'button', onclick: () => onDone(null) }, t('common.cancel'))));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      if (!title.value.trim()) {
        error.textContent = t('memos.needTitle');
        return title.focus();
      }
      if (!date.value) {
        error.textContent = t('memos.needDate');
        return date.focus();
      }
      const fields = { title: title.value.trim(), meetingDate: date.value, participants: splitNames(participants.value), body: body.value };
      save.disabled = true;
      try {
        const answer = memo ? await content.updateMemo(accountId, memo.id, fields) : await content.createMemo(accountId, fields);
        if (!alive) return;
        onDone(answer.memo);
      } catch (failure) {
        save.disabled = false;
        error.textContent = describeError(failure);
      }
    });
    return form;
  }

  function closeForms() {
    formSlot.replaceChildren();
    if (editing != null) {
      editing = null;
      draw();
    }
  }

  function openNewForm() {
    closeForms();
    formSlot.replaceChildren(memoForm(null, {
      onDone: (memo) => {
        formSlot.replaceChildren();
        drawAddButton();
        if (memo) {
          opened.add(memo.id);
          load();
        }
        document.getElementById('memo-new')?.focus();
      },
    }));
    drawAddButton();
    document.getElementById('memo-title')?.focus();
  }

  function drawAddButton() {
    addSlot.replaceChildren(canEdit ? el('button', {
      type: 'button', id: 'memo-new', class: 'button primary', 'aria-expanded': String(formSlot.firstChild != null),
      onclick: () => (formSlot.firstChild ? closeForms() : openNewForm()),
    }, t('memos.new')) : '');
  }

  // MARK: - List

  function summaryLine(memo) {
    return [formatDate(memo.meetingDate), memo.participants.length > 0 ? memo.participants.join(', ') : null].filter(Boolean).join(' · ');
  }

  function item(memo) {
    const isOpen = opened.has(memo.id);
    const detail = el('div', { class: 'memo-detail', id: `memo-detail-${memo.id}`, hidden: !isOpen });
    const toggle = el('button', {
      type: 'button', class: 'memo-toggle', 'aria-expanded': String(isOpen), 'aria-controls': `memo-detail-${memo.id}`,
    },
    el('span', { class: 'memo-title' }, memo.title),
    el('span', { class: 'memo-summary' }, summaryLine(memo)));
    const node = el('li', { 'data-memo-id': String(memo.id) }, toggle, detail);
    toggle.addEventListener('click', () => {
      if (opened.has(memo.id)) opened.delete(memo.id);
      else opened.add(memo.id);
      toggle.setAttribute('aria-expanded', String(opened.has(memo.id)));
      detail.hidden = !opened.has(memo.id);
      if (opened.has(memo.id)) showMemo(memo, detail);
    });
    if (editing === memo.id) {
      detail.hidden = false;
      fill(detail, el('p', { class: 'muted' }, t('common.loading')));
      content.memo(accountId, memo.id).then(({ memo: full }) => {
        if (editing !== memo.id) return;
        fill(detail, memoForm(full, { onDone: (saved) => finishEdit(saved) }));
        document.getElementById('memo-title')?.focus();
      }, (error) => fill(detail, el('p', { class: 'load-error' }, describeError(error))));
    } else if (isOpen) {
      showMemo(memo, detail);
    }
    return node;
  }

  async function showMemo(summary, detail) {
    fill(detail, el('p', { class: 'muted' }, t('common.loading')));
    try {
      const { memo } = await content.memo(accountId, summary.id);
      if (!alive || !detail.isConnected) return;
      const byline = [
        memo.author && t('memos.writtenBy', { name: memo.author.name, time: formatDateTime(memo.createdAt) }),
        memo.editedAt && t('memos.editedBy', { name: memo.editedBy?.name ?? t('section.unknownAuthor'), time: formatDateTime(memo.editedAt) }),
      ].filter(Boolean).join(' · ');
      const actions = canEdit && el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'button small', 'data-action': 'edit', onclick: () => startEdit(memo.id) }, t('memos.edit')),
        el('button', {
          type: 'button', class: 'button small danger-outline', 'data-action': 'delete',
          onclick: () => confirmDelete(memo, detail),
        }, t('memos.delete')));
      fill(detail,
        memo.participants.length > 0 && el('p', { class: 'memo-participants' },
          el('span', { class: 'muted' }, `${t('memos.participants')}: `), memo.participants.join(', ')),
        // Plain text: the body's Markdown is not rendered here; CSS keeps its line breaks.
        memo.body.trim() ? el('div', { class: 'memo-body' }, memo.body) : el('p', { class: 'muted' }, t('memos.noBody')),
        byline && el('p', { class: 'memo-byline' }, byline),
        actions);
    } catch (error) {
      if (!alive) return;
      fill(detail, el('p', { class: 'load-error' }, describeError(error)));
    }
  }

  function startEdit(id) {
    formSlot.replaceChildren();
    drawAddButton();
    editing = id;
    draw();
  }

  function finishEdit(saved) {
    const id = editing;
    editing = null;
    if (saved) opened.add(saved.id);
    draw();
    if (reloadPending || saved) {
      reloadPending = false;
      load();
    }
    list.querySelector(`li[data-memo-id="${id}"] .memo-toggle`)?.focus();
  }

  function confirmDelete(memo, detail) {
    const error = el('p', { class: 'form-error', role: 'alert' });
    const yes = el('button', { type: 'button', class: 'button danger small', 'data-action': 'confirm-delete' }, t('memos.deleteConfirm'));
    const box = el('div', { class: 'confirm', role: 'alert' }, el('p', {}, t('memos.deleteQuestion', { title: memo.title })), error,
      el('div', { class: 'actions' }, yes,
        el('button', { type: 'button', class: 'button small', onclick: () => box.remove() }, t('common.cancel'))));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await content.deleteMemo(accountId, memo.id);
        if (!alive) return;
        opened.delete(memo.id);
        load();
      } catch (failure) {
        yes.disabled = false;
        error.textContent = describeError(failure);
      }
    });
    detail.querySelector('.confirm')?.remove();
    detail.append(box);
    yes.focus();
  }

  function draw() {
    list.replaceChildren(...memos.map(item));
    status.hidden = memos.length > 0;
    status.textContent = memos.length === 0 ? t('memos.empty') : '';
    drawAddButton();
  }

  async function load() {
    if (editing != null) {
      reloadPending = true; // not under the editor's feet
      return;
    }
    const id = ++loadId;
    try {
      const answer = await content.memos(accountId);
      if (!alive || id !== loadId || editing != null) return;
      canEdit = answer.canEdit;
      memos = answer.memos;
      for (const memoId of opened) if (!memos.some((memo) => memo.id === memoId)) opened.delete(memoId);
      if (!canEdit) formSlot.replaceChildren();
      draw();
    } catch (error) {
      if (!alive || id !== loadId) return;
      showLoadError(status, error, load);
    }
  }

  load();
  return {
    element,
    reload: load,
    destroy() {
      alive = false;
    },
  };
}
