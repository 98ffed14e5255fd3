// Who has acknowledged an urgent notice and who has not (the director's and admins' view): counts, the rate, the
// names with times, and for those pending their reminders and escalation. The notices pane refreshes it when a
// `notice.acknowledged` or `notice.escalated` event about the notice arrives, so it follows live.
import { noticeApi } from '../chat-api.js';
import { el, fill } from '../dom.js';
import { currentLanguage, describeError, formatDateTime, roleName, t } from '../i18n.js';

function percent(rate) {
  return new Intl.NumberFormat(currentLanguage(), { style: 'percent', maximumFractionDigits: 0 }).format(rate);
}

export function createNoticeStatus({ accountId, noticeId }) {
  const element = el('div', { id: `notice-status-${noticeId}`, class: 'notice-status', 'aria-live': 'polite' },
    el('p', { class: 'muted' }, t('common.loading')));
  let loadId = 0;

  function draw({ acknowledged, pending, rate }) {
    const owed = acknowledged.length + pending.length;
    fill(element,
      el('p', { class: 'ack-summary', 'data-acknowledged': String(acknowledged.length), 'data-pending': String(pending.length) },
        t('notices.ackSummary', { acknowledged: acknowledged.length, owed, rate: percent(rate) })),
      el('progress', { class: 'ack-progress', max: String(Math.max(owed, 1)), value: String(acknowledged.length), 'aria-hidden': 'true' }),
      el('h4', {}, t('notices.pendingTitle', { count: pending.length })),
      pending.length === 0
        ? el('p', { class: 'muted' }, t('notices.nobodyPending'))
        : el('ul', { class: 'ack-list ack-pending' }, pending.map((entry) => el('li', { 'data-person-id': String(entry.person.id), 'data-state': 'pending' },
          el('span', { class: 'ack-name' }, entry.person.name),
          el('span', { class: 'ack-detail' }, [
            roleName(entry.role),
            entry.reminders > 0 && t('notices.reminded', { count: entry.reminders }),
            entry.escalatedAt && t('notices.escalatedAt', { time: formatDateTime(entry.escalatedAt) }),
          ].filter(Boolean).join(' · '))))),
      el('h4', {}, t('notices.acknowledgedTitle', { count: acknowledged.length })),
      acknowledged.length === 0
        ? el('p', { class: 'muted' }, t('notices.nobodyAcknowledged'))
        : el('ul', { class: 'ack-list ack-done' }, acknowledged.map((entry) => el('li', { 'data-person-id': String(entry.person.id), 'data-state': 'acknowledged' },
          el('span', { class: 'ack-name' }, entry.person.name),
          el('span', { class: 'ack-detail' }, formatDateTime(entry.at))))));
  }

  async function refresh() {
    const id = ++loadId;
    try {
      const { status } = await noticeApi.status(accountId, noticeId);
      if (id === loadId) draw(status);
    } catch (error) {
      if (id === loadId) fill(element, el('p', { class: 'load-error' }, describeError(error)));
    }
  }

  refresh();
  return { element, refresh };
}
