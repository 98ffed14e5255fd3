// The annual clock as a list (#clock-list): the year's occurrences month by month, each row a button that opens its
// details under it; then the events with no occurrence in the year. The phone's view: one column, text that wraps.
import { el } from '../dom.js';
import { formatDayMonth, monthName, roleName, t } from '../i18n.js';
import { markSymbol } from './clock-marks.js';

function row({ entry, occurrence }, { selectedKey, details, onSelect }) {
  const { event } = entry;
  const key = `${event.id}/${occurrence?.date ?? ''}`;
  const isOpen = key === selectedKey;
  const status = occurrence?.status ?? 'planned';
  const meta = [roleName(event.owner), occurrence && t(`clock.status.${status}`)].filter(Boolean).join(' · ');
  return el('li', {
    class: `clock-item owner-${event.owner} status-${status}`,
    'data-event-id': event.id, 'data-date': occurrence?.date ?? null, 'data-status': occurrence?.status ?? null,
  },
  el('button', {
    type: 'button', class: 'clock-item-toggle', 'data-occurrence': key, 'aria-expanded': String(isOpen),
    'aria-controls': isOpen ? 'clock-details' : null, onclick: () => onSelect(entry, occurrence),
  },
  markSymbol(event.owner, status),
  occurrence && el('span', { class: 'clock-item-date' }, formatDayMonth(occurrence.date)),
  el('span', { class: 'clock-item-text' },
    el('span', { class: 'clock-item-title' }, event.title),
    el('span', { class: 'clock-item-meta' }, meta))),
  isOpen && details);
}

// `entries`: the clock's events with their occurrences; `today`: YYYY-MM-DD; `selectedKey`: "event/date" of the
// open occurrence ("event/" for an event without one), `details` its details node; `onSelect(entry, occurrence)`.
export function renderClockList({ year, entries, today, selectedKey, details, onSelect }) {
  const options = { selectedKey, details, onSelect };
  const months = Array.from({ length: 12 }, () => []);
  entries.forEach((entry, order) => {
    for (const occurrence of entry.occurrences) months[Number(occurrence.date.slice(5, 7)) - 1].push({ entry, occurrence, order });
  });
  const currentMonth = Number(today.slice(0, 4)) === year ? Number(today.slice(5, 7)) : null;
  const without = entries.filter((entry) => entry.occurrences.length === 0);

  return el('div', { id: 'clock-list', class: 'clock-list' },
    months.map((items, index) => {
      const month = index + 1;
      items.sort((a, b) => a.occurrence.date.localeCompare(b.occurrence.date) || a.order - b.order);
      const planned = items.filter((item) => item.occurrence.status !== 'cancelled').length;
      const done = items.filter((item) => item.occurrence.status === 'done').length;
      return el('div', { class: `clock-month${month === currentMonth ? ' is-current' : ''}`, 'data-month': month },
        el('h4', { class: 'clock-month-heading' },
          el('span', { class: 'clock-month-name' }, monthName(month)),
          month === currentMonth && el('span', { class: 'badge badge-neutral' }, t('clock.thisMonth')),
          items.length > 0 && el('span', { class: 'clock-month-count' }, t('clock.doneOf', { done, planned }))),
        items.length > 0
          ? el('ul', { class: 'clock-items' }, items.map((item) => row(item, options)))
          : el('p', { class: 'muted clock-month-empty' }, t('clock.monthEmpty')));
    }),
    without.length > 0 && el('div', { class: 'clock-month clock-without' },
      el('h4', { class: 'clock-month-heading' }, t('clock.without', { year })),
      el('ul', { class: 'clock-items' }, without.map((entry) => row({ entry, occurrence: null }, options)))));
}
