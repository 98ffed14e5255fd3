// The channel's notices in the chat column, newest first: priority, expiry, withdrawn ones marked, the reader's own
// acknowledgement (with a button while one is owed). The director and admins also write new ones, withdraw them, and
// open per urgent notice who has acknowledged (notice-status.js), which follows `notice.acknowledged` events live;
// escalations (`notice.escalated`) are said under the notice.
import { noticeApi } from '../chat-api.js';
import { el, serverHtml } from '../dom.js';
import { describeError, formatDateTime, t } from '../i18n.js';
import { showLoadError } from '../load-error.js';
import { socket } from '../socket.js';
import { createNoticeForm } from './notice-form.js';
import { createNoticeStatus } from './notice-status.js';

const RELOAD_DELAY_MS = 150;

const isExpired = (notice) => notice.expiresAt != null && new Date(notice.expiresAt) <= new Date();

// `isMember`: the reader is a member (an admin without membership has nothing to acknowledge).
export function createNotices({ accountId, person, canManage, isMember, heading }) {
  const addSlot = el('div', { class: 'notices-add' });
  const formSlot = el('div');
  const flash = el('p', { class: 'flash', role: 'status' });
  const status = el('p', { class: 'muted', role: 'status' }, t('common.loading'));
  const list = el('ul', { id: 'notice-list', class: 'notice-list' });
  const element = el('section', { class: 'notices-view', 'aria-labelledby': heading.id }, heading, addSlot, formSlot, flash, status, list);

  let alive = true;
  let loadId = 0;
  let notices = [];
  const statusViews = new Map(); // notice id → its open acknowledgement view
  const escalations = new Map(); // notice id → [notice.escalated data] seen while here
  const errors = new Map(); // notice id → the last failed action's text
  let reloadTimer = null;

  const mustAcknowledge = (notice) => isMember && notice.priority === 'urgent' && !notice.acknowledgedAt && !notice.withdrawnAt
    && !isExpired(notice) && notice.author?.id !== person.id;

  function state(notice) {
    if (notice.withdrawnAt) return 'withdrawn';
    return isExpired(notice) ? 'expired' : 'active';
  }

  function validity(notice) {
    if (notice.withdrawnAt) return t('notices.withdrawnAt', { time: formatDateTime(notice.withdrawnAt) });
    if (!notice.expiresAt) return null;
    return t(isExpired(notice) ? 'notices.expiredAt' : 'notices.expiresAt', { time: formatDateTime(notice.expiresAt) });
  }

  function ownAcknowledgement(notice) {
    if (mustAcknowledge(notice)) {
      return el('button', { type: 'button', class: 'button primary small', 'data-action': 'ack', onclick: (event) => acknowledge(notice, event.currentTarget) },
        t('notices.acknowledge'));
    }
    return notice.acknowledgedAt && el('p', { class: 'notice-acknowledged' }, t('notices.youAcknowledged', { time: formatDateTime(notice.acknowledgedAt) }));
  }

  function managerActions(notice) {
    if (!canManage) return null;
    return el('div', { class: 'actions' },
      notice.priority === 'urgent' && el('button', {
        type: 'button', class: 'button small', 'data-action': 'status', 'aria-expanded': String(statusViews.has(notice.id)),
        'aria-controls': `notice-status-${notice.id}`, onclick: () => toggleStatus(notice.id),
      }, t('notices.showStatus')),
      state(notice) === 'active' && el('button', {
        type: 'button', class: 'button small danger-outline', 'data-action': 'withdraw', onclick: (event) => askWithdraw(notice, event.currentTarget.closest('li')),
      }, t('notices.withdraw')));
  }

  function escalationNotes(notice) {
    const seen = escalations.get(notice.id) ?? [];
    return seen.flatMap((data) => [
      ...data.escalations.map((entry) => el('p', { class: 'note notice-escalation' },
        t('notices.escalatedTo', { director: entry.regionalDirector.name, names: entry.people.map((who) => who.name).join(', ') }))),
      data.unrouted.length > 0 && el('p', { class: 'note notice-escalation' },
        t('notices.unrouted', { names: data.unrouted.map((who) => who.name).join(', ') })),
    ]);
  }

  function item(notice) {
    const urgent = notice.priority === 'urgent';
    return el('li', { class: `notice-item notice-${notice.priority}`, 'data-notice-id': String(notice.id), 'data-priority': notice.priority, 'data-state': state(notice) },
      el('div', { class: 'badges' },
        el('span', { class: `badge ${urgent ? 'badge-danger' : 'badge-warning'}` }, t(`notices.priority.${notice.priority}`)),
        state(notice) !== 'active' && el('span', { class: 'badge badge-neutral' }, t(`notices.state.${state(notice)}`))),
      el('h3', { class: 'notice-title' }, notice.title),
      el('p', { class: 'notice-meta' }, [
        t('notices.byline', { name: notice.author?.name ?? t('chat.unknownAuthor'), time: formatDateTime(notice.createdAt) }),
        validity(notice),
      ].filter(Boolean).join(' · ')),
      serverHtml('div', { class: 'notice-body prose' }, notice.html),
      canManage && urgent && notice.acknowledged != null && el('p', {
        class: 'notice-counts', 'data-acknowledged': String(notice.acknowledged), 'data-pending': String(notice.pending),
      }, t('notices.counts', { acknowledged: notice.acknowledged, owed: notice.acknowledged + notice.pending })),
      ownAcknowledgement(notice),
      errors.has(notice.id) && el('p', { class: 'form-error', role: 'alert' }, errors.get(notice.id)),
      escalationNotes(notice),
      managerActions(notice),
      statusViews.get(notice.id)?.element);
  }

  function draw() {
    list.replaceChildren(...notices.map(item));
    status.hidden = notices.length > 0;
    if (notices.length === 0) status.textContent = t('notices.empty');
    addSlot.replaceChildren(canManage && !formSlot.firstChild ? el('button', {
      type: 'button', id: 'notice-new', class: 'button primary', onclick: openForm,
    }, t('notices.new')) : '');
  }

  function redrawItem(id) {
    const notice = notices.find((candidate) => candidate.id === id);
    const old = list.querySelector(`li[data-notice-id="${id}"]`);
    if (!notice || !old) return;
    const focused = old.contains(document.activeElement) ? document.activeElement.dataset.action : null;
    const fresh = item(notice);
    old.replaceWith(fresh);
    if (focused) fresh.querySelector(`[data-action="${focused}"]`)?.focus();
  }

  function patch(id, change) {
    notices = notices.map((notice) => (notice.id === id ? { ...notice, ...change } : notice));
    redrawItem(id);
  }

  async function load() {
    const id = ++loadId;
    try {
      const answer = await noticeApi.list(accountId);
      if (!alive || id !== loadId) return;
      notices = answer.notices;
      for (const noticeId of statusViews.keys()) if (!notices.some((notice) => notice.id === noticeId)) statusViews.delete(noticeId);
      draw();
    } catch (error) {
      if (alive && id === loadId) showLoadError(status, error, load);
    }
  }

  function scheduleLoad() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(load, RELOAD_DELAY_MS);
  }

  // MARK: - Actions

  function openForm() {
    const form = createNoticeForm({
      accountId,
      onDone: (notice) => {
        formSlot.replaceChildren();
        draw();
        if (notice) {
          flash.textContent = t('notices.sent', { title: notice.title });
          load();
        }
        document.getElementById('notice-new')?.focus();
      },
    });
    formSlot.replaceChildren(form.element);
    draw();
    form.focus();
  }

  async function acknowledge(notice, button) {
    button.disabled = true;
    errors.delete(notice.id);
    try {
      const answer = await noticeApi.acknowledge(accountId, notice.id);
      if (!alive) return;
      patch(notice.id, { acknowledgedAt: answer.at });
      flash.textContent = t('notices.acknowledgedFlash', { title: notice.title });
    } catch (failure) {
      if (!alive) return;
      errors.set(notice.id, describeError(failure));
      redrawItem(notice.id);
    }
  }

  function toggleStatus(id) {
    if (statusViews.has(id)) statusViews.delete(id);
    else statusViews.set(id, createNoticeStatus({ accountId, noticeId: id }));
    redrawItem(id);
  }

  function askWithdraw(notice, node) {
    const yes = el('button', { type: 'button', class: 'button danger small', 'data-action': 'confirm-withdraw' }, t('notices.withdrawConfirm'));
    const box = el('div', { class: 'confirm', role: 'alert' }, el('p', {}, t('notices.withdrawQuestion', { title: notice.title })),
      el('div', { class: 'actions' }, yes, el('button', {
        type: 'button', class: 'button small', onclick: () => {
          box.remove();
          node.querySelector('[data-action="withdraw"]')?.focus();
        },
      }, t('common.cancel'))));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        const answer = await noticeApi.withdraw(accountId, notice.id);
        if (alive) patch(notice.id, answer.notice);
      } catch (failure) {
        if (!alive) return;
        errors.set(notice.id, describeError(failure));
        redrawItem(notice.id);
      }
    });
    node.querySelector('.confirm')?.remove();
    node.append(box);
    yes.focus();
  }

  // MARK: - Live events

  const forThisChannel = (handler) => (event) => {
    if (event.channel === accountId) handler(event.data);
  };
  const unlisten = [
    socket.on('notice.posted', forThisChannel(scheduleLoad)),
    socket.on('notice.withdrawn', forThisChannel(scheduleLoad)),
    socket.on('reset', forThisChannel(scheduleLoad)),
    socket.on('notice.acknowledged', forThisChannel((data) => {
      const change = { acknowledged: data.acknowledged, pending: data.pending };
      if (data.person.id === person.id) change.acknowledgedAt = data.at;
      patch(data.notice, change);
      statusViews.get(data.notice)?.refresh();
    })),
    socket.on('notice.escalated', forThisChannel((data) => {
      escalations.set(data.notice, [...(escalations.get(data.notice) ?? []), data]);
      redrawItem(data.notice);
      statusViews.get(data.notice)?.refresh();
    })),
  ];

  load();
  return {
    element,
    destroy() {
      alive = false;
      clearTimeout(reloadTimer);
      unlisten.forEach((off) => off());
    },
  };
}
