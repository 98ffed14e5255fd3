// The channel's table of contents (#toc): the numbered sections, must-read to-dos, sections not in use
// (directors and admins only) and, for them, adding the account's own section.
import { content } from '../content-api.js';
import { el } from '../dom.js';
import { currentLanguage, describeError, t } from '../i18n.js';
import { paths } from '../router.js';
import { showLoadError } from '../load-error.js';

// The section's title in the current language (the template's English title when there is one).
export function sectionTitle(section) {
  return currentLanguage() === 'en' && section.titleEn ? section.titleEn : section.title;
}

// The section the channel opens on: the first one in use (number order).
export function defaultSection(sections) {
  return sections.find((section) => section.inUse) ?? sections[0] ?? null;
}

export function createToc({ accountId, onAdded }) {
  const list = el('ol', { id: 'toc-list', class: 'toc-list' });
  const status = el('p', { class: 'muted toc-status', role: 'status' }, t('toc.loading'));
  const addSlot = el('div', { class: 'toc-add' });
  const element = el('div', { class: 'toc-body' }, status, list, addSlot);

  let sections = [];
  let currentKey = null;
  const open = new Map(); // key → true (to confirm) | false (confirmed)

  function tags(section) {
    const result = [];
    if (section.mustRead) {
      const state = open.get(section.key);
      if (state === true) result.push(el('span', { class: 'toc-tag tag-open' }, t('toc.toConfirm')));
      else if (state === false) result.push(el('span', { class: 'toc-tag tag-read' }, t('toc.read')));
      else result.push(el('span', { class: 'toc-tag tag-must-read' }, t('toc.mustRead')));
    }
    if (!section.inUse) result.push(el('span', { class: 'toc-tag tag-off' }, t('toc.notUsed')));
    return result;
  }

  function item(section) {
    const state = open.get(section.key);
    return el('li', {
      'data-section-key': section.key,
      'data-must-read': section.mustRead ? 'true' : null,
      'data-open': state === true ? 'true' : null,
      'data-in-use': section.inUse ? null : 'false',
    }, el('a', {
      class: 'toc-link',
      href: paths.channel(accountId, section.key),
      'aria-current': section.key === currentKey ? 'page' : null,
    },
    el('span', { class: 'toc-number' }, String(section.number)),
    el('span', { class: 'toc-text' },
      el('span', { class: 'toc-title' }, sectionTitle(section)),
      tags(section))));
  }

  function draw() {
    list.replaceChildren(...sections.map(item));
    status.hidden = sections.length > 0;
    if (sections.length === 0) status.textContent = t('toc.empty');
  }

  // A director's own section: a title, then it is added after the template's sections.
  function showAddButton() {
    addSlot.replaceChildren(el('button', {
      type: 'button', id: 'toc-add-section', class: 'button small', onclick: showAddForm,
    }, t('toc.add')));
  }

  function showAddForm() {
    const input = el('input', { id: 'toc-new-title', type: 'text', maxlength: '200', autocomplete: 'off', required: true });
    const error = el('p', { class: 'form-error', role: 'alert' });
    const save = el('button', { type: 'submit', class: 'button primary small' }, t('toc.addSave'));
    const form = el('form', { class: 'toc-add-form', novalidate: true },
      el('div', { class: 'field' }, el('label', { for: 'toc-new-title' }, t('toc.addTitle')), input),
      error,
      el('div', { class: 'actions' }, save,
        el('button', { type: 'button', class: 'button small', onclick: showAddButton }, t('common.cancel'))));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const title = input.value.trim();
      if (!title) {
        error.textContent = t('toc.addMissing');
        input.focus();
        return;
      }
      save.disabled = true;
      error.textContent = '';
      try {
        const { section } = await content.addSection(accountId, title);
        showAddButton();
        onAdded?.(section);
      } catch (failure) {
        error.textContent = describeError(failure);
        save.disabled = false;
      }
    });
    addSlot.replaceChildren(form);
    input.focus();
  }

  return {
    element,
    get sections() {
      return sections;
    },
    showError(error, retry) {
      showLoadError(status, error, retry);
    },
    setSections(next, { canManage = false } = {}) {
      sections = next;
      draw();
      if (canManage && !addSlot.firstChild) showAddButton();
      if (!canManage) addSlot.replaceChildren();
    },
    setCurrent(key) {
      currentKey = key;
      for (const link of list.querySelectorAll('.toc-link')) {
        if (link.parentElement.dataset.sectionKey === key) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
    },
    // true: the reader still has to confirm the current revision; false: confirmed.
    setOpen(key, isOpen) {
      if (open.get(key) === isOpen) return;
      open.set(key, isOpen);
      const section = sections.find((candidate) => candidate.key === key);
      const old = list.querySelector(`li[data-section-key="${CSS.escape(key)}"]`);
      if (section && old) old.replaceWith(item(section));
    },
  };
}
