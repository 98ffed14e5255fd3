// "Apply a template" (the director and admins): a template of config/planner/ with its buckets and task counts, the
// date its due dates count from (the account's start date for a takeover, the date the service ends for after-care),
// and whether to add its optional tasks. Applying the same template with the same date again adds nothing.
import { el, fill } from '../dom.js';
import { currentLanguage, describeError, t } from '../i18n.js';
import { plannerApi } from '../planner-api.js';

const named = (item) => (currentLanguage() === 'en' && item.titleEn ? item.titleEn : item.title);

export function createTemplateForm({ accountId, startDate, onApplied, onCancel }) {
  const choice = el('select', { id: 'planner-template-choice' });
  const outline = el('div', { id: 'planner-template-outline', class: 'planner-template-outline' });
  const base = el('input', { type: 'date', id: 'planner-template-base', 'aria-describedby': 'planner-template-base-hint' });
  const baseHint = el('p', { class: 'hint', id: 'planner-template-base-hint' });
  const optionalSlot = el('div');
  const error = el('p', { class: 'form-error', role: 'alert' });
  const save = el('button', { type: 'submit', id: 'planner-template-save', class: 'button primary', disabled: true }, t('planner.applyButton'));
  const status = el('p', { class: 'muted', role: 'status' }, t('common.loading'));
  const element = el('form', { id: 'planner-template-form', class: 'planner-form', novalidate: true },
    el('h4', {}, t('planner.applyTitle')),
    status,
    el('div', { class: 'field' }, el('label', { for: 'planner-template-choice' }, t('planner.template')), choice),
    outline,
    el('div', { class: 'field' }, el('label', { for: 'planner-template-base' }, t('planner.baseDate')), base, baseHint),
    optionalSlot,
    error,
    el('div', { class: 'actions' }, save, el('button', { type: 'button', class: 'button', onclick: onCancel }, t('common.cancel'))));

  let templates = [];
  let optional = null; // the "also the optional tasks" checkbox of the chosen template, when it has any

  const chosen = () => templates.find((template) => template.key === choice.value);

  function show() {
    const template = chosen();
    if (!template) return;
    const tasks = template.buckets.flatMap((bucket) => bucket.tasks);
    fill(outline, el('ul', {}, template.buckets.map((bucket) => el('li', {},
      named(bucket), ' ', el('span', { class: 'muted' }, t('planner.taskCount', { count: bucket.tasks.filter((task) => !task.optional).length }))))));
    if (template.base === 'account_start') {
      base.value = startDate ?? '';
      baseHint.textContent = t(startDate ? 'planner.baseStartHint' : 'planner.baseNoStartHint');
    } else {
      base.value = '';
      baseHint.textContent = t('planner.baseEndHint');
    }
    const extras = tasks.filter((task) => task.optional);
    optional = extras.length > 0 ? el('input', { type: 'checkbox', id: 'planner-template-optional' }) : null;
    fill(optionalSlot, optional && el('label', { class: 'check' }, optional, ' ',
      t('planner.includeOptional', { titles: extras.map(named).join(', ') })));
  }

  choice.addEventListener('change', show);
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const template = chosen();
    if (!template) return;
    if (!base.value) {
      error.textContent = t(template.base === 'account_start' ? 'planner.needStartDate' : 'planner.needEndDate');
      return base.focus();
    }
    save.disabled = true;
    try {
      const result = await plannerApi.applyTemplate(accountId, template.key, { baseDate: base.value, includeOptional: optional?.checked ?? false });
      onApplied(result);
    } catch (failure) {
      save.disabled = false;
      error.textContent = describeError(failure);
    }
  });

  plannerApi.templates(accountId).then((answer) => {
    templates = answer.templates;
    status.hidden = true;
    fill(choice, templates.map((template) => el('option', { value: template.key }, named(template))));
    // A takeover (counted from the account's start) is the usual first choice.
    choice.value = (templates.find((template) => template.base === 'account_start') ?? templates[0])?.key ?? '';
    save.disabled = templates.length === 0;
    if (templates.length === 0) {
      status.hidden = false;
      status.textContent = t('planner.noTemplates');
    }
    show();
  }, (failure) => {
    status.textContent = describeError(failure);
  });

  return {
    element,
    focus: () => choice.focus(),
  };
}
