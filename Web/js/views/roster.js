// Admin roster page (#/admin/roster): the history of roster syncs with each one's errors and changes, and
// uploading a roster file by hand: a dry run first, then apply (or, past the mass-removal guard, apply anyway
// after a second, explicit confirmation). docs/web-contract.md, "Roster".
import { api } from '../api.js';
import { el } from '../dom.js';
import { describeError, formatDateTime, roleName, t } from '../i18n.js';
import { paths } from '../router.js';

const HISTORY_LIMIT = 50;
const PAGE_SIZE = 500; // rows of a long table shown at once
const COUNT_KEYS = ['membershipsAdded', 'membershipsRemoved', 'rolesChanged', 'accountsCreated',
  'peopleCreated', 'accountsRenamed', 'placesChanged', 'manualKept'];
const ALWAYS_SHOWN_COUNTS = new Set(['membershipsAdded', 'membershipsRemoved', 'rolesChanged', 'accountsCreated']);
const CHANGE_KINDS = ['account_created', 'account_renamed', 'person_created', 'added', 'removed', 'role_changed', 'places_changed'];
const UPLOAD_SOURCE = /^upload by (.+)$/; // the server's `source` of a browser upload

// Kept while the person stays signed in, so a language switch (which redraws the view) keeps the preview.
let saved = { selectedId: null, upload: null };

let liveView = null; // the roster view on screen: { drawUpload, loadHistory, forbidden }

export function forgetRosterPage() {
  saved = { selectedId: null, upload: null };
}

// Posts the chosen file. Module-level, so an answer that arrives after the view was redrawn (a language
// switch) still reaches the view on screen.
async function send(params) {
  const current = saved.upload;
  Object.assign(current, { busy: params.dryRun ? 'checking' : 'applying', error: null, last: params });
  liveView?.drawUpload();
  try {
    const outcome = await api.syncRoster(current.bytes, params);
    if (saved.upload !== current) return; // cleared, or signed out
    Object.assign(current, { outcome, confirming: false, busy: null });
    if (!params.dryRun && outcome.sync?.id != null) saved.selectedId = outcome.sync.id;
    liveView?.drawUpload({ focus: !params.dryRun });
    if (!params.dryRun) liveView?.loadHistory();
  } catch (error) {
    if (saved.upload !== current) return;
    current.busy = null;
    if (error.status === 403) {
      saved.upload = null;
      liveView?.forbidden();
      return;
    }
    current.error = describeError(error);
    liveView?.drawUpload();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Shared with the account list's banner

export function isAdmin(person) {
  return person?.globalRole === 'admin';
}

// Why a recorded sync was refused, as a short clause: "tiedostossa 3 virhettä".
export function refusalReason(sync) {
  const summary = sync.summary ?? {};
  const errors = summary.errors?.length ?? 0;
  if (errors > 0) return t('roster.reason.errors', { count: errors });
  if (summary.refusal && summary.dataRows === 0) return t('roster.reason.empty');
  const removed = summary.counts?.membershipsRemoved ?? 0;
  if (summary.refusal && removed > 0) return t('roster.reason.guard', { count: removed });
  return t('roster.reason.other');
}

// ---------------------------------------------------------------------------------------------------------
// Small pieces

// replaceChildren() without the false/null that conditional parts leave (el() drops them too).
function fill(node, ...children) {
  node.replaceChildren(...children.flat(Infinity).filter((child) => child != null && child !== false));
}

function badge(text, kind) {
  return el('span', { class: `badge badge-${kind}` }, text);
}

// A recorded sync's outcome: applied, or refused because of errors in the file or by the removal guard.
function outcomeBadges(sync) {
  const refused = sync.outcome === 'refused';
  const rejected = refused && (sync.summary?.errors?.length ?? 0) > 0;
  return [
    refused
      ? badge(t(rejected ? 'roster.outcome.rejected' : 'roster.outcome.refused'), 'danger')
      : badge(t(`roster.outcome.${sync.outcome}`), sync.outcome === 'applied' ? 'ok' : 'neutral'),
    sync.forced && badge(t('roster.forced'), 'warning'),
  ];
}

function actorText(sync, person) {
  // The contract names `watcher` and `cli`; the server writes them as `system:watcher` and `system:cli`.
  const actor = String(sync.actor ?? '');
  const system = actor.match(/^system:(.+)$/)?.[1];
  const uploader = String(sync.source ?? '').match(UPLOAD_SOURCE)?.[1];
  if (actor === 'watcher' || system === 'watcher') return t('roster.actor.watcher');
  if (actor === 'cli' || system === 'cli') return t('roster.actor.cli');
  if (system != null) return t('roster.actor.system', { name: system });
  const personId = actor.match(/^person:(\d+)$/)?.[1];
  if (personId != null) {
    if (Number(personId) === person.id) return t('roster.actor.you');
    return uploader ?? t('roster.actor.person', { id: personId });
  }
  return actor;
}

function sourceText(sync, { long = false } = {}) {
  const uploader = String(sync.source ?? '').match(UPLOAD_SOURCE)?.[1];
  if (uploader == null) return sync.source ?? '';
  return long ? t('roster.source.uploadBy', { email: uploader }) : t('roster.source.upload');
}

function countChips(counts = {}, errors = 0, warnings = 0) {
  const chips = [
    counts.membershipsAdded > 0 && el('span', { class: 'chip chip-added', title: t('roster.counts.membershipsAdded') },
      t('roster.chips.added', { count: counts.membershipsAdded })),
    counts.membershipsRemoved > 0 && el('span', { class: 'chip chip-removed', title: t('roster.counts.membershipsRemoved') },
      t('roster.chips.removed', { count: counts.membershipsRemoved })),
    counts.rolesChanged > 0 && el('span', { class: 'chip' }, t('roster.chips.roles', { count: counts.rolesChanged })),
    counts.accountsCreated > 0 && el('span', { class: 'chip' }, t('roster.chips.accounts', { count: counts.accountsCreated })),
    errors > 0 && el('span', { class: 'chip chip-error' }, t('roster.chips.errors', { count: errors })),
    warnings > 0 && el('span', { class: 'chip' }, t('roster.chips.warnings', { count: warnings })),
  ].filter(Boolean);
  return chips.length > 0 ? chips : [el('span', { class: 'chip chip-none' }, t('roster.chips.none'))];
}

// The counts as a grid of figures; the four main ones always, the rest when not zero.
function countGrid(counts = {}) {
  return el('dl', { class: 'count-grid' }, COUNT_KEYS
    .filter((key) => ALWAYS_SHOWN_COUNTS.has(key) || counts[key] > 0)
    .map((key) => el('div', {
      class: `count${key === 'membershipsRemoved' && counts[key] > 0 ? ' count-removed' : ''}`, 'data-count': key,
    },
    el('dt', {}, t(`roster.counts.${key}`)),
    el('dd', {}, String(counts[key] ?? 0)))));
}

function facts(rows) {
  return el('dl', { class: 'facts' }, rows.filter(Boolean).map(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
}

// A table that shows PAGE_SIZE rows at a time ("show the next 500"); on phones each row becomes a card
// (td[data-label] gives the CSS its labels). `total`: how many there are when `items` is a capped part.
function dataTable({ id, className = '', columns: allColumns, items, rowProps = () => ({}), total = items.length, noun }) {
  const isEmpty = (value) => value == null || value === '';
  // A column with nothing in any row (e.g. "previous role" without role changes) is left out.
  const columns = allColumns.filter((column) => column.keep || items.some((item) => !isEmpty(column.value(item))));
  const body = el('tbody');
  const table = el('table', { id, class: `data-table ${className}`.trim() },
    el('thead', {}, el('tr', {}, columns.map((column) => el('th', { scope: 'col' }, column.label)))),
    body);
  const status = el('p', { class: 'table-status muted', hidden: true });
  const more = el('button', { type: 'button', class: 'button more-button', hidden: true });
  const all = Math.max(total, items.length);
  let shown = 0;

  function showMore() {
    const next = items.slice(shown, shown + PAGE_SIZE);
    body.append(...next.map((item) => el('tr', rowProps(item), columns.map((column) => {
      const value = column.value(item);
      if (isEmpty(value)) return el('td', { 'data-label': column.label, class: `${column.class ?? ''} empty`.trim() }, el('span', { class: 'muted' }, '–'));
      return el('td', { 'data-label': column.label, class: column.class }, value);
    }))));
    shown += next.length;
    status.hidden = shown >= all;
    status.textContent = t(`roster.showing.${noun}`, { shown, total: all });
    more.hidden = shown >= items.length;
    more.textContent = t('roster.showMore', { count: Math.min(PAGE_SIZE, items.length - shown) });
  }
  more.addEventListener('click', showMore);
  showMore();
  return el('div', { class: 'table-block' }, el('div', { class: 'table-wrap' }, table), status, more);
}

function issueTable(id, issues, kind) {
  return dataTable({
    id,
    className: `issue-table issue-${kind}`,
    noun: kind,
    items: issues,
    rowProps: (issue) => ({ 'data-line': issue.line }),
    columns: [
      { label: t('roster.issue.line'), class: 'col-line', keep: true, value: (issue) => (issue.line == null ? t('roster.issue.wholeFile') : String(issue.line)) },
      { label: t('roster.issue.column'), class: 'col-column', value: (issue) => issue.column },
      { label: t('roster.issue.value'), class: 'col-value', value: (issue) => (issue.value == null ? null : el('code', {}, issue.value)) },
      { label: t('roster.issue.problem'), class: 'col-problem', keep: true, value: (issue) => issue.problem },
    ],
  });
}

function issuesSection(idPrefix, issues, kind) {
  if (!issues?.length) return null;
  const headingId = `${idPrefix}-heading`;
  return el('section', { class: `issues issues-${kind}`, 'aria-labelledby': headingId },
    el('h3', { id: headingId }, t(`roster.${kind}Title`, { count: issues.length })),
    kind === 'errors' && el('p', { class: 'muted' }, t('roster.errorsHint')),
    issueTable(idPrefix, issues, kind));
}

function changeCount(counts = {}) {
  return ['accountsCreated', 'accountsRenamed', 'membershipsAdded', 'membershipsRemoved', 'rolesChanged', 'placesChanged']
    .reduce((sum, key) => sum + (counts[key] ?? 0), 0);
}

// The changes of a sync (or a dry run's would-be changes), with a filter by kind.
function changesSection(id, changes, { title, total = changes.length }) {
  const headingId = `${id}-heading`;
  const section = el('section', { class: 'changes', 'aria-labelledby': headingId },
    el('h3', { id: headingId }, title));
  if (changes.length === 0) {
    section.append(el('p', { class: 'muted' }, t('roster.noChanges')));
    return section;
  }
  const byKind = new Map();
  for (const change of changes) byKind.set(change.kind, (byKind.get(change.kind) ?? 0) + 1);
  const kinds = [...CHANGE_KINDS.filter((kind) => byKind.has(kind)), ...[...byKind.keys()].filter((kind) => !CHANGE_KINDS.includes(kind))];
  const holder = el('div');
  const table = (kind) => dataTable({
    id,
    className: 'change-table',
    noun: 'changes',
    items: kind ? changes.filter((change) => change.kind === kind) : changes,
    total: kind ? byKind.get(kind) : total,
    rowProps: (change) => ({ 'data-kind': change.kind }),
    columns: [
      { label: t('roster.change.kind'), class: 'col-kind', keep: true, value: (change) => el('span', { class: `kind kind-${change.kind}` }, kindName(change.kind)) },
      { label: t('roster.change.account'), class: 'col-account', value: (change) => change.account },
      { label: t('roster.change.email'), class: 'col-email', value: (change) => change.email },
      { label: t('roster.change.role'), class: 'col-role', value: (change) => (change.role == null ? null : roleName(change.role)) },
      { label: t('roster.change.previousRole'), class: 'col-role', value: (change) => (change.previousRole == null ? null : roleName(change.previousRole)) },
      { label: t('roster.change.detail'), class: 'col-detail', value: (change) => change.detail },
    ],
  });
  if (kinds.length > 1) {
    const filterId = `${id}-filter`;
    const select = el('select', { id: filterId },
      el('option', { value: '' }, t('roster.change.all', { count: Math.max(total, changes.length) })),
      kinds.map((kind) => el('option', { value: kind }, `${kindName(kind)} (${byKind.get(kind)})`)));
    select.addEventListener('change', () => holder.replaceChildren(table(select.value || null)));
    section.append(el('div', { class: 'field inline-field' }, el('label', { for: filterId }, t('roster.change.filter')), select));
  }
  holder.append(table(null));
  section.append(holder);
  return section;
}

function kindName(kind) {
  const key = `roster.kind.${kind}`;
  const text = t(key);
  return text === key ? kind : text;
}

// ---------------------------------------------------------------------------------------------------------
// The page

export function renderRoster(root, { person }) {
  const view = el('main', { id: 'roster-view', class: 'page roster-page' },
    el('h1', { tabindex: '-1' }, t('roster.title')));
  root.append(view);
  document.title = `${t('roster.title')} – Kanava`;
  const done = () => { document.title = 'Kanava'; };

  if (!isAdmin(person)) {
    showForbidden(view);
    return done;
  }

  let alive = true;
  let historyLoad = 0;
  let detailLoad = 0;
  let syncs = null;

  // Upload
  // The native file input is hidden behind a button-like label, so its text follows the page's language.
  const fileInput = el('input', { id: 'roster-file', class: 'file-input', type: 'file', accept: '.csv,text/csv', 'aria-describedby': 'roster-upload-hint' });
  const preview = el('section', { id: 'roster-preview', class: 'preview', 'aria-live': 'polite', hidden: true });
  const upload = el('section', { class: 'card roster-upload', 'aria-labelledby': 'roster-upload-heading' },
    el('h2', { id: 'roster-upload-heading' }, t('roster.uploadTitle')),
    el('p', { id: 'roster-upload-hint', class: 'muted' }, t('roster.uploadHint')),
    el('div', { class: 'file-field' }, fileInput, el('label', { for: 'roster-file', class: 'button primary file-button' }, t('roster.fileLabel'))),
    preview);

  // History and detail
  const historyStatus = el('p', { id: 'roster-history-status', class: 'list-status', role: 'status' }, t('roster.loading'));
  const historyList = el('ul', { id: 'roster-history', class: 'sync-list' });
  const history = el('section', { class: 'card roster-history', 'aria-labelledby': 'roster-history-heading' },
    el('div', { class: 'section-head' },
      el('h2', { id: 'roster-history-heading' }, t('roster.historyTitle')),
      el('button', { id: 'roster-reload', type: 'button', class: 'button small', onclick: () => loadHistory() }, t('roster.reload'))),
    historyStatus, historyList);
  const detail = el('section', { id: 'roster-detail', class: 'card roster-detail', 'aria-labelledby': 'roster-detail-heading', hidden: true },
    el('h2', { id: 'roster-detail-heading', tabindex: '-1' }, t('roster.detailTitleEmpty')),
    el('p', { class: 'muted' }, t('roster.detailEmpty')));

  view.append(
    el('p', { class: 'intro muted' }, t('roster.intro')),
    upload,
    el('div', { class: 'roster-layout' }, history, detail));

  function forbidden() {
    if (!alive) return;
    view.replaceChildren(view.firstChild);
    showForbidden(view);
  }

  // --- History ---

  async function loadHistory({ select = saved.selectedId } = {}) {
    const id = ++historyLoad;
    try {
      ({ syncs } = await api.rosterSyncs(HISTORY_LIMIT));
      if (!alive || id !== historyLoad) return;
      drawHistory();
      detail.hidden = syncs.length === 0;
      const chosen = syncs.find((sync) => sync.id === select) ?? syncs[0];
      if (chosen) selectSync(chosen.id, { user: false });
      else saved.selectedId = null;
    } catch (error) {
      if (!alive || id !== historyLoad) return;
      if (error.status === 403) return forbidden();
      historyStatus.replaceChildren(
        el('span', { class: 'load-error' }, `${t('roster.historyFailed')} ${describeError(error)} `),
        el('button', { type: 'button', class: 'button', onclick: () => loadHistory() }, t('errors.retry')));
    }
  }

  function drawHistory() {
    historyStatus.textContent = syncs.length === 0 ? t('roster.historyEmpty') : t('roster.historyCount', { count: syncs.length });
    historyList.replaceChildren(...syncs.map((sync) => {
      const summary = sync.summary ?? {};
      return el('li', {
        class: `sync-row sync-${sync.outcome}`, 'data-sync-id': sync.id, 'data-outcome': sync.outcome,
      }, el('button', {
        type: 'button', class: 'sync-item', 'aria-current': sync.id === saved.selectedId ? 'true' : null,
        onclick: () => selectSync(sync.id, { user: true }),
      },
      el('span', { class: 'sync-head' },
        el('time', { class: 'sync-time', datetime: sync.at }, formatDateTime(sync.at)),
        outcomeBadges(sync)),
      el('span', { class: 'sync-who' }, [actorText(sync, person), sourceText(sync)].filter(Boolean).join(' · ')),
      el('span', { class: 'sync-counts' }, countChips(summary.counts, summary.errors?.length ?? 0, summary.warnings?.length ?? 0))));
    }));
  }

  function markSelected() {
    for (const button of historyList.querySelectorAll('.sync-item')) {
      const selected = Number(button.parentElement.dataset.syncId) === saved.selectedId;
      if (selected) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
    }
  }

  // --- Detail ---

  async function selectSync(syncId, { user }) {
    saved.selectedId = syncId;
    markSelected();
    const id = ++detailLoad;
    detail.dataset.syncId = syncId;
    detail.setAttribute('aria-busy', 'true');
    try {
      const { sync, changes } = await api.rosterSync(syncId);
      if (!alive || id !== detailLoad) return;
      drawDetail(sync, changes ?? []);
      if (user) detail.querySelector('h2').focus();
    } catch (error) {
      if (!alive || id !== detailLoad) return;
      if (error.status === 403) return forbidden();
      fill(detail, detail.querySelector('h2'), el('div', { class: 'load-error' },
        el('p', {}, describeError(error)),
        el('button', { type: 'button', class: 'button', onclick: () => selectSync(syncId, { user: false }) }, t('errors.retry'))));
    } finally {
      if (id === detailLoad) detail.removeAttribute('aria-busy');
    }
  }

  function drawDetail(sync, changes) {
    const summary = sync.summary ?? {};
    const errors = summary.errors ?? [];
    const refused = sync.outcome === 'refused';
    fill(detail,
      el('h2', { id: 'roster-detail-heading', tabindex: '-1' }, t('roster.detailTitle', { time: formatDateTime(sync.at) })),
      el('p', { class: 'badges' }, outcomeBadges(sync)),
      refused && refusalBox(summary, errors),
      facts([
        [t('roster.fact.actor'), actorText(sync, person)],
        [t('roster.fact.source'), sourceText(sync, { long: true })],
        summary.format && [t('roster.fact.format'), summary.format],
        [t('roster.fact.rows'), String(summary.dataRows ?? 0)],
        sync.fileHash && [t('roster.fact.hash'), el('code', { class: 'hash', title: `SHA-256 ${sync.fileHash}` }, sync.fileHash.slice(0, 12))],
      ]),
      errors.length === 0 && countGrid(summary.counts),
      issuesSection('roster-detail-errors', errors, 'errors'),
      issuesSection('roster-detail-warnings', summary.warnings, 'warnings'),
      !refused && changesSection('roster-changes', changes, { title: t('roster.changesTitle') }));
  }

  function refusalBox(summary, errors) {
    if (errors.length > 0) {
      return el('div', { class: 'refusal' }, el('p', {}, t('roster.rejectedDetail', { count: errors.length })));
    }
    return el('div', { class: 'refusal' },
      el('p', {}, summary.dataRows === 0
        ? t('roster.refusedEmpty')
        : t('roster.refusedDetail', { count: summary.counts?.membershipsRemoved ?? 0 })),
      summary.refusal && el('p', { class: 'server-text' }, el('span', { class: 'muted' }, `${t('roster.serverSays')} `), summary.refusal),
      el('p', {}, t('roster.forceHint')));
  }

  // --- Upload ---

  async function chooseFile() {
    const file = fileInput.files?.[0];
    if (!file) return;
    let bytes;
    try {
      bytes = await file.arrayBuffer(); // what is previewed is exactly what is applied
    } catch {
      saved.upload = { name: file.name, error: t('roster.readFailed') };
      return drawUpload();
    }
    saved.upload = { name: file.name, bytes, outcome: null, confirming: false };
    fileInput.value = ''; // choosing the same file again (after fixing it) is a new choice
    await send({ dryRun: true });
  }

  function clearUpload() {
    saved.upload = null;
    drawUpload();
    fileInput.focus();
  }

  function drawUpload({ focus = false } = {}) {
    const current = saved.upload;
    if (!current) {
      preview.hidden = true;
      fill(preview);
      delete preview.dataset.status;
      return;
    }
    preview.hidden = false;
    const fileLine = el('p', { class: 'preview-file' }, el('span', { class: 'muted' }, `${t('roster.fact.file')}: `), current.name);
    if (current.busy) {
      preview.dataset.status = 'pending';
      preview.setAttribute('aria-busy', 'true');
      fill(preview, fileLine, el('p', { class: 'busy' }, t(`roster.${current.busy}`)));
      return;
    }
    preview.removeAttribute('aria-busy');
    if (current.error) {
      preview.dataset.status = 'error';
      fill(preview, fileLine,
        el('p', { class: 'form-error', role: 'alert' }, current.error),
        el('div', { class: 'actions' },
          current.last && el('button', { type: 'button', class: 'button', onclick: () => send(current.last) }, t('errors.retry')),
          clearButton()));
      return;
    }
    const outcome = current.outcome;
    const { status } = outcome;
    preview.dataset.status = status;
    const errors = outcome.errors ?? [];
    const warnings = outcome.warnings ?? [];
    const counts = outcome.counts ?? {};
    const validFile = status !== 'rejected';
    const removed = counts.membershipsRemoved ?? 0;
    const headText = status === 'refused'
      ? ((outcome.dataRows ?? 0) === 0 ? t('roster.status.refused.textEmpty') : t('roster.status.refused.text', { count: removed }))
      : t(`roster.status.${status}.text`);
    fill(preview,
      el('div', { class: `preview-head preview-${status}` },
        el('h3', { tabindex: '-1' }, t(`roster.status.${status}.title`)),
        el('p', {}, headText)),
      facts([
        [t('roster.fact.file'), current.name],
        outcome.format && [t('roster.fact.format'), outcome.format],
        validFile && [t('roster.fact.rows'), String(outcome.dataRows ?? 0)],
      ]),
      validFile && countGrid(counts),
      status === 'refused' && forceBox(outcome),
      // The decision comes before the long lists, so it is not 500 rows away.
      status !== 'refused' && el('div', { class: 'actions' },
        status === 'dry_run' && el('button', {
          id: 'roster-apply', type: 'button', class: 'button primary', onclick: () => send({ dryRun: false }),
        }, t('roster.apply')),
        clearButton()),
      status === 'dry_run' && warnings.length > 0 && el('p', { class: 'muted' }, t('roster.warningsNote', { count: warnings.length })),
      issuesSection('roster-errors', errors, 'errors'),
      issuesSection('roster-warnings', warnings, 'warnings'),
      (status === 'dry_run' || status === 'refused' || status === 'applied') && changesSection('roster-preview-changes', outcome.changes ?? [], {
        title: t(status === 'applied' ? 'roster.changesTitle' : 'roster.changesPreviewTitle'),
        total: changeCount(counts),
      }));
    if (focus) preview.querySelector('h3').focus(); // the button pressed is gone: keep the place
  }

  function clearButton() {
    // "Cancel" while a decision is open (apply or not); "Close" once there is nothing left to decide.
    const deciding = ['dry_run', 'refused'].includes(saved.upload?.outcome?.status);
    return el('button', { id: 'roster-clear', type: 'button', class: 'button', onclick: clearUpload }, t(deciding ? 'roster.cancel' : 'roster.close'));
  }

  // The guard's refusal, and "apply anyway" behind a second, explicitly worded button.
  function forceBox(outcome) {
    const removed = outcome.counts?.membershipsRemoved ?? 0;
    const box = el('div', { class: 'refusal' },
      outcome.refusal && el('p', { class: 'server-text' }, el('span', { class: 'muted' }, `${t('roster.serverSays')} `), outcome.refusal));
    if (!saved.upload.confirming) {
      box.append(el('p', {}, t('roster.forceIntro')), el('div', { class: 'actions' },
        el('button', {
          id: 'roster-force', type: 'button', class: 'button danger-outline',
          onclick: () => {
            saved.upload.confirming = true;
            drawUpload();
            document.getElementById('roster-force-confirm')?.focus();
          },
        }, t('roster.force')),
        clearButton()));
    } else {
      box.append(el('div', { class: 'confirm', role: 'group', 'aria-labelledby': 'roster-force-question' },
        el('p', { id: 'roster-force-question' }, el('strong', {}, t('roster.forceQuestion', { count: removed }))),
        el('div', { class: 'actions' },
          el('button', {
            id: 'roster-force-confirm', type: 'button', class: 'button danger',
            onclick: () => send({ dryRun: false, force: true }),
          }, t('roster.forceConfirm', { count: removed })),
          el('button', {
            id: 'roster-force-cancel', type: 'button', class: 'button',
            onclick: () => {
              saved.upload.confirming = false;
              drawUpload();
              document.getElementById('roster-force')?.focus();
            },
          }, t('roster.forceCancel')))));
    }
    return box;
  }

  fileInput.addEventListener('change', chooseFile);
  const me = { drawUpload, loadHistory: () => loadHistory(), forbidden };
  liveView = me;
  drawUpload();
  loadHistory();

  return () => {
    alive = false;
    if (liveView === me) liveView = null;
    done();
  };
}

function showForbidden(view) {
  view.append(el('div', { id: 'roster-forbidden', class: 'card load-error', role: 'alert' },
    el('h2', {}, t('roster.forbiddenTitle')),
    el('p', {}, t('roster.forbidden')),
    el('a', { href: paths.accounts }, t('channel.back'))));
}
