// The quality card editor, below the `quality-card` section's text, for the account's director and admins: a month
// (this month first), the card's status, texts and entered figures with the previous month's submitted values, the
// figures Kanava computes (read-only, with the previous month's), "save draft" and "submit" (after a confirmation),
// and the month's version history. A submitted card is shown as it was submitted; "edit" starts the next version.
// The channel's card.* events reload it (changed()); a form with unsaved changes is left alone and says so.
import { cardApi } from '../card-api.js';
import { el, fill } from '../dom.js';
import { describeError, formatDateTime, t } from '../i18n.js';
import { showLoadError } from '../load-error.js';
import {
  cardTexts, computedTable, currentMonth, ENTERED, enteredTable, monthLabel, previousValue, STATUSES, statusBadge, submittedLine,
} from './card-figures.js';

const MAX_TEXT = 2000;

// A number typed with a comma or a point; '' is "empty" (null); anything else is NaN.
function parseNumber(text) {
  const trimmed = text.trim().replace(/\s/g, '');
  if (trimmed === '') return null;
  return /^-?[0-9]+([.,][0-9]+)?$/.test(trimmed) ? Number(trimmed.replace(',', '.')) : Number.NaN;
}

// A stored figure as the field shows it ("4,2" in Finnish).
function fieldText(value) {
  return value == null ? '' : new Intl.NumberFormat(document.documentElement.lang || 'fi', { useGrouping: false, maximumFractionDigits: 2 }).format(value);
}

export function createQualityCard({ accountId }) {
  const monthInput = el('input', { id: 'card-month', type: 'month', min: '2000-01', max: currentMonth(), required: true });
  monthInput.value = currentMonth();
  const historyButton = el('button', { type: 'button', id: 'card-history-toggle', class: 'button small', 'aria-expanded': 'false' }, t('card.history'));
  const toolbar = el('div', { class: 'card-toolbar' },
    el('div', { class: 'field card-month-field' }, el('label', { for: 'card-month' }, t('card.month')), monthInput),
    historyButton);
  const flash = el('p', { class: 'flash', role: 'status' });
  const status = el('p', { class: 'muted', role: 'status' }, t('common.loading'));
  const notice = el('div', { class: 'card-notice' });
  const body = el('div', { class: 'card-body' });
  const historySlot = el('div', { class: 'card-history-slot' });
  const element = el('section', { id: 'quality-card', class: 'card-part', 'aria-labelledby': 'card-heading' },
    // The section's own title already says "Quality card": the heading is for screen readers' navigation.
    el('h3', { id: 'card-heading', class: 'sr-only' }, t('card.title')),
    toolbar, flash, status, notice, body, historySlot);

  let alive = true;
  let loadId = 0;
  let month = monthInput.value;
  let page = null; // GET …/cards/:month's answer
  let form = null; // { node, fields, initial, error, … } while the form is shown
  let editingSubmitted = false; // "edit" pressed on a submitted card: the form makes the next version
  let busy = false;
  let flashTimer = null;

  function showFlash(text) {
    flash.textContent = text;
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => {
      flash.textContent = '';
    }, 6000);
  }

  const isDirty = () => form != null && JSON.stringify(readForm(false)) !== form.initial;

  // MARK: - Drawing

  function header() {
    const { card } = page;
    const state = card ? card.state : 'new';
    return el('div', { class: 'card-header' },
      el('p', { class: 'card-title-line' },
        el('strong', {}, monthLabel(page.month)),
        card && el('span', { class: 'card-version', 'data-version': String(card.version) }, ` · ${t('card.version', { version: card.version })}`),
        ' · ', el('span', { id: 'card-state', class: `badge card-state state-${state}`, 'data-state': state }, t(`card.state.${state}`))),
      card?.submittedAt && el('p', { class: 'card-meta' }, submittedLine(card)),
      card && !card.submittedAt && card.updatedAt && el('p', { class: 'card-meta' },
        t('card.updated', { name: card.updatedBy?.name ?? t('card.unknown'), time: formatDateTime(card.updatedAt) })));
  }

  // A submitted card as it was submitted, with "edit" (the next version).
  function drawSubmitted() {
    const { card, previous } = page;
    form = null;
    fill(body,
      header(),
      el('div', { class: 'card-status-line' }, t('card.status.label'), ': ', statusBadge(card.status, { id: 'card-status-shown' })),
      cardTexts(card),
      enteredTable(card.entered, previous?.entered, { id: 'card-entered' }),
      computedTable(page.figures, previous?.figures, { id: 'card-computed' }),
      page.canEdit && el('div', { class: 'actions' },
        el('button', { type: 'button', id: 'card-edit', class: 'button', onclick: startEditing }, t('card.edit'))));
  }

  function startEditing() {
    editingSubmitted = true;
    draw();
    showFlash(t('card.editNote', { version: page.card.version + 1 }));
    document.getElementById('card-summary')?.focus();
  }

  function drawForm() {
    const { card, previous } = page;
    const radios = STATUSES.map((value) => {
      const input = el('input', { type: 'radio', name: 'card-status', id: `card-status-${value}`, value });
      input.checked = card?.status === value;
      return el('label', { class: `card-status-choice status-${value}`, for: `card-status-${value}` }, input, ' ', statusBadge(value));
    });
    const summary = el('textarea', { id: 'card-summary', rows: '5', maxlength: String(MAX_TEXT), spellcheck: 'true' });
    summary.value = card?.summary ?? '';
    const asks = el('textarea', { id: 'card-asks', rows: '4', maxlength: String(MAX_TEXT), spellcheck: 'true' });
    asks.value = card?.asks ?? '';
    const numbers = ENTERED.map(({ field, key }) => {
      const id = `card-${field}`;
      const input = el('input', { id, type: 'text', inputmode: 'decimal', autocomplete: 'off', 'aria-describedby': `${id}-previous`, 'data-field': field });
      input.value = fieldText(card?.entered?.[field]);
      return {
        field, input,
        node: el('div', { class: 'field card-number' },
          el('label', { for: id }, t(`card.figure.${key}`)), input,
          el('p', { class: 'hint card-previous', id: `${id}-previous` }, previousValue(field, previous?.entered))),
      };
    });
    const error = el('p', { id: 'card-error', class: 'form-error', role: 'alert' });
    const save = el('button', { type: 'submit', id: 'card-save', class: 'button' }, t('card.save'));
    const submit = el('button', { type: 'button', id: 'card-submit', class: 'button primary' }, t('card.submit'));
    const confirmSlot = el('div', { class: 'card-confirm-slot' });
    const node = el('form', { id: 'card-form', class: 'card-form', novalidate: true },
      el('fieldset', { class: 'card-status-field' }, el('legend', {}, t('card.status.label')), el('div', { class: 'card-status-choices' }, radios)),
      el('div', { class: 'field' }, el('label', { for: 'card-summary' }, t('card.summary')), summary,
        el('p', { class: 'hint' }, t('card.textHint', { max: MAX_TEXT }))),
      el('div', { class: 'field' }, el('label', { for: 'card-asks' }, t('card.asks')), asks),
      el('fieldset', { class: 'card-numbers' }, el('legend', {}, t('card.entered')), numbers.map((number) => number.node)),
      error,
      el('div', { class: 'actions' }, save, submit, editingSubmitted && el('button', {
        type: 'button', id: 'card-cancel-edit', class: 'button', onclick: () => {
          editingSubmitted = false;
          draw();
        },
      }, t('common.cancel'))),
      confirmSlot);
    form = { node, summary, asks, numbers, error, save, submit, confirmSlot, initial: '' };
    form.initial = JSON.stringify(readForm(false));
    node.addEventListener('submit', (event) => {
      event.preventDefault();
      saveDraft();
    });
    submit.addEventListener('click', askToSubmit);
    fill(body, header(), node, computedTable(page.figures, previous?.figures, { id: 'card-computed' }));
  }

  function draw() {
    status.hidden = true;
    if (page.card?.state === 'submitted' && !editingSubmitted) drawSubmitted();
    else drawForm();
  }

  // The form's values as the API takes them; with `check`, an unreadable number is an error (thrown as a message).
  function readForm(check = true) {
    const fields = {
      status: form.node.querySelector('input[name="card-status"]:checked')?.value ?? null,
      summary: form.summary.value,
      asks: form.asks.value,
    };
    for (const { field, input } of form.numbers) {
      const value = parseNumber(input.value);
      if (check && Number.isNaN(value)) {
        input.focus();
        throw new Error(t('card.badNumber', { field: t(`card.figure.${ENTERED.find((spec) => spec.field === field).key}`) }));
      }
      fields[field] = Number.isNaN(value) ? input.value : value;
    }
    return fields;
  }

  // MARK: - Saving and submitting

  // Saves the form (when it has changes, or nothing is saved yet) and returns the page after it.
  async function saveForm() {
    const fields = readForm();
    if (page.card && page.card.state === 'draft' && !isDirty()) return page;
    return cardApi.save(accountId, month, fields);
  }

  async function saveDraft() {
    if (busy || !form) return;
    busy = true;
    form.error.textContent = '';
    form.save.disabled = true;
    form.save.textContent = t('card.saving');
    try {
      const next = await saveForm();
      if (!alive) return;
      page = next;
      editingSubmitted = false;
      draw();
      showFlash(t('card.saved', { version: page.card?.version ?? 1 }));
      document.getElementById('card-save')?.focus();
    } catch (failure) {
      if (!alive || !form) return;
      form.error.textContent = failure.code ? describeError(failure) : failure.message;
      form.save.disabled = false;
      form.save.textContent = t('card.save');
    } finally {
      busy = false;
    }
  }

  function askToSubmit() {
    if (!form) return;
    form.error.textContent = '';
    if (!form.node.querySelector('input[name="card-status"]:checked')) {
      form.error.textContent = t('card.needStatus');
      form.node.querySelector('#card-status-green')?.focus();
      return;
    }
    const version = page.card?.state === 'draft' ? page.card.version : (page.card?.version ?? 0) + 1;
    const yes = el('button', { type: 'button', id: 'card-submit-confirm', class: 'button primary' }, t('card.submitConfirm'));
    const no = el('button', { type: 'button', id: 'card-submit-cancel', class: 'button' }, t('common.cancel'));
    const box = el('div', { id: 'card-submit-question', class: 'confirm', role: 'alertdialog', 'aria-labelledby': 'card-submit-text' },
      el('p', { id: 'card-submit-text' }, t('card.submitQuestion', { version })),
      el('div', { class: 'actions' }, yes, no));
    no.addEventListener('click', () => {
      form.confirmSlot.replaceChildren();
      form.submit.focus();
    });
    yes.addEventListener('click', () => submitCard(yes));
    form.confirmSlot.replaceChildren(box);
    yes.focus();
  }

  async function submitCard(button) {
    if (busy) return;
    busy = true;
    button.disabled = true;
    try {
      const saved = await saveForm();
      if (!alive) return;
      if (saved.card?.state !== 'draft') throw new Error(t('card.nothingChanged'));
      page = await cardApi.submit(accountId, month, saved.card.version);
      if (!alive) return;
      editingSubmitted = false;
      draw();
      showFlash(t('card.submitted', { version: page.card.version }));
      document.getElementById('card-state')?.setAttribute('tabindex', '-1');
      document.getElementById('card-state')?.focus();
      history?.reload();
    } catch (failure) {
      if (!alive || !form) return;
      button.disabled = false;
      form.error.textContent = failure.code ? describeError(failure) : failure.message;
      if (failure.code === 'already_submitted') load();
    } finally {
      busy = false;
    }
  }

  // MARK: - History

  let history = null;

  function createHistory() {
    const list = el('ol', { id: 'card-versions', class: 'card-versions' });
    const node = el('section', { class: 'card-history', 'aria-labelledby': 'card-history-heading' },
      el('h4', { id: 'card-history-heading' }, t('card.historyTitle', { month: monthLabel(month) })), list);
    async function reload() {
      try {
        const { versions } = await cardApi.versions(accountId, month);
        if (!alive) return;
        fill(list, versions.length === 0 ? el('li', { class: 'muted' }, t('card.noVersions')) : versions.map((version) => el('li', {
          'data-version': String(version.version), 'data-state': version.state,
        },
        el('span', { class: 'card-history-title' }, t('card.historyItem', { version: version.version, state: t(`card.state.${version.state}`) })),
        version.status && [' ', statusBadge(version.status)],
        el('span', { class: 'card-meta' }, ` — ${t('card.created', { name: version.createdBy?.name ?? t('card.unknown'), time: formatDateTime(version.createdAt) })}`),
        version.submittedAt && el('span', { class: 'card-meta' }, ` — ${submittedLine(version)}`))));
      } catch (error) {
        if (alive) fill(list, el('li', { class: 'load-error' }, describeError(error)));
      }
    }
    reload();
    return { node, reload };
  }

  historyButton.addEventListener('click', () => {
    if (history) {
      history.node.remove();
      history = null;
    } else {
      history = createHistory();
      historySlot.append(history.node);
    }
    historyButton.setAttribute('aria-expanded', String(history != null));
  });

  // MARK: - Loading

  async function load() {
    const id = ++loadId;
    notice.replaceChildren();
    try {
      const next = await cardApi.card(accountId, month);
      if (!alive || id !== loadId) return;
      page = next;
      draw();
    } catch (error) {
      if (!alive || id !== loadId) return;
      body.replaceChildren();
      showLoadError(status, error, load);
    }
  }

  monthInput.addEventListener('change', () => {
    if (!/^[0-9]{4}-[0-9]{2}$/.test(monthInput.value) || monthInput.value > currentMonth()) {
      monthInput.value = month;
      return;
    }
    month = monthInput.value;
    editingSubmitted = false;
    if (history) {
      history.node.remove();
      history = createHistory();
      historySlot.append(history.node);
    }
    load();
  });

  load();
  return {
    element,
    // card.saved / card.submitted of this channel: reload, unless the form holds unsaved changes.
    changed(event) {
      if (event?.data?.month && event.data.month !== month) return;
      history?.reload();
      // The echo of this editor's own save or submit: already shown.
      const card = page?.card;
      if (card && event?.data?.version === card.version && event.data.state === card.state && event.data.updatedAt === card.updatedAt) return;
      if (busy) return;
      if (isDirty()) {
        const reload = el('button', { type: 'button', id: 'card-load-latest', class: 'button small', onclick: load }, t('card.loadLatest'));
        notice.replaceChildren(el('p', { class: 'stale-box', role: 'status' }, t('card.changedElsewhere'), ' ', reload));
      } else {
        load();
      }
    },
    reload: load,
    destroy() {
      alive = false;
      clearTimeout(flashTimer);
    },
  };
}
