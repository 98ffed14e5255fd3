// The board overview (#/board?month=YYYY-MM), for board members and admins: every account's submitted quality card
// for a month, as a table (sortable by account, status and director; filtered by status and director; the last
// twelve months as a small chart per account) or as whole cards, and printable either way (styles.css prints the
// table, or one card per page, without the app's header and controls).
import { cardApi } from '../card-api.js';
import { el, fill } from '../dom.js';
import { describeError, t } from '../i18n.js';
import { paths } from '../router.js';
import { cardTexts, computedTable, currentMonth, enteredTable, monthLabel, STATUSES, statusBadge, submittedLine } from './card-figures.js';
import { trendChart } from './card-trend.js';

// Worst first: red, yellow, green, then accounts without a card.
const STATUS_ORDER = { red: 0, yellow: 1, green: 2, none: 3 };
const SORT_KEYS = ['account', 'status', 'director'];

let layout = 'table'; // 'table' or 'cards', kept for this page load

export function renderBoard(root, { route }) {
  const monthInput = el('input', { id: 'board-month', type: 'month', min: '2000-01', max: currentMonth() });
  const statusSelect = el('select', { id: 'board-status' },
    el('option', { value: 'all' }, t('board.all')),
    [...STATUSES, 'none'].map((value) => el('option', { value }, t(value === 'none' ? 'board.noCard' : `card.status.${value}`))));
  const directorSelect = el('select', { id: 'board-director' });
  const layoutButtons = ['table', 'cards'].map((name) => el('button', {
    type: 'button', id: `board-layout-${name}`, class: 'button small', 'data-layout': name, onclick: () => setLayout(name),
  }, t(`board.layout.${name}`)));
  const print = el('button', { type: 'button', id: 'board-print', class: 'button', onclick: () => window.print() }, t('board.print'));
  const subtitle = el('p', { id: 'board-subtitle', class: 'board-subtitle' });
  const status = el('p', { id: 'board-count', class: 'list-status', role: 'status' }, t('common.loading'));
  const tableSlot = el('div', { class: 'board-table-wrap' });
  const cardsSlot = el('div', { id: 'board-cards', class: 'board-cards' });
  const page = el('main', { class: 'page board-page', 'data-layout': layout },
    el('h1', { id: 'board-title', tabindex: '-1' }, t('board.title')),
    subtitle,
    el('div', { class: 'board-controls' },
      el('div', { class: 'field' }, el('label', { for: 'board-month' }, t('board.month')), monthInput),
      el('div', { class: 'field' }, el('label', { for: 'board-status' }, t('board.filterStatus')), statusSelect),
      el('div', { class: 'field' }, el('label', { for: 'board-director' }, t('board.filterDirector')), directorSelect),
      el('div', { class: 'board-layouts', role: 'group', 'aria-label': t('board.layoutLabel') }, layoutButtons),
      print),
    status, tableSlot, cardsSlot);
  root.append(page);

  let alive = true;
  let loadId = 0;
  let month = /^[0-9]{4}-[0-9]{2}$/.test(route.month ?? '') ? route.month : currentMonth();
  monthInput.value = month;
  let overview = null;
  let sort = { key: 'account', direction: 1 };

  function setLayout(name) {
    layout = name;
    page.dataset.layout = name;
    for (const button of layoutButtons) button.setAttribute('aria-pressed', String(button.dataset.layout === name));
  }
  setLayout(layout);

  // MARK: - Filtering and sorting

  const statusOf = (entry) => entry.card?.status ?? 'none';
  const directorKey = (entry) => (entry.director ? String(entry.director.id) : 'none');

  function shown() {
    const wantedStatus = statusSelect.value;
    const wantedDirector = directorSelect.value;
    const entries = overview.accounts
      .map((entry, index) => ({ entry, index })) // the server's order is the Finnish order of the names
      .filter(({ entry }) => wantedStatus === 'all' || statusOf(entry) === wantedStatus)
      .filter(({ entry }) => wantedDirector === 'all' || directorKey(entry) === wantedDirector);
    const compare = {
      account: (a, b) => a.index - b.index,
      status: (a, b) => STATUS_ORDER[statusOf(a.entry)] - STATUS_ORDER[statusOf(b.entry)],
      director: (a, b) => (a.entry.director ? 0 : 1) - (b.entry.director ? 0 : 1)
        || (a.entry.director?.name ?? '').localeCompare(b.entry.director?.name ?? '', 'fi'),
    }[sort.key];
    return entries.sort((a, b) => sort.direction * compare(a, b) || a.index - b.index).map(({ entry }) => entry);
  }

  function fillDirectors() {
    const chosen = directorSelect.value || 'all';
    const directors = new Map();
    let withoutDirector = false;
    for (const entry of overview.accounts) {
      if (entry.director) directors.set(String(entry.director.id), entry.director.name);
      else withoutDirector = true;
    }
    fill(directorSelect,
      el('option', { value: 'all' }, t('board.all')),
      [...directors].sort((a, b) => a[1].localeCompare(b[1], 'fi')).map(([id, name]) => el('option', { value: id }, name)),
      withoutDirector && el('option', { value: 'none' }, t('board.noDirector')));
    directorSelect.value = [...directorSelect.options].some((option) => option.value === chosen) ? chosen : 'all';
  }

  // MARK: - Drawing

  function sortHeader(key) {
    const active = sort.key === key;
    const button = el('button', { type: 'button', class: 'sort-button', 'data-sort': key }, t(`board.column.${key}`),
      el('span', { class: 'sort-mark', 'aria-hidden': 'true' }, active ? (sort.direction > 0 ? ' ▲' : ' ▼') : ''));
    button.addEventListener('click', () => {
      sort = { key, direction: active ? -sort.direction : 1 };
      draw();
      tableSlot.querySelector(`[data-sort="${key}"]`)?.focus();
    });
    return el('th', { scope: 'col', 'aria-sort': active ? (sort.direction > 0 ? 'ascending' : 'descending') : 'none' }, button);
  }

  function revised(card) {
    return card.version > 1 && el('span', { class: 'badge badge-neutral card-revised' }, t('card.revised', { version: card.version }));
  }

  function tableRow(entry) {
    const { account, card, director } = entry;
    return el('tr', { 'data-account-id': account.id, 'data-status': statusOf(entry) },
      el('th', { scope: 'row' }, el('span', { class: 'board-account' }, account.name), el('span', { class: 'board-account-id' }, account.id)),
      el('td', {}, statusBadge(card?.status ?? null), card && revised(card)),
      el('td', {}, director?.name ?? t('board.noDirector')),
      el('td', { class: 'board-number' }, card?.entered.customerSatisfaction == null ? t('card.none')
        : new Intl.NumberFormat(document.documentElement.lang || 'fi', { minimumFractionDigits: 1 }).format(card.entered.customerSatisfaction)),
      el('td', { class: 'board-summary' }, card ? card.summary : el('span', { class: 'muted' }, t('board.noCard'))),
      el('td', { class: 'board-trend' }, trendChart(entry.trend, account.name)));
  }

  function cardArticle(entry) {
    const { account, card, previous, director } = entry;
    return el('article', { class: 'board-card', 'data-account-id': account.id, 'aria-labelledby': `board-card-${account.id}` },
      el('header', { class: 'board-card-header' },
        el('h2', { id: `board-card-${account.id}` }, account.name),
        el('p', { class: 'board-card-meta' },
          statusBadge(card.status), ' ', revised(card), ' ',
          `${t('card.title')} ${monthLabel(overview.month)} · ${account.id} · ${t('board.column.director')}: ${director?.name ?? t('board.noDirector')}`),
        el('p', { class: 'card-meta' }, submittedLine(card))),
      cardTexts(card),
      el('div', { class: 'board-card-tables' },
        enteredTable(card.entered, previous?.entered),
        computedTable(card.figures, previous?.figures)),
      el('div', { class: 'board-card-trend' }, el('span', { class: 'muted' }, t('board.column.trend')), ' ', trendChart(entry.trend, account.name)));
  }

  function draw() {
    const entries = shown();
    const total = overview.accounts.length;
    subtitle.textContent = t('board.subtitle', { month: monthLabel(overview.month) });
    status.textContent = total === 0 ? t('board.empty')
      : entries.length === 0 ? t('board.noMatches') : t('board.count', { shown: entries.length, total });
    fill(tableSlot, entries.length > 0 && el('table', { id: 'board-table', class: 'board-table' },
      el('caption', { class: 'sr-only' }, t('board.tableCaption', { month: monthLabel(overview.month) })),
      el('thead', {}, el('tr', {},
        sortHeader('account'), sortHeader('status'), sortHeader('director'),
        el('th', { scope: 'col' }, t('board.column.satisfaction')),
        el('th', { scope: 'col' }, t('board.column.summary')),
        el('th', { scope: 'col' }, t('board.column.trend')))),
      el('tbody', {}, entries.map(tableRow))));
    const withCards = entries.filter((entry) => entry.card);
    const without = entries.filter((entry) => !entry.card);
    fill(cardsSlot,
      withCards.map(cardArticle),
      without.length > 0 && el('p', { id: 'board-without', class: 'board-without muted' },
        t('board.withoutCards', { names: without.map((entry) => entry.account.name).join(', ') })));
  }

  async function load() {
    const id = ++loadId;
    status.textContent = t('common.loading');
    try {
      const next = await cardApi.board(month);
      if (!alive || id !== loadId) return;
      overview = next;
      fillDirectors();
      draw();
    } catch (error) {
      if (!alive || id !== loadId) return;
      fill(tableSlot);
      fill(cardsSlot);
      status.replaceChildren(el('span', { class: 'load-error' }, describeError(error)), ' ',
        el('button', { type: 'button', class: 'button small', onclick: load }, t('errors.retry')));
    }
  }

  monthInput.addEventListener('change', () => {
    if (!/^[0-9]{4}-[0-9]{2}$/.test(monthInput.value) || monthInput.value > currentMonth()) {
      monthInput.value = month;
      return;
    }
    month = monthInput.value;
    // The address follows the month (a bookmark or a reload shows the same), without a new history entry.
    history.replaceState(null, '', paths.board(month));
    load();
  });
  statusSelect.addEventListener('change', () => overview && draw());
  directorSelect.addEventListener('change', () => overview && draw());

  document.title = `${t('board.title')} – Kanava`;
  load();
  return () => {
    alive = false;
    document.title = 'Kanava';
  };
}
