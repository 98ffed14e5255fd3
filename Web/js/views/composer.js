// The box a message is written in: Enter sends, Shift+Enter starts a new line, "@" lists members to mention.
// Text over the server's limit is refused here with a message (and the count shows as the limit nears); errors
// from the server are shown next to the box (showError).
import { el } from '../dom.js';
import { t } from '../i18n.js';
import { limits } from '../limits.js';
import { characterCount } from '../text.js';
import { isSubmitKey } from './message.js';
import { attachMentionPicker } from './mention-picker.js';


// Unsent texts, kept in memory (never in storage) while the person looks elsewhere or switches the language:
// `${personId}/…` (draftKey) → text.
const drafts = new Map();

// `onSend(text)`: takes the message (the outbox sends it); `members()`: who can be mentioned; `draftKey`: where an
// unsent text is kept, starting with the writer's person id and a slash.
export function createComposer({ idPrefix, label, onSend, members, draftKey }) {
  const owner = draftKey.slice(0, draftKey.indexOf('/') + 1);
  for (const stored of drafts.keys()) {
    if (!stored.startsWith(owner)) drafts.delete(stored); // another person's drafts: gone
  }
  const inputId = `${idPrefix}-input`;
  const textarea = el('textarea', {
    id: inputId, class: 'composer-input', rows: '1', placeholder: label, autocomplete: 'off',
    'aria-describedby': `${idPrefix}-hint ${idPrefix}-count ${idPrefix}-error`,
  });
  const count = el('p', { id: `${idPrefix}-count`, class: 'composer-count', 'aria-live': 'polite' });
  const error = el('p', { id: `${idPrefix}-error`, class: 'form-error composer-error', role: 'alert' });
  const send = el('button', { type: 'submit', id: `${idPrefix}-send`, class: 'button primary composer-send' }, t('chat.send'));
  const mentions = attachMentionPicker(textarea, { idPrefix, members });
  const form = el('form', { class: 'composer', novalidate: true },
    el('label', { for: inputId, class: 'sr-only' }, label),
    el('div', { class: 'composer-row' }, el('div', { class: 'composer-field' }, textarea, mentions), send),
    el('p', { id: `${idPrefix}-hint`, class: 'composer-hint' }, t('chat.composerHint')),
    count, error);

  // The box grows with its text (up to the CSS max-height, then it scrolls).
  function fitHeight() {
    textarea.style.height = 'auto';
    textarea.style.height = `${textarea.scrollHeight + textarea.offsetHeight - textarea.clientHeight}px`;
  }

  function showCount() {
    const used = characterCount(textarea.value);
    const countFrom = limits.maxMessageChars - 500; // the counter shows from here on
    count.hidden = used < countFrom;
    count.textContent = used >= countFrom ? t('chat.count', { count: used, max: limits.maxMessageChars }) : '';
    count.classList.toggle('is-over', used > limits.maxMessageChars);
    return used;
  }

  function submit() {
    const used = showCount();
    if (used === 0) return textarea.focus();
    if (used > limits.maxMessageChars) {
      error.textContent = t('chat.tooLong', { max: limits.maxMessageChars, count: used });
      error.dataset.kind = 'length';
      return textarea.focus();
    }
    error.textContent = '';
    onSend(textarea.value);
    textarea.value = '';
    drafts.delete(draftKey);
    showCount();
    fitHeight();
    textarea.focus();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  textarea.addEventListener('keydown', (event) => {
    if (!isSubmitKey(event)) return;
    event.preventDefault();
    submit();
  });
  textarea.addEventListener('input', () => {
    if (textarea.value) drafts.set(draftKey, textarea.value);
    else drafts.delete(draftKey);
    fitHeight();
    if (showCount() <= limits.maxMessageChars && error.dataset.kind === 'length') error.textContent = '';
  });
  textarea.value = drafts.get(draftKey) ?? '';
  showCount();
  // Sized once it is in the page (a detached box has no height to measure).
  requestAnimationFrame(fitHeight);

  return {
    element: form,
    focus: () => textarea.focus(),
    showError(text) {
      error.textContent = text;
      error.dataset.kind = 'server';
    },
  };
}
