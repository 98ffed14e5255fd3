// How a quality card's parts read, in the director's editor (quality-card.js) and on the board's printable cards
// (board.js): the status with a symbol and a word (never colour alone), the entered and the computed figures each
// with the previous month's submitted value, formatted for the language.
import { el } from '../dom.js';
import { currentLanguage, formatDate, formatDateTime, monthName, t } from '../i18n.js';

export const STATUSES = ['green', 'yellow', 'red'];
const SYMBOLS = { green: '●', yellow: '▲', red: '■' };

// The entered figures: the JSON field, the i18n key, and how a value is written.
export const ENTERED = [
  { field: 'customerSatisfaction', key: 'satisfaction', format: (value) => number(value, 1) },
  { field: 'auditScore', key: 'audit', format: (value) => `${number(value, 1)} %` },
  { field: 'openComplaints', key: 'complaints', format: (value) => number(value, 0) },
  { field: 'monthlyBilling', key: 'billing', format: euros },
];

function number(value, decimals) {
  return new Intl.NumberFormat(currentLanguage(), { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(value);
}

function euros(value) {
  return new Intl.NumberFormat(currentLanguage(), { style: 'currency', currency: 'EUR' }).format(value);
}

function percent(rate) {
  return new Intl.NumberFormat(currentLanguage(), { style: 'percent', maximumFractionDigits: 0 }).format(rate);
}

// Minutes as a person says them: "25 min", "3,5 h", "2 vrk".
export function duration(minutes) {
  if (minutes < 90) return t('card.minutes', { n: number(minutes, 0) });
  if (minutes < 48 * 60) return t('card.hours', { n: number(minutes / 60, 1) });
  return t('card.days', { n: number(minutes / 1440, 1) });
}

// "2026-03" → "maaliskuu 2026" / "March 2026".
export function monthLabel(month) {
  const [year, number] = month.split('-').map(Number);
  return `${monthName(number)} ${year}`;
}

// The status as a badge: symbol and word; `null` is "no status".
export function statusBadge(status, { id = null } = {}) {
  return el('span', { id, class: `card-status status-${status ?? 'none'}`, 'data-status': status ?? 'none' },
    el('span', { class: 'card-status-symbol', 'aria-hidden': 'true' }, SYMBOLS[status] ?? '○'), ' ',
    t(`card.status.${status ?? 'none'}`));
}

// The computed figures as rows: [key, value text, raw value for tests].
function computedRows(figures) {
  const count = (c) => `${c.done} / ${c.planned}`;
  const { notices, feedback } = figures;
  return [
    ['sites', String(figures.sites), figures.sites],
    ['supervisors', String(figures.supervisors), figures.supervisors],
    ['supervisorChanges', String(figures.supervisorChanges), figures.supervisorChanges],
    ['clockMonth', count(figures.clock.month), `${figures.clock.month.done}/${figures.clock.month.planned}`],
    ['clockYear', count(figures.clock.yearToDate), `${figures.clock.yearToDate.done}/${figures.clock.yearToDate.planned}`],
    ['noticeRate', notices.rate == null ? t('card.none') : `${percent(notices.rate)} (${notices.acknowledged}/${notices.required})`,
      notices.rate ?? ''],
    ['noticeMedian', notices.medianMinutes == null ? t('card.none') : duration(notices.medianMinutes), notices.medianMinutes ?? ''],
    ['overdue', String(figures.overduePlannerTasks), figures.overduePlannerTasks],
    ['mustReads', String(figures.openMustReads), figures.openMustReads],
    ['feedback', `${feedback.new} / ${feedback.inProgress} / ${feedback.done} / ${feedback.declined}`,
      `${feedback.new}/${feedback.inProgress}/${feedback.done}/${feedback.declined}`],
  ];
}

// The computed figures as a table: figure, this month, the previous month's submitted card (when there is one).
export function computedTable(figures, previousFigures, { id = null } = {}) {
  const previous = previousFigures ? new Map(computedRows(previousFigures).map(([key, text]) => [key, text])) : null;
  return el('table', { id, class: 'card-figures' },
    el('caption', {}, t('card.computed'), el('span', { class: 'card-as-of' }, ` — ${t('card.asOf', { date: formatDate(isoDay(figures.asOf)) })}`)),
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col' }, t('card.figureColumn')),
      el('th', { scope: 'col' }, t('card.thisMonth')),
      el('th', { scope: 'col' }, t('card.previousMonth')))),
    el('tbody', {}, computedRows(figures).map(([key, text, raw]) => el('tr', { 'data-figure': key, 'data-value': String(raw) },
      el('th', { scope: 'row' }, t(`card.figure.${key}`)),
      el('td', {}, text),
      el('td', { class: 'card-previous' }, previous?.get(key) ?? t('card.none'))))));
}

// The entered figures of a submitted card, read-only, with the previous month's values.
export function enteredTable(entered, previousEntered, { id = null } = {}) {
  return el('table', { id, class: 'card-figures' },
    el('caption', {}, t('card.entered')),
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col' }, t('card.figureColumn')),
      el('th', { scope: 'col' }, t('card.thisMonth')),
      el('th', { scope: 'col' }, t('card.previousMonth')))),
    el('tbody', {}, ENTERED.map(({ field, key, format }) => el('tr', { 'data-figure': field, 'data-value': String(entered?.[field] ?? '') },
      el('th', { scope: 'row' }, t(`card.figure.${key}`)),
      el('td', {}, entered?.[field] == null ? t('card.none') : format(entered[field])),
      el('td', { class: 'card-previous' }, previousEntered?.[field] == null ? t('card.none') : format(previousEntered[field]))))));
}

// The previous month's value of an entered figure, for the editor: "Edellinen kk: 4,2".
export function previousValue(field, previousEntered) {
  const spec = ENTERED.find((candidate) => candidate.field === field);
  const value = previousEntered?.[field];
  return t('card.previous', { value: value == null ? t('card.none') : spec.format(value) });
}

// "Lähettänyt Jaana Järvinen 10.4.2026 klo 12.00" for a submitted version.
export function submittedLine(card) {
  return t('card.submittedBy', { name: card.submittedBy?.name ?? t('card.unknown'), time: formatDateTime(card.submittedAt) });
}

// This month in Finland, `YYYY-MM`: the newest month a card can be written for.
export function currentMonth() {
  return isoDay(new Date()).slice(0, 7);
}

// An instant's date in Finland (where the company works): the figures' as-of day.
function isoDay(instant) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(new Date(instant));
  const part = (type) => parts.find((candidate) => candidate.type === type)?.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

// A card's texts (summary, what is asked of the board) as paragraphs that keep their line breaks.
export function cardTexts(card) {
  return [
    el('section', { class: 'card-text' }, el('h4', {}, t('card.summary')),
      el('p', { class: 'card-text-body', 'data-text': 'summary' }, card.summary || t('card.none'))),
    el('section', { class: 'card-text' }, el('h4', {}, t('card.asks')),
      el('p', { class: 'card-text-body', 'data-text': 'asks' }, card.asks || t('card.none'))),
  ];
}
