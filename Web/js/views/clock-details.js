// The details of one annual-clock occurrence (#clock-details), under the clock face or inside the list: the event's
// title, date, kind, owner role, recurrence, reminder and description, the occurrence's status with its note and who
// marked it; for those who may (the owner role's members, the director, admins) marking it done, cancelled or planned
// again; for the director and admins editing and deleting the event. An event without an occurrence in the year is
// shown without the occurrence's parts.
import { clockApi } from '../clock-api.js';
import { el } from '../dom.js';
import { describeError, formatDate, formatDateTime, roleName, t, weekdayName } from '../i18n.js';
import { choiceOf, WEEKDAYS } from '../recurrence.js';
import { markSymbol } from './clock-marks.js';

const STATUS_BADGES = { planned: 'badge-neutral', done: 'badge-ok', cancelled: 'badge-warning' };

// The event's recurrence in words ("neljännesvuosittain"), or its rule when no words fit.
export function describeRule(rule) {
  const choice = choiceOf(rule);
  switch (choice.preset) {
    case 'every-n-months': return t('clock.rule.every-n-months', { count: choice.months });
    case 'nth-weekday': return t('clock.rule.nth-weekday', {
      ordinal: t(`clock.ordinal.${choice.ordinal}`), weekday: weekdayName(WEEKDAYS.indexOf(choice.weekday) + 1),
    });
    case 'advanced': return choice.rule;
    default: return t(`clock.rule.${choice.preset}`);
  }
}

// `note`: the text to show in the note field (kept across live redraws); `onMarked(occurrence)`, `onEdit(event)`,
// `onDeleted(event)`, `onClose()`.
export function renderDetails({ accountId, entry, occurrence, canEdit, note, onMarked, onEdit, onDeleted, onClose }) {
  const { event } = entry;
  const status = occurrence?.status ?? null;
  const facts = [
    occurrence && [t('clock.date'), formatDate(occurrence.date)],
    [t('clock.kind'), t(`clock.kinds.${event.kind}`)],
    [t('clock.owner'), roleName(event.owner)],
    occurrence && [t('clock.statusLabel'), el('span', { class: `badge ${STATUS_BADGES[status]}` }, t(`clock.status.${status}`))],
    [t('clock.repeats'), describeRule(event.recurrence ?? null)],
    [t('clock.reminder'), t('clock.leadDays', { count: event.leadDays })],
  ].filter(Boolean);
  const marked = occurrence && status !== 'planned' && occurrence.markedBy && el('p', { class: 'clock-marked' },
    t(`clock.markedBy.${status}`, { name: occurrence.markedBy.name, time: occurrence.markedAt ? formatDateTime(occurrence.markedAt) : '' }));

  const element = el('section', {
    id: 'clock-details', class: `clock-details owner-${event.owner}${status ? ` status-${status}` : ''}`, 'aria-labelledby': 'clock-details-title',
    'data-event-id': event.id, 'data-date': occurrence?.date ?? null, 'data-status': status,
  },
  el('div', { class: 'clock-details-head' },
    el('h4', { id: 'clock-details-title', tabindex: '-1' }, markSymbol(event.owner, status ?? 'planned'), ' ', event.title),
    el('button', { type: 'button', class: 'button small', 'data-action': 'close', onclick: onClose }, t('clock.close'))),
  !occurrence && el('p', { class: 'note' }, t('clock.noOccurrence')),
  el('dl', { class: 'facts clock-facts' }, facts.map(([term, value]) => [el('dt', {}, term), el('dd', {}, value)])),
  event.description && el('p', { class: 'clock-description' }, event.description),
  marked,
  // Who may mark it sees (and changes) the note in the note field.
  occurrence?.note && !entry.canMark && el('p', { class: 'clock-note' }, el('span', { class: 'muted' }, `${t('clock.note')}: `), occurrence.note),
  occurrence && (entry.canMark ? markForm() : el('p', { class: 'hint' }, t('clock.cannotMark', { owner: roleName(event.owner) }))),
  canEdit && editorActions());
  element.addEventListener('keydown', (keyEvent) => {
    if (keyEvent.key === 'Escape' && keyEvent.target.tagName !== 'TEXTAREA') onClose(); // Escape in the note: the text stays
  });
  return element;

  function markForm() {
    const field = el('textarea', { id: 'clock-note', rows: '3', maxlength: '2000', 'aria-describedby': 'clock-note-hint' });
    field.value = note ?? occurrence.note ?? '';
    const error = el('p', { id: 'clock-mark-error', class: 'form-error', role: 'alert' });
    const button = (action, label, primary = false) => el('button', {
      type: 'button', class: `button small${primary ? ' primary' : ''}`, 'data-action': action,
      onclick: (click) => mark(action === 'note' ? status : action, click.currentTarget),
    }, label);
    async function mark(next, pressed) {
      error.textContent = '';
      pressed.disabled = true;
      try {
        // A planned occurrence has no note: going back to planned drops it.
        const { occurrence: saved } = await clockApi.mark(accountId, event.id, occurrence.date, next, next === 'planned' ? null : field.value.trim());
        onMarked(saved);
      } catch (failure) {
        pressed.disabled = false;
        error.textContent = describeError(failure);
      }
    }
    return el('div', { class: 'clock-mark' },
      el('div', { class: 'field' },
        el('label', { for: 'clock-note' }, t(status === 'planned' ? 'clock.noteLabel' : 'clock.note')), field,
        el('p', { id: 'clock-note-hint', class: 'hint' }, t('clock.noteHint'))),
      error,
      el('div', { class: 'actions' },
        status !== 'done' && button('done', t('clock.markDone'), true),
        status !== 'cancelled' && button('cancelled', t('clock.markCancelled')),
        status !== 'planned' && button('note', t('clock.saveNote')),
        status !== 'planned' && button('planned', t('clock.markPlanned'))));
  }

  function editorActions() {
    const slot = el('div');
    const ask = () => {
      const error = el('p', { class: 'form-error', role: 'alert' });
      const yes = el('button', { type: 'button', class: 'button danger small', 'data-action': 'confirm-delete' }, t('clock.deleteConfirm'));
      yes.addEventListener('click', async () => {
        yes.disabled = true;
        try {
          await clockApi.deleteEvent(accountId, event.id);
          onDeleted(event);
        } catch (failure) {
          yes.disabled = false;
          error.textContent = describeError(failure);
        }
      });
      slot.replaceChildren(el('div', { class: 'confirm', role: 'alert' },
        el('p', {}, t('clock.deleteQuestion', { title: event.title })), error,
        el('div', { class: 'actions' }, yes,
          el('button', { type: 'button', class: 'button small', onclick: () => slot.replaceChildren() }, t('common.cancel')))));
      yes.focus();
    };
    return el('div', { class: 'clock-editor-actions' },
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'button small', 'data-action': 'edit-event', onclick: () => onEdit(event) }, t('clock.editEvent')),
        el('button', { type: 'button', class: 'button small danger-outline', 'data-action': 'delete-event', onclick: ask }, t('clock.deleteEvent'))),
      slot);
  }
}
