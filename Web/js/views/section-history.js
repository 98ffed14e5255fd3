// A section's revision history with line diffs, and the director's "who has read" list of a must-read section.
import { content } from '../content-api.js';
import { el } from '../dom.js';
import { describeError, formatDateTime, t } from '../i18n.js';

const CONTEXT_LINES = 3; // unchanged lines kept around each change; longer unchanged runs fold
const MIN_FOLD = 3; // fewer hidden lines than this are simply shown

const SIGNS = { added: '+', removed: '−', same: ' ' };

// The lines of a diff (`[{kind, text}]`), each `li[data-kind]` with a +/− sign (not colour alone) and words for
// screen readers; long unchanged runs are folded behind a button.
export function diffList(lines) {
  const list = el('ol', { class: 'diff-lines' });
  const line = ({ kind, text }) => el('li', { class: `diff-line diff-${kind}`, 'data-kind': kind },
    el('span', { class: 'diff-sign', 'aria-hidden': 'true' }, SIGNS[kind] ?? ' '),
    kind !== 'same' && el('span', { class: 'sr-only' }, t(`history.${kind}`)),
    el('span', { class: 'diff-text' }, text === '' ? '\u00a0' : text));

  let index = 0;
  while (index < lines.length) {
    if (lines[index].kind !== 'same') {
      list.append(line(lines[index]));
      index += 1;
      continue;
    }
    let end = index;
    while (end < lines.length && lines[end].kind === 'same') end += 1;
    const run = lines.slice(index, end);
    const keepStart = index === 0 ? 0 : CONTEXT_LINES;
    const keepEnd = end === lines.length ? 0 : CONTEXT_LINES;
    if (run.length - keepStart - keepEnd >= MIN_FOLD) {
      const hidden = run.slice(keepStart, run.length - keepEnd);
      list.append(...run.slice(0, keepStart).map(line));
      const fold = el('li', { class: 'diff-fold' });
      fold.append(el('button', {
        type: 'button', class: 'link-button',
        onclick: () => fold.replaceWith(...hidden.map(line)),
      }, t('history.unchanged', { count: hidden.length })));
      list.append(fold, ...run.slice(run.length - keepEnd).map(line));
    } else {
      list.append(...run.map(line));
    }
    index = end;
  }
  return list;
}

// The diff of revisions `from` → `to` of a section, loaded into a container.
export async function loadDiff(container, { accountId, key, from, to, heading }) {
  container.replaceChildren(el('p', { class: 'muted' }, t('common.loading')));
  try {
    const diff = await content.diff(accountId, key, from, to);
    const changed = diff.lines.some((line) => line.kind !== 'same');
    container.replaceChildren(
      el('h4', {}, heading ?? (from === 0 ? t('history.diffFirst', { to }) : t('history.diffTitle', { from, to }))),
      el('p', { class: 'diff-legend' },
        el('span', { class: 'legend-added' }, `+ ${t('history.legendAdded')}`), ' ',
        el('span', { class: 'legend-removed' }, `− ${t('history.legendRemoved')}`)),
      changed ? diffList(diff.lines) : el('p', { class: 'muted' }, t('history.noChanges')));
  } catch (error) {
    container.replaceChildren(el('p', { class: 'load-error' }, describeError(error)));
  }
}

// The history panel: revisions newest first; tick two to compare them, or see one revision's own changes.
export function createHistory({ accountId, key }) {
  const list = el('ol', { id: 'section-history', class: 'history-list' });
  const status = el('p', { class: 'muted', role: 'status' }, t('common.loading'));
  const diff = el('div', { id: 'section-diff', class: 'diff', 'aria-live': 'polite' });
  const element = el('section', { class: 'panel history-panel', 'aria-labelledby': 'history-heading' },
    el('h3', { id: 'history-heading' }, t('history.title')),
    el('p', { class: 'hint' }, t('history.hint')),
    status, list, diff);

  let picked = []; // revision numbers ticked, in the order ticked
  let loadId = 0;

  function compare() {
    if (picked.length !== 2) return;
    const [from, to] = [...picked].sort((a, b) => a - b);
    loadDiff(diff, { accountId, key, from, to });
  }

  function pick(revision, checked) {
    picked = picked.filter((number) => number !== revision);
    if (checked) picked.push(revision);
    if (picked.length > 2) {
      const dropped = picked.shift();
      const box = list.querySelector(`li[data-revision="${dropped}"] input`);
      if (box) box.checked = false;
    }
    compare();
  }

  function item(revision) {
    const id = `history-pick-${revision.revision}`;
    const box = el('input', { type: 'checkbox', id, class: 'history-check', onchange: (event) => pick(revision.revision, event.target.checked) });
    box.checked = picked.includes(revision.revision);
    return el('li', { 'data-revision': String(revision.revision) },
      box,
      el('label', { for: id, class: 'history-label' },
        el('span', { class: 'history-number' }, t('section.revision', { revision: revision.revision })),
        el('span', { class: 'history-meta' },
          [revision.author?.name ?? t('section.unknownAuthor'), formatDateTime(revision.at)].join(' · '))),
      el('button', {
        type: 'button', class: 'button small history-changes',
        'aria-label': t('history.changesOf', { revision: revision.revision }),
        onclick: () => loadDiff(diff, { accountId, key, from: revision.revision - 1, to: revision.revision }),
      }, t('history.changes')));
  }

  async function load() {
    const id = ++loadId;
    try {
      const { revisions } = await content.revisions(accountId, key);
      if (id !== loadId) return;
      const numbers = new Set(revisions.map((revision) => revision.revision));
      picked = picked.filter((number) => numbers.has(number));
      list.replaceChildren(...revisions.map(item));
      status.hidden = revisions.length > 0;
      status.textContent = revisions.length === 0 ? t('history.empty') : '';
    } catch (error) {
      if (id !== loadId) return;
      status.hidden = false;
      status.textContent = describeError(error);
    }
  }

  load();
  return { element, reload: load };
}

// Who has confirmed the current revision of a must-read section, and who has not (directors and admins).
export function createReaders({ accountId, key }) {
  const body = el('div', { class: 'readers-body' }, el('p', { class: 'muted' }, t('common.loading')));
  const heading = el('h3', { id: 'readers-heading' }, t('readers.title'));
  const element = el('section', { id: 'section-readers', class: 'panel readers-panel', 'aria-labelledby': 'readers-heading' },
    heading, body);
  let loadId = 0;

  async function load() {
    const id = ++loadId;
    try {
      const status = await content.readers(accountId, key);
      if (id !== loadId) return;
      const total = status.confirmed.length + status.pending.length;
      heading.textContent = t('readers.titleRevision', { revision: status.revision });
      body.replaceChildren(
        el('p', { class: 'readers-summary' }, t('readers.summary', { confirmed: status.confirmed.length, total })),
        el('h4', {}, t('readers.confirmed', { count: status.confirmed.length })),
        status.confirmed.length === 0
          ? el('p', { class: 'muted' }, t('readers.noneConfirmed'))
          : el('ul', { class: 'readers-list readers-confirmed' }, status.confirmed.map(({ person, at }) => el('li', {
            'data-person-id': String(person.id), 'data-state': 'confirmed',
          }, el('span', { class: 'reader-name' }, person.name), el('span', { class: 'reader-time' }, formatDateTime(at))))),
        el('h4', {}, t('readers.pending', { count: status.pending.length })),
        status.pending.length === 0
          ? el('p', { class: 'muted' }, t('readers.nonePending'))
          : el('ul', { class: 'readers-list readers-pending' }, status.pending.map((person) => el('li', {
            'data-person-id': String(person.id), 'data-state': 'pending',
          }, el('span', { class: 'reader-name' }, person.name)))));
    } catch (error) {
      if (id !== loadId) return;
      body.replaceChildren(el('p', { class: 'load-error' }, describeError(error)));
    }
  }

  load();
  return { element, reload: load };
}
