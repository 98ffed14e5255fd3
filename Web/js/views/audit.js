// The audit log for admins (#/admin/audit): who did what, when and from where, newest first, filtered by action,
// account or person, and paged further back with "Show older".

import { query, request } from '../api.js';
import { el, fill } from '../dom.js';
import { describeError, formatDateTime, t } from '../i18n.js';

// The actions an admin filters by, as the server names them (docs/openapi.yaml, AuditAction).
const ACTIONS = ['auth.sign_in', 'auth.sign_in_failed', 'person.added', 'person.global_role_changed', 'person.password_set',
  'member.added', 'member.role_changed', 'member.removed', 'account.created', 'account.updated', 'roster.sync',
  'notice.posted', 'notice.withdrawn', 'section.saved', 'section.added', 'section.use_changed', 'document.added',
  'document.versioned', 'document.changed', 'document.removed', 'bot.created', 'bot.changed', 'bot.revoked',
  'webhook.created', 'webhook.deleted'];

export function renderAudit(root) {
  const status = el('p', { id: 'audit-status', role: 'status' });
  const body = el('tbody', { id: 'audit-rows' });
  const more = el('button', { type: 'button', id: 'audit-more', class: 'button', hidden: true }, t('audit.more'));
  const action = el('select', { id: 'audit-action', name: 'action' },
    el('option', { value: '' }, t('audit.allActions')),
    ACTIONS.map((name) => el('option', { value: name }, name)));
  const account = el('input', { id: 'audit-account', name: 'account', type: 'text', maxlength: 64, autocomplete: 'off' });
  const filters = el('form', { id: 'audit-filters', class: 'audit-filters' },
    el('div', { class: 'field' }, el('label', { for: 'audit-action' }, t('audit.action')), action),
    el('div', { class: 'field' }, el('label', { for: 'audit-account' }, t('audit.account')), account),
    el('button', { type: 'submit', class: 'button primary' }, t('audit.filter')));
  root.append(el('main', { class: 'page', id: 'audit-view' },
    el('h1', { tabindex: '-1' }, t('audit.title')),
    el('p', { class: 'muted' }, t('audit.intro')),
    filters, status,
    el('div', { class: 'table-scroll' },
      el('table', { class: 'audit-table' },
        el('thead', {}, el('tr', {},
          ['when', 'actor', 'action', 'account', 'target', 'detail', 'address'].map((column) => el('th', { scope: 'col' }, t(`audit.${column}`))))),
        body)),
    more));

  let alive = true;
  let next = null;

  function row(entry) {
    const detail = Object.entries(entry.detail ?? {}).map(([key, value]) => `${key}: ${value}`).join(', ');
    return el('tr', { 'data-action': entry.action },
      el('td', {}, formatDateTime(entry.at)), el('td', {}, entry.actor), el('td', {}, entry.action),
      el('td', {}, entry.account ?? '–'), el('td', {}, entry.target ?? '–'), el('td', { class: 'audit-detail' }, detail || '–'),
      el('td', {}, entry.address ?? '–'));
  }

  async function load(append) {
    status.textContent = t('common.loading');
    try {
      const page = await request('GET', `/api/admin/audit${query({
        action: action.value, account: account.value.trim(), before: append ? next : null, limit: 100,
      })}`);
      if (!alive) return;
      if (!append) fill(body);
      body.append(...page.entries.map(row));
      next = page.next ?? null;
      more.hidden = next == null;
      status.textContent = body.children.length === 0 ? t('audit.empty') : '';
    } catch (failure) {
      if (alive) status.textContent = describeError(failure);
    }
  }

  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    load(false);
  });
  more.addEventListener('click', () => load(true));
  load(false);
  return { destroy() { alive = false; } };
}
