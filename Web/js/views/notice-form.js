// The director's (or an admin's) form for a new notice: priority (important / urgent), title, text and an optional
// expiry. It checks what the server checks before sending, and sends with one clientId per form, so pressing send
// again after a lost answer stores the notice once.
import { noticeApi } from '../chat-api.js';
import { el } from '../dom.js';
import { describeError, t } from '../i18n.js';
import { limits } from '../limits.js';
import { characterCount } from '../text.js';

// "2026-11-24T15:30" (a datetime-local value, the browser's time) → ISO 8601 in whole seconds, as the server reads it.
function isoInstant(localValue) {
  const date = new Date(localValue);
  return Number.isNaN(date.getTime()) ? null : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// `onDone(notice | null)`: sent (the new notice) or cancelled.
export function createNoticeForm({ accountId, onDone }) {
  const clientId = crypto.randomUUID();
  const radio = (value) => el('label', { class: 'choice-option' },
    el('input', { type: 'radio', name: 'notice-priority', id: `notice-priority-${value}`, value, checked: value === 'important' }),
    el('span', {}, el('strong', {}, t(`notices.priority.${value}`)), ' – ', t(`notices.priorityHint.${value}`)));
  const title = el('input', { id: 'notice-title', type: 'text', maxlength: String(limits.maxNoticeTitleChars), autocomplete: 'off', required: true });
  const body = el('textarea', { id: 'notice-body', rows: '6', required: true, 'aria-describedby': 'notice-body-hint' });
  const expires = el('input', { id: 'notice-expires', type: 'datetime-local', 'aria-describedby': 'notice-expires-hint' });
  const error = el('p', { id: 'notice-error', class: 'form-error', role: 'alert' });
  const submit = el('button', { type: 'submit', id: 'notice-submit', class: 'button primary' }, t('notices.send'));
  const form = el('form', { id: 'notice-form', class: 'inline-form notice-form', novalidate: true },
    el('fieldset', {}, el('legend', {}, t('notices.priorityLabel')), radio('important'), radio('urgent')),
    el('div', { class: 'field' }, el('label', { for: 'notice-title' }, t('notices.titleLabel')), title),
    el('div', { class: 'field' }, el('label', { for: 'notice-body' }, t('notices.bodyLabel')), body,
      el('p', { class: 'hint', id: 'notice-body-hint' }, t('notices.bodyHint'))),
    el('div', { class: 'field' }, el('label', { for: 'notice-expires' }, t('notices.expiresLabel')), expires,
      el('p', { class: 'hint', id: 'notice-expires-hint' }, t('notices.expiresHint'))),
    error,
    el('div', { class: 'actions' }, submit,
      el('button', { type: 'button', id: 'notice-cancel', class: 'button', onclick: () => onDone(null) }, t('common.cancel'))));

  // The first problem, with the field to fix, or null.
  function problem() {
    const priority = form.querySelector('input[name="notice-priority"]:checked')?.value;
    if (priority !== 'important' && priority !== 'urgent') return [t('notices.needPriority'), form.querySelector('#notice-priority-important')];
    const titleCount = characterCount(title.value);
    if (titleCount === 0) return [t('notices.needTitle'), title];
    if (titleCount > limits.maxNoticeTitleChars) return [t('notices.titleTooLong', { max: limits.maxNoticeTitleChars }), title];
    const bodyCount = characterCount(body.value);
    if (bodyCount === 0) return [t('notices.needBody'), body];
    if (bodyCount > limits.maxNoticeBodyChars) return [t('notices.bodyTooLong', { max: limits.maxNoticeBodyChars, count: bodyCount }), body];
    if (expires.value) {
      const at = isoInstant(expires.value);
      if (!at) return [t('notices.badExpiry'), expires];
      if (new Date(at) <= new Date()) return [t('notices.pastExpiry'), expires];
    }
    return null;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const found = problem();
    if (found) {
      error.textContent = found[0];
      return found[1].focus();
    }
    error.textContent = '';
    submit.disabled = true;
    const notice = {
      clientId,
      priority: form.querySelector('input[name="notice-priority"]:checked').value,
      title: title.value.trim(),
      body: body.value,
    };
    if (expires.value) notice.expiresAt = isoInstant(expires.value);
    try {
      const answer = await noticeApi.post(accountId, notice);
      onDone(answer.notice);
    } catch (failure) {
      submit.disabled = false;
      error.textContent = describeError(failure);
    }
  });

  return { element: form, focus: () => form.querySelector('input[name="notice-priority"]:checked').focus() };
}
