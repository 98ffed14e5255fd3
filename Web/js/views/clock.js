// The annual clock, below the `annual-clock` section's text: a year (this year first, a year switcher), its
// done-vs-planned figures, and its events as a clock face (clock-face.js) or as a list by month (clock-list.js; the
// phone's first view). Choosing an occurrence opens its details (clock-details.js), where it is marked done; the
// director and admins add and edit events (clock-event-form.js). The channel's clock.* events reload it (changed()),
// keeping the open details, the note being written and the keyboard focus.
import { clockApi } from '../clock-api.js';
import { el, fill } from '../dom.js';
import { currentLanguage, monthName, roleName, t } from '../i18n.js';
import { showLoadError } from '../load-error.js';
import { renderDetails } from './clock-details.js';
import { createEventForm } from './clock-event-form.js';
import { renderClockFace } from './clock-face.js';
import { renderClockList } from './clock-list.js';
import { createCalendarFeed } from './integrations.js';
import { markSymbol, ownersIn, STATUSES } from './clock-marks.js';

const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;
const RELOAD_DELAY_MS = 150;
const PHONE = window.matchMedia('(max-width: 36rem)');
let chosenView = null; // 'face' or 'list' once chosen (for this page load); until then the list on a phone

const keyOf = (entry, occurrence) => `${entry.event.id}/${occurrence?.date ?? ''}`;

function legend(entries) {
  const item = (symbol, text) => el('li', {}, symbol, el('span', {}, text));
  return el('div', { id: 'clock-legend', class: 'clock-legend' },
    el('ul', { class: 'clock-legend-list', 'aria-label': t('clock.legendOwners') },
      ownersIn(entries).map((owner) => item(markSymbol(owner), roleName(owner)))),
    el('ul', { class: 'clock-legend-list', 'aria-label': t('clock.legendStatuses') },
      STATUSES.map((status) => item(markSymbol('neutral', status), t(`clock.status.${status}`))),
      item(el('span', { class: 'legend-hand', 'aria-hidden': 'true' }), t('clock.today'))));
}

export function createAnnualClock({ accountId }) {
  const yearLabel = el('span', { id: 'clock-year', class: 'clock-year', 'aria-live': 'polite' });
  const previous = el('button', { type: 'button', id: 'clock-prev-year', class: 'button small', onclick: () => showYear(data.year - 1) });
  const next = el('button', { type: 'button', id: 'clock-next-year', class: 'button small', onclick: () => showYear(data.year + 1) });
  const thisYear = el('button', { type: 'button', id: 'clock-this-year', class: 'button small', onclick: () => showYear(Number(figures.asOf.slice(0, 4))) },
    t('clock.thisYear'));
  const viewButtons = ['face', 'list'].map((name) => el('button', {
    type: 'button', id: `clock-view-${name}`, class: 'button small', 'data-view': name, onclick: () => showView(name),
  }, t(`clock.view.${name}`)));
  const addSlot = el('div', { class: 'clock-add' });
  const toolbar = el('div', { class: 'clock-toolbar', hidden: true },
    el('div', { class: 'clock-years', role: 'group', 'aria-label': t('clock.year') }, previous, yearLabel, next, thisYear),
    el('div', { class: 'clock-views', role: 'group', 'aria-label': t('clock.viewLabel') }, viewButtons),
    addSlot);
  const formSlot = el('div', { class: 'clock-form-slot' });
  const flash = el('p', { class: 'flash', role: 'status' });
  const figuresNode = el('dl', { id: 'clock-figures', class: 'clock-figures' });
  const status = el('p', { class: 'muted', role: 'status' }, t('common.loading'));
  const body = el('div', { class: 'clock-body' });
  const element = el('section', { id: 'annual-clock', class: 'clock-part', 'aria-labelledby': 'clock-heading' },
    el('h3', { id: 'clock-heading', class: 'sr-only' }, t('clock.title')),
    toolbar, formSlot, flash, status, figuresNode, body);
  // The person's own calendar feed (every channel's clock in one iCalendar address).
  const feed = createCalendarFeed();
  element.append(feed.element);

  let alive = true;
  let loadId = 0;
  let year = null; // null: this year, as the server counts it
  let data = null; // GET …/clock's answer
  let figures = null; // GET …/clock/summary's figures
  let view = chosenView ?? (PHONE.matches ? 'list' : 'face');
  let selectedKey = null; // "event/date" of the occurrence whose details are open
  let shown = null; // { key, json, node }: the details node shown, reused while its data stays the same
  let form = null;
  let reloadTimer = null;
  let flashTimer = null;

  function showFlash(text) {
    flash.textContent = text;
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => {
      flash.textContent = '';
    }, 6000);
  }

  // MARK: - Drawing

  // Where the keyboard focus is inside the clock, as a way to find the same control in the redrawn clock.
  function rememberFocus() {
    const active = document.activeElement;
    if (!active || !element.contains(active)) return () => {};
    let selector = null;
    if (active.id) selector = `#${CSS.escape(active.id)}`;
    else if (active.dataset.occurrence) selector = `[data-occurrence="${CSS.escape(active.dataset.occurrence)}"]`;
    else if (active.dataset.action) selector = `#clock-details [data-action="${CSS.escape(active.dataset.action)}"]`;
    return () => {
      // Where it was: no scrolling (a live redraw must not move the page under the reader).
      if (selector && !element.contains(document.activeElement)) element.querySelector(selector)?.focus({ preventScroll: true });
    };
  }

  function selectedParts() {
    for (const entry of data.events) {
      if (selectedKey === keyOf(entry, null) && entry.occurrences.length === 0) return { entry, occurrence: null };
      const occurrence = entry.occurrences.find((candidate) => keyOf(entry, candidate) === selectedKey);
      if (occurrence) return { entry, occurrence };
    }
    return null;
  }

  // The open occurrence's details: the node already shown while nothing in it changed (so a half-written note, a
  // delete question or an error stays); else a new one that keeps the note being written.
  function detailsNode() {
    const parts = selectedKey && selectedParts();
    if (!parts) {
      selectedKey = null;
      shown = null;
      return null;
    }
    const json = JSON.stringify([parts.entry.event, parts.entry.canMark, parts.occurrence, data.canEdit]);
    if (shown?.key === selectedKey && shown.json === json) return shown.node;
    const note = shown?.key === selectedKey ? shown.node.querySelector('#clock-note')?.value : undefined;
    const node = renderDetails({
      accountId, ...parts, canEdit: data.canEdit, note,
      onMarked, onEdit: openForm, onDeleted, onClose: closeDetails,
    });
    shown = { key: selectedKey, json, node };
    return node;
  }

  function drawToolbar() {
    toolbar.hidden = false;
    yearLabel.textContent = String(data.year);
    previous.textContent = `‹ ${data.year - 1}`;
    previous.setAttribute('aria-label', t('clock.previousYear', { year: data.year - 1 }));
    previous.disabled = data.year <= FIRST_YEAR;
    next.textContent = `${data.year + 1} ›`;
    next.setAttribute('aria-label', t('clock.nextYear', { year: data.year + 1 }));
    next.disabled = data.year >= LAST_YEAR;
    thisYear.hidden = Number(figures.asOf.slice(0, 4)) === data.year;
    for (const button of viewButtons) button.setAttribute('aria-pressed', String(button.dataset.view === view));
    fill(addSlot, data.canEdit && el('button', {
      type: 'button', id: 'clock-add', class: 'button primary small', 'aria-expanded': String(form != null && form.event == null),
      onclick: () => (form ? closeForm() : openForm(null)),
    }, t('clock.add')));
  }

  function figure(name, label, count) {
    const percent = count.planned > 0
      ? ` (${new Intl.NumberFormat(currentLanguage(), { style: 'percent' }).format(count.done / count.planned)})` : '';
    return el('div', { class: 'clock-figure', 'data-figure': name, 'data-done': count.done, 'data-planned': count.planned },
      el('dt', {}, label),
      el('dd', {}, t('clock.doneOf', { done: count.done, planned: count.planned }), percent,
        count.cancelled > 0 && ` · ${t('clock.cancelledCount', { count: count.cancelled })}`));
  }

  // This month and the year so far; for another year the whole year.
  function drawFigures() {
    const { months, yearToDate, asOf } = figures;
    if (Number(asOf.slice(0, 4)) === figures.year) {
      const month = Number(asOf.slice(5, 7));
      fill(figuresNode,
        figure('month', t('clock.thisMonthFigure', { month: monthName(month) }), months[month - 1].count),
        figure('year-to-date', t('clock.yearToDate'), yearToDate));
    } else {
      const total = months.reduce((sum, { count }) => ({
        planned: sum.planned + count.planned, done: sum.done + count.done, cancelled: sum.cancelled + count.cancelled,
      }), { planned: 0, done: 0, cancelled: 0 });
      fill(figuresNode, figure('year', t('clock.wholeYear', { year: figures.year }), total));
    }
  }

  function draw() {
    if (!data) return;
    const restoreFocus = rememberFocus();
    drawToolbar();
    drawFigures();
    const details = detailsNode();
    const today = figures.asOf;
    const empty = data.events.every((entry) => entry.occurrences.length === 0)
      && el('p', { class: 'muted clock-empty' }, t('clock.empty', { year: data.year }));
    if (view === 'face') {
      fill(body, empty, el('div', { class: 'clock-face-view' },
        el('div', { class: 'clock-face-wrap' }, renderClockFace({ year: data.year, entries: data.events, today, selectedKey, onSelect: select })),
        el('div', { class: 'clock-side' }, legend(data.events), details ?? el('p', { class: 'hint clock-pick' }, t('clock.pickHint')))));
    } else {
      fill(body, empty, renderClockList({ year: data.year, entries: data.events, today, selectedKey, details, onSelect: select }));
    }
    restoreFocus();
  }

  // MARK: - Choosing

  function select(entry, occurrence) {
    const key = keyOf(entry, occurrence);
    selectedKey = selectedKey === key ? null : key;
    draw();
    // On the face the details are beside or below it: the focus goes there. In the list they open under the row.
    if (selectedKey && view === 'face') {
      const title = element.querySelector('#clock-details-title');
      title?.focus({ preventScroll: true });
      element.querySelector('#clock-details')?.scrollIntoView({ block: 'nearest' });
    }
  }

  function closeDetails() {
    const key = selectedKey;
    selectedKey = null;
    draw();
    element.querySelector(`[data-occurrence="${CSS.escape(key ?? '')}"]`)?.focus();
  }

  function showView(name) {
    view = name;
    chosenView = name;
    draw();
  }

  function showYear(next) {
    if (next < FIRST_YEAR || next > LAST_YEAR) return;
    year = next;
    selectedKey = null;
    load();
  }

  // MARK: - Changes

  function onMarked(occurrence) {
    const entry = data.events.find((candidate) => candidate.event.id === occurrence.event);
    if (entry) entry.occurrences = entry.occurrences.map((candidate) => (candidate.date === occurrence.date ? occurrence : candidate));
    showFlash(t(`clock.marked.${occurrence.status}`));
    shown = null; // the note field shows the saved note
    draw();
    element.querySelector('#clock-details-title')?.focus();
    load(); // the figures
  }

  function onDeleted(event) {
    selectedKey = null;
    showFlash(t('clock.deleted', { title: event.title }));
    load();
  }

  function openForm(event) {
    const opened = createEventForm({
      accountId, event, defaultStart: figures.asOf,
      onDone: (saved) => {
        closeForm();
        if (!saved) return;
        showFlash(t(event ? 'clock.saved' : 'clock.added', { title: saved.title }));
        load();
      },
    });
    form = { event, element: opened.element };
    formSlot.replaceChildren(opened.element);
    drawToolbar();
    opened.element.scrollIntoView({ block: 'nearest' });
    opened.focus();
  }

  function closeForm() {
    if (!form) return;
    const { event } = form;
    form = null;
    formSlot.replaceChildren();
    if (!data) return;
    drawToolbar();
    (event ? element.querySelector('#clock-details [data-action="edit-event"]') : element.querySelector('#clock-add'))?.focus();
  }

  // MARK: - Loading

  async function load() {
    const id = ++loadId;
    try {
      const [answer, summary] = await Promise.all([clockApi.year(accountId, year), clockApi.summary(accountId, year)]);
      if (!alive || id !== loadId) return;
      data = answer;
      figures = summary.figures;
      year = answer.year;
      status.hidden = true;
      if (!data.canEdit) closeForm();
      draw();
    } catch (error) {
      if (!alive || id !== loadId) return;
      showLoadError(status, error, load);
    }
  }

  load();
  return {
    element,
    // A clock.* event of the channel: a burst of them is one reload.
    changed() {
      clearTimeout(reloadTimer);
      reloadTimer = setTimeout(load, RELOAD_DELAY_MS);
    },
    reload: load,
    destroy() {
      alive = false;
      clearTimeout(reloadTimer);
      clearTimeout(flashTimer);
      feed.destroy();
    },
  };
}
