// The director's form for adding or editing an annual-clock event (#clock-form): title, description, kind, owner
// role, start date, how it repeats (friendly choices written as the RRULE the server stores, or the rule itself under
// "advanced") and the reminder's lead time. The server's errors name their field ("recurrence: …") and are shown
// next to it.
import { clockApi } from '../clock-api.js';
import { el } from '../dom.js';
import { describeError, roleName, t, weekdayName } from '../i18n.js';
import { choiceOf, nthWeekdayOf, ORDINALS, PRESETS, ruleOf, WEEKDAYS } from '../recurrence.js';
import { OWNERS } from './clock-marks.js';

const KINDS = ['quality_visit', 'satisfaction_visit', 'customer_meeting', 'anniversary', 'internal_audit', 'user_survey',
  'steering_group', 'report', 'webinar', 'other'];
const SERVER_FIELDS = ['title', 'description', 'kind', 'owner', 'start', 'recurrence', 'leadDays'];

const options = (values, label, chosen) => values.map((value) => el('option', { value, selected: String(value) === String(chosen) }, label(value)));

// `event`: the event to edit (null: a new one, starting on `defaultStart`); `onDone(event | null)` after saving or
// cancelling.
export function createEventForm({ accountId, event = null, defaultStart, onDone }) {
  const choice = { months: 2, ...nthWeekdayOf(event?.start ?? defaultStart), ...choiceOf(event?.recurrence ?? null) };
  const input = (name, props) => el('input', { id: `clock-form-${name}`, 'aria-describedby': `clock-form-${name}-error`, ...props });
  const controls = {
    title: input('title', { type: 'text', maxlength: '200', autocomplete: 'off', required: true }),
    description: el('textarea', { id: 'clock-form-description', rows: '3', maxlength: '2000', 'aria-describedby': 'clock-form-description-error' }),
    kind: el('select', { id: 'clock-form-kind' }, options(KINDS, (kind) => t(`clock.kinds.${kind}`), event?.kind ?? 'other')),
    owner: el('select', { id: 'clock-form-owner' }, options(OWNERS, roleName, event?.owner ?? 'account_director')),
    start: input('start', { type: 'date', required: true, min: '2000-01-01', max: '2100-12-31', 'aria-describedby': 'clock-form-start-hint clock-form-start-error' }),
    recurrence: el('select', { id: 'clock-form-repeat', 'aria-describedby': 'clock-form-rule-preview clock-form-recurrence-error' },
      options(PRESETS, (preset) => t(`clock.preset.${preset}`), choice.preset)),
    leadDays: input('leadDays', { type: 'number', min: '0', max: '365', step: '1', inputmode: 'numeric' }),
  };
  controls.title.value = event?.title ?? '';
  controls.description.value = event?.description ?? '';
  controls.start.value = event?.start ?? defaultStart;
  controls.leadDays.value = String(event?.leadDays ?? 7);
  const months = el('input', { id: 'clock-form-months', type: 'number', min: '1', max: '120', step: '1', inputmode: 'numeric', value: choice.months });
  const ordinal = el('select', { id: 'clock-form-ordinal', 'aria-label': t('clock.form.ordinal') },
    options(ORDINALS, (value) => t(`clock.ordinal.${value}`), choice.ordinal));
  const weekday = el('select', { id: 'clock-form-weekday', 'aria-label': t('clock.form.weekday') },
    options(WEEKDAYS, (code) => weekdayName(WEEKDAYS.indexOf(code) + 1), choice.weekday));
  const rule = el('input', { id: 'clock-form-rule', type: 'text', autocomplete: 'off', spellcheck: 'false', class: 'code-input', 'aria-describedby': 'clock-form-rule-hint' });
  rule.value = choice.preset === 'advanced' ? choice.rule : '';
  let weekdayChosen = event != null; // the weekday follows the start date until chosen by hand

  const errors = Object.fromEntries(SERVER_FIELDS.map((name) => [name, el('p', { id: `clock-form-${name}-error`, class: 'field-error', role: 'alert' })]));
  const field = (name, label, control, ...extra) => el('div', { class: 'field' },
    el('label', { for: control.id }, label), control, ...extra, errors[name]);
  const preview = el('p', { id: 'clock-form-rule-preview', class: 'hint', 'aria-live': 'polite' });
  const everyN = el('div', { class: 'field clock-repeat-extra', 'data-for': 'every-n-months' },
    el('label', { for: 'clock-form-months' }, t('clock.form.months')), months);
  const nth = el('div', { class: 'clock-repeat-extra clock-nth', 'data-for': 'nth-weekday', role: 'group', 'aria-label': t('clock.preset.nth-weekday') },
    ordinal, weekday);
  const advanced = el('div', { class: 'field clock-repeat-extra', 'data-for': 'advanced' },
    el('label', { for: 'clock-form-rule' }, t('clock.form.rule')), rule,
    el('p', { id: 'clock-form-rule-hint', class: 'hint' }, t('clock.form.ruleHint')));
  const formError = el('p', { id: 'clock-form-error', class: 'form-error', role: 'alert' });
  const save = el('button', { type: 'submit', id: 'clock-form-save', class: 'button primary' }, t(event ? 'common.save' : 'clock.form.add'));
  const form = el('form', { id: 'clock-form', class: 'clock-form', novalidate: true, 'aria-labelledby': 'clock-form-heading' },
    el('h4', { id: 'clock-form-heading' }, event ? t('clock.form.editTitle', { title: event.title }) : t('clock.form.newTitle')),
    field('title', t('clock.form.title'), controls.title),
    field('description', t('clock.form.description'), controls.description),
    el('div', { class: 'field-row' },
      field('kind', t('clock.kind'), controls.kind),
      field('owner', t('clock.owner'), controls.owner)),
    el('div', { class: 'field-row' },
      field('start', t('clock.form.start'), controls.start, el('p', { id: 'clock-form-start-hint', class: 'hint' }, t('clock.form.startHint'))),
      field('leadDays', t('clock.form.leadDays'), controls.leadDays)),
    field('recurrence', t('clock.form.repeat'), controls.recurrence, preview, everyN, nth, advanced),
    formError,
    el('div', { class: 'actions' }, save,
      el('button', { type: 'button', id: 'clock-form-cancel', class: 'button', onclick: () => onDone(null) }, t('common.cancel'))));

  const current = () => ({ preset: controls.recurrence.value, months: months.value, ordinal: ordinal.value, weekday: weekday.value, rule: rule.value });

  function showRepeat() {
    const preset = controls.recurrence.value;
    for (const extra of [everyN, nth, advanced]) extra.hidden = extra.dataset.for !== preset;
    const text = ruleOf(current());
    preview.textContent = preset === 'advanced' ? '' : text ? t('clock.form.rulePreview', { rule: text }) : t('clock.form.ruleOnce');
  }

  let lastRule = ruleOf(current());
  controls.recurrence.addEventListener('change', () => {
    // "Advanced" starts from the rule chosen so far.
    if (controls.recurrence.value === 'advanced' && !rule.value.trim() && lastRule) rule.value = lastRule;
    if (controls.recurrence.value !== 'advanced') lastRule = ruleOf(current());
    showRepeat();
  });
  controls.start.addEventListener('change', () => {
    if (!weekdayChosen && controls.start.value) {
      const derived = nthWeekdayOf(controls.start.value);
      ordinal.value = String(derived.ordinal);
      weekday.value = derived.weekday;
    }
    showRepeat();
  });
  for (const control of [ordinal, weekday]) {
    control.addEventListener('change', () => {
      weekdayChosen = true;
      showRepeat();
    });
  }
  months.addEventListener('input', showRepeat);
  showRepeat();

  function showError(name, text) {
    errors[name].textContent = text;
    const control = name === 'recurrence' && controls.recurrence.value === 'advanced' ? rule : controls[name];
    control.setAttribute('aria-invalid', 'true');
    control.focus();
  }

  function clearErrors() {
    formError.textContent = '';
    for (const [name, error] of Object.entries(errors)) {
      error.textContent = '';
      controls[name].removeAttribute('aria-invalid');
    }
    rule.removeAttribute('aria-invalid');
  }

  // Shows what is wrong with a field before sending; null, for fields() to return.
  function refuse(name, text) {
    showError(name, t(text));
    return null;
  }

  // The fields to send, or null after showing what is missing.
  function fields() {
    const title = controls.title.value.trim();
    if (!title) return refuse('title', 'clock.form.needTitle');
    if (!controls.start.value) return refuse('start', 'clock.form.needStart');
    const lead = Number(controls.leadDays.value);
    if (controls.leadDays.value === '' || !Number.isInteger(lead) || lead < 0 || lead > 365) return refuse('leadDays', 'clock.form.needLead');
    const chosen = current();
    const interval = Number(chosen.months);
    if (chosen.preset === 'every-n-months' && !(Number.isInteger(interval) && interval >= 1 && interval <= 120)) {
      return refuse('recurrence', 'clock.form.needMonths');
    }
    if (chosen.preset === 'advanced' && !chosen.rule.trim()) return refuse('recurrence', 'clock.form.needRule');
    return {
      title, description: controls.description.value.trim(), kind: controls.kind.value, owner: controls.owner.value,
      start: controls.start.value, recurrence: ruleOf(chosen), leadDays: lead,
    };
  }

  form.addEventListener('submit', async (submit) => {
    submit.preventDefault();
    clearErrors();
    const body = fields();
    if (!body) return;
    save.disabled = true;
    try {
      const { event: saved } = event ? await clockApi.updateEvent(accountId, event.id, body) : await clockApi.createEvent(accountId, body);
      onDone(saved);
    } catch (failure) {
      save.disabled = false;
      // "recurrence: BYMONTHDAY=31 skips …": the server's words next to the field they name.
      const named = failure.code === 'invalid_input' && failure.message.match(/^(\w+): (.+)$/s);
      if (named && SERVER_FIELDS.includes(named[1])) showError(named[1], named[2]);
      else formError.textContent = describeError(failure);
    }
  });

  return {
    element: form,
    focus: () => controls.title.focus(),
  };
}
