// One section of a channel in #channel-content: its text, must-read confirmation, the editor (directors and
// admins), history with diffs, "who has read", and below the text its documents (and the memos section's memos, the
// annual-clock section's clock, the planner section's planner, the feedback section's box, and for the director
// and admins the quality-card section's card editor).
import { content } from '../content-api.js';
import { el, fill } from '../dom.js';
import { describeError, formatDateTime, roleName, t } from '../i18n.js';
import { paths } from '../router.js';
import { createAnnualClock } from './clock.js';
import { createDocuments } from './documents.js';
import { createFeedbackBox } from './feedback.js';
import { createMemos } from './memos.js';
import { createPlanner } from './planner.js';
import { createQualityCard } from './quality-card.js';
import { createHistory, createReaders, loadDiff } from './section-history.js';
import { sectionTitle } from './toc.js';

// Unsaved editor texts, kept in memory (never in storage) while the person looks at another section or
// switches the language: `${personId}/${account}/${key}` → { text, baseRevision }.
const drafts = new Map();

const MEMOS_KEY = 'memos';
const CLOCK_KEY = 'annual-clock';
const PLANNER_KEY = 'planner';
const FEEDBACK_KEY = 'feedback';
const CARD_KEY = 'quality-card';
// Sections whose content is a part of their own below the text, which is then an introduction.
const PART_KEYS = [MEMOS_KEY, CLOCK_KEY, PLANNER_KEY, FEEDBACK_KEY];

// `onState(key, mustConfirm)`: the page was loaded or confirmed (for the table of contents' to-do marks);
// `onLoaded(page)`: the page was loaded (e.g. for the window title).
export function createSectionView({ accountId, key, person, canManage, extra = null, onState, onLoaded }) {
  const draftKey = `${person.id}/${accountId}/${key}`;
  for (const stored of drafts.keys()) {
    if (!stored.startsWith(`${person.id}/`)) drafts.delete(stored); // another person's drafts: gone
  }

  const title = el('h2', { id: 'section-title', tabindex: '-1' }, t('common.loading'));
  const badges = el('div', { class: 'badges section-badges' });
  const meta = el('p', { id: 'section-meta', class: 'section-meta' });
  const actions = el('div', { class: 'section-actions' });
  const notes = el('div', { class: 'section-notes' });
  const banner = el('div', { class: 'must-read-slot' });
  const flash = el('p', { class: 'flash', role: 'status' });
  const main = el('div', { class: 'section-main' });
  const panels = el('div', { class: 'section-panels' });
  const documents = createDocuments({ accountId, key });
  const memos = key === MEMOS_KEY ? createMemos({ accountId }) : null;
  const clock = key === CLOCK_KEY ? createAnnualClock({ accountId }) : null;
  const planner = key === PLANNER_KEY ? createPlanner({ accountId, person }) : null;
  const feedback = key === FEEDBACK_KEY ? createFeedbackBox({ accountId }) : null;
  // The card is the director's (and admins'): other members read only the section's text.
  const card = key === CARD_KEY && canManage ? createQualityCard({ accountId }) : null;
  const isPart = PART_KEYS.includes(key) || card != null;
  const element = el('article', { class: 'section-view', 'data-section-key': key, 'aria-labelledby': 'section-title' },
    el('header', { class: 'section-header' }, title, badges, meta, notes, actions),
    flash, banner, main, panels,
    memos?.element, clock?.element, planner?.element, feedback?.element, card?.element, documents.element, extra);

  let alive = true;
  let loadId = 0;
  let page = null;
  let editor = null; // { textarea, baseRevision, initial, stale, error, saveButton, … } while editing
  let saving = false;
  let history = null;
  let readers = null;
  let focusPending = false; // focus the title once the page has loaded

  const isDirty = () => editor != null && editor.textarea.value !== editor.initial;
  const warnBeforeLeaving = (event) => {
    if (isDirty()) event.preventDefault();
  };
  window.addEventListener('beforeunload', warnBeforeLeaving);

  function showFlash(text) {
    flash.textContent = text;
    clearTimeout(showFlash.timer);
    showFlash.timer = setTimeout(() => {
      flash.textContent = '';
    }, 6000);
  }

  // MARK: - Reading

  function renderHeader() {
    const { section, current } = page;
    title.replaceChildren(el('span', { class: 'section-number' }, `${section.number}.`), ' ', sectionTitle(section));
    fill(badges,
      section.mustRead && el('span', { class: 'badge badge-warning' }, t('section.mustRead')),
      !section.inUse && el('span', { class: 'badge badge-neutral' }, t('toc.notUsed')),
      section.origin === 'custom' && el('span', { class: 'badge badge-neutral' }, t('section.custom')));
    meta.textContent = current
      ? t('section.meta', { revision: current.revision, author: current.author?.name ?? t('section.unknownAuthor'), time: formatDateTime(current.at) })
      : '';
    meta.hidden = !current;
    fill(notes,
      section.restrictedTo && el('p', { class: 'note' }, t('section.restricted', { roles: section.restrictedTo.map(roleName).join(', ') })),
      !section.inUse && el('p', { class: 'note' }, t(canManage ? 'section.notUsedManager' : 'section.notUsedMember')));

    const buttons = [];
    if (page.canEdit && !editor) {
      // In the memos and annual-clock sections the memos and the clock are the content; the text introduces them.
      const label = isPart ? 'section.editIntro' : 'section.edit';
      buttons.push(el('button', {
        type: 'button', id: 'section-edit', class: isPart ? 'button' : 'button primary', onclick: () => openEditor(),
      }, t(label)));
    }
    if (current) {
      buttons.push(el('button', {
        type: 'button', id: 'section-history-toggle', class: 'button', 'aria-expanded': String(history != null),
        onclick: toggleHistory,
      }, t('section.history')));
    }
    if (section.mustRead && canManage && current) {
      buttons.push(el('button', {
        type: 'button', id: 'section-readers-toggle', class: 'button', 'aria-expanded': String(readers != null),
        onclick: toggleReaders,
      }, t('section.readers')));
    }
    if (canManage && !section.required) {
      buttons.push(el('button', {
        type: 'button', id: 'section-in-use', class: 'button', onclick: () => setInUse(!section.inUse),
      }, t(section.inUse ? 'section.switchOff' : 'section.switchOn')));
    }
    // Redrawn on live updates: a button that had the keyboard focus keeps it.
    const focused = actions.contains(document.activeElement) ? document.activeElement.id : null;
    actions.replaceChildren(...buttons);
    if (focused) document.getElementById(focused)?.focus();
  }

  function renderBanner() {
    const { section } = page;
    if (page.mustConfirm && page.current) {
      const confirm = el('button', { type: 'button', id: 'section-confirm', class: 'button primary' }, t('section.confirm'));
      const error = el('p', { class: 'form-error', role: 'alert' });
      confirm.addEventListener('click', () => confirmRead(confirm, error));
      banner.replaceChildren(el('div', { id: 'section-must-read', class: 'must-read-banner', role: 'region', 'aria-labelledby': 'must-read-title' },
        el('p', { id: 'must-read-title', class: 'must-read-title' }, t('section.mustReadTitle')),
        el('p', {}, t('section.mustReadText', { revision: section.revision })),
        confirm, error));
    } else if (section.mustRead && section.revision > 0 && page.confirmedRevision != null && page.confirmedRevision >= section.revision) {
      banner.replaceChildren(el('p', { id: 'section-confirmed', class: 'confirmed-note', tabindex: '-1' },
        el('span', { class: 'confirmed-mark', 'aria-hidden': 'true' }, '✓'), ' ',
        t('section.confirmed', { revision: page.confirmedRevision })));
    } else {
      banner.replaceChildren();
    }
  }

  function renderBody() {
    const body = el('div', { id: 'section-body', class: 'prose' });
    // page.html is rendered from Markdown and sanitised by the server (raw HTML in the text stays text, only
    // http/https/mailto links, no images): the one place the app inserts server HTML.
    body.innerHTML = page.html;
    // The memos and annual-clock sections' content is their part: no "nothing written" there.
    const empty = (!page.current || page.current.body.trim() === '') && !isPart;
    fill(main, body, empty && el('p', { class: 'muted empty-section' }, t(page.canEdit ? 'section.emptyEditor' : 'section.empty')));
  }

  function render() {
    renderHeader();
    renderBanner();
    if (editor) {
      if (!saving && page.section.revision > editor.baseRevision && !editor.stale) showStale('newer');
      editor.savedView.innerHTML = page.html; // sanitised by the server, as above
    } else {
      const draft = drafts.get(draftKey);
      if (draft && page.canEdit) openEditor({ text: draft.text, baseRevision: draft.baseRevision, restored: true });
      else renderBody();
    }
  }

  async function load() {
    const id = ++loadId;
    try {
      const next = await content.section(accountId, key);
      if (!alive || id !== loadId) return;
      page = next;
      documents.element.hidden = false;
      if (memos) memos.element.hidden = false;
      if (clock) clock.element.hidden = false;
      if (planner) planner.element.hidden = false;
      if (feedback) feedback.element.hidden = false;
      if (card) card.element.hidden = false;
      onLoaded?.(page);
      // A must-read with nothing written yet has nothing to confirm: no to-do mark either way.
      onState?.(key, page.section.mustRead && page.section.revision > 0 ? page.mustConfirm : null);
      render();
      if (focusPending) {
        focusPending = false;
        title.focus();
      }
    } catch (error) {
      if (!alive || id !== loadId) return;
      if (error.status === 404) {
        title.textContent = t('section.notFoundTitle');
        meta.textContent = '';
        actions.replaceChildren();
        badges.replaceChildren();
        notes.replaceChildren();
        banner.replaceChildren();
        fill(main, el('p', { class: 'load-error', id: 'section-missing' }, t('section.notFound')),
          el('p', {}, el('a', { href: paths.channel(accountId) }, t('section.toFirst'))));
        documents.element.hidden = true;
        if (memos) memos.element.hidden = true;
        if (clock) clock.element.hidden = true;
        if (planner) planner.element.hidden = true;
        if (feedback) feedback.element.hidden = true;
        if (card) card.element.hidden = true;
        if (focusPending) title.focus();
        focusPending = false;
      } else {
        fill(main, el('div', { class: 'load-error' },
          el('p', {}, describeError(error)),
          el('button', { type: 'button', class: 'button', onclick: () => load() }, t('errors.retry'))));
      }
    }
  }

  async function confirmRead(button, error) {
    button.disabled = true;
    error.textContent = '';
    const revision = page.section.revision;
    try {
      await content.confirm(accountId, key, revision);
      if (!alive) return;
      page = { ...page, mustConfirm: false, confirmedRevision: revision };
      onState?.(key, false);
      renderBanner();
      banner.querySelector('#section-confirmed')?.focus();
    } catch (failure) {
      if (!alive) return;
      button.disabled = false;
      // 400: a newer revision was saved meanwhile; it is the one to read.
      if (failure.status === 400) {
        error.textContent = t('section.confirmStale');
        load();
      } else {
        error.textContent = describeError(failure);
      }
    }
  }

  async function setInUse(inUse) {
    try {
      await content.setInUse(accountId, key, inUse);
      showFlash(t(inUse ? 'section.switchedOn' : 'section.switchedOff'));
      load();
    } catch (error) {
      showFlash(describeError(error));
    }
  }

  function toggleHistory() {
    if (history) {
      history.element.remove();
      history = null;
    } else {
      history = createHistory({ accountId, key });
      panels.prepend(history.element);
    }
    renderHeader();
    document.getElementById('section-history-toggle')?.focus();
  }

  function toggleReaders() {
    if (readers) {
      readers.element.remove();
      readers = null;
    } else {
      readers = createReaders({ accountId, key });
      panels.append(readers.element);
    }
    renderHeader();
    document.getElementById('section-readers-toggle')?.focus();
  }

  // MARK: - Editing

  function openEditor({ text = page.current?.body ?? '', baseRevision = page.section.revision, restored = false } = {}) {
    const textarea = el('textarea', {
      id: 'section-editor', class: 'editor-text', rows: '18', spellcheck: 'true', 'aria-describedby': 'section-editor-help',
    });
    textarea.value = text;
    const staleSlot = el('div', { class: 'stale-slot' });
    const error = el('p', { class: 'form-error', role: 'alert' });
    const saveButton = el('button', { type: 'submit', id: 'section-save', class: 'button primary' }, t('section.save'));
    const cancelButton = el('button', { type: 'button', id: 'section-cancel', class: 'button' }, t('common.cancel'));
    const savedView = el('div', { id: 'section-saved-view', class: 'prose saved-view', hidden: true });
    // page.html is sanitised by the server (see renderBody).
    savedView.innerHTML = page.html;
    const previewButton = el('button', {
      type: 'button', id: 'section-preview', class: 'button', 'aria-pressed': 'false', 'aria-controls': 'section-saved-view',
    }, t('section.showSaved'));
    const cancelSlot = el('div', { class: 'cancel-slot' });
    const form = el('form', { id: 'section-editor-form', class: 'section-editor', novalidate: true },
      staleSlot,
      restored && el('p', { class: 'note', role: 'status' }, t('section.draftRestored')),
      el('div', { class: 'field' },
        el('label', { for: 'section-editor' }, t('section.editorLabel')),
        textarea,
        el('p', { id: 'section-editor-help', class: 'hint' }, t('section.editorHelp'))),
      error,
      el('div', { class: 'actions' }, saveButton, cancelButton, previewButton),
      cancelSlot,
      savedView);

    // A restored draft counts as unsaved changes (compared with the saved text).
    const initial = restored ? page.current?.body ?? '' : text;
    editor = { form, textarea, baseRevision, initial, staleSlot, stale: null, error, saveButton, cancelButton, savedView };
    drafts.delete(draftKey);

    previewButton.addEventListener('click', () => {
      savedView.hidden = !savedView.hidden;
      previewButton.setAttribute('aria-pressed', String(!savedView.hidden));
      previewButton.textContent = t(savedView.hidden ? 'section.showSaved' : 'section.hideSaved');
    });
    cancelButton.addEventListener('click', () => {
      if (!isDirty()) return closeEditor();
      const discard = el('button', { type: 'button', id: 'section-discard', class: 'button danger-outline', onclick: () => closeEditor() }, t('section.discard'));
      cancelSlot.replaceChildren(el('div', { class: 'confirm', role: 'alert' },
        el('p', {}, t('section.discardQuestion')),
        el('div', { class: 'actions' }, discard,
          el('button', {
            type: 'button', class: 'button',
            onclick: () => {
              cancelSlot.replaceChildren();
              textarea.focus();
            },
          }, t('section.keepEditing')))));
      discard.focus();
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      save();
    });

    fill(main, form);
    renderHeader();
    if (page.section.revision > baseRevision) showStale('newer');
    // The caret at the start of the text, the field scrolled to its top. A draft restored when the page was
    // redrawn (a language switch) leaves the focus where the person had it.
    textarea.setSelectionRange(0, 0);
    if (!restored) textarea.focus();
    textarea.scrollTop = 0;
  }

  function closeEditor() {
    editor = null;
    drafts.delete(draftKey);
    renderHeader();
    renderBody();
    document.getElementById('section-edit')?.focus();
  }

  async function save() {
    if (saving) return;
    saving = true;
    const current = editor;
    current.saveButton.disabled = true;
    current.saveButton.textContent = t('section.saving');
    current.error.textContent = '';
    try {
      const { section } = await content.saveSection(accountId, key, current.textarea.value, current.baseRevision);
      // The author has read what they wrote: confirm it, so it is not a to-do of their own.
      if (section.mustRead) await content.confirm(accountId, key, section.revision).catch(() => {});
      if (!alive) return;
      saving = false;
      if (editor === current) {
        editor = null;
        drafts.delete(draftKey);
      }
      showFlash(t('section.saved', { revision: section.revision }));
      await load();
      document.getElementById('section-edit')?.focus();
    } catch (error) {
      saving = false;
      if (!alive || editor !== current) return;
      current.saveButton.disabled = false;
      current.saveButton.textContent = t('section.save');
      if (error.status === 409) showStale('conflict');
      else current.error.textContent = describeError(error);
    }
  }

  // Someone else saved: on a refused save (conflict) or heard live while editing (newer). The text typed stays
  // in the editor; "load the newest" shows what changed and makes the newest revision the base of the next save.
  function showStale(kind) {
    if (!editor) return;
    const reload = el('button', { type: 'button', id: 'section-load-latest', class: 'button primary' }, t('section.loadLatest'));
    const box = el('div', { id: kind === 'conflict' ? 'section-conflict' : 'section-newer', class: `stale-box stale-${kind}`, role: 'alert' },
      el('p', { class: 'stale-title' }, t(`section.${kind}Title`)),
      el('p', {}, t(`section.${kind}Text`)),
      el('div', { class: 'actions' }, reload));
    reload.addEventListener('click', () => loadLatest(box, reload));
    editor.stale = kind;
    editor.staleSlot.replaceChildren(box);
    if (kind === 'conflict') reload.focus();
  }

  async function loadLatest(box, button) {
    const current = editor;
    button.disabled = true;
    try {
      const latest = await content.section(accountId, key);
      if (!alive || editor !== current) return;
      const from = current.baseRevision;
      const to = latest.section.revision;
      page = latest;
      current.baseRevision = to;
      current.stale = null;
      current.savedView.innerHTML = page.html; // sanitised by the server (see renderBody)
      renderHeader();
      renderBanner();
      const diff = el('div', { class: 'diff' });
      const take = el('button', { type: 'button', id: 'section-take-latest', class: 'button danger-outline' }, t('section.takeLatest'));
      take.addEventListener('click', () => {
        current.textarea.value = latest.current?.body ?? '';
        current.staleSlot.replaceChildren();
        current.textarea.focus();
      });
      box.className = 'stale-box stale-loaded';
      box.setAttribute('role', 'status');
      box.replaceChildren(
        el('p', { class: 'stale-title' }, t('section.latestLoaded', {
          revision: to, author: latest.current?.author?.name ?? t('section.unknownAuthor'),
          time: latest.current ? formatDateTime(latest.current.at) : '',
        })),
        el('p', {}, t('section.latestLoadedText', { from })),
        diff,
        el('div', { class: 'actions' }, take));
      loadDiff(diff, { accountId, key, from, to, heading: t('history.diffTitle', { from, to }) });
      current.textarea.focus();
    } catch (error) {
      button.disabled = false;
      current.error.textContent = describeError(error);
    }
  }

  load();

  return {
    element,
    key,
    get isEditing() {
      return editor != null;
    },
    // Moves focus to the section's title (once it is loaded), e.g. after choosing it in the table of contents.
    focusTitle() {
      if (page) title.focus();
      else focusPending = true;
    },
    // `section.updated` of this section: reload it (an open editor keeps its text and says a newer one exists).
    sectionUpdated() {
      load();
      history?.reload();
      readers?.reload();
    },
    mustReadConfirmed(event) {
      readers?.reload();
      if (event.data?.person?.id === person.id && page?.mustConfirm) load();
    },
    documentsChanged() {
      documents.reload();
    },
    memosChanged() {
      memos?.reload();
    },
    clockChanged() {
      clock?.changed();
    },
    // A planner.* event of the channel.
    plannerEvent(event) {
      planner?.event(event);
    },
    feedbackChanged() {
      feedback?.changed();
    },
    cardChanged(event) {
      card?.changed(event);
    },
    reload() {
      load();
      documents.reload();
      memos?.reload();
      clock?.reload();
      planner?.reload();
      feedback?.reload();
      card?.reload();
      history?.reload();
      readers?.reload();
    },
    destroy() {
      alive = false;
      clearTimeout(showFlash.timer);
      window.removeEventListener('beforeunload', warnBeforeLeaving);
      if (editor && isDirty()) drafts.set(draftKey, { text: editor.textarea.value, baseRevision: editor.baseRevision });
      documents.destroy?.();
      memos?.destroy?.();
      clock?.destroy();
      planner?.destroy();
      feedback?.destroy();
      card?.destroy();
    },
  };
}
