// One chat message as a list item: author, time, the server's rendered text, "(edited)", the placeholder of a
// deleted message, its replies (a link to the thread), and what the viewer may do with it: edit (inline) and delete
// their own; as the director or an admin, delete any, see the text of deleted ones and the edit history.
import { chatApi } from '../chat-api.js';
import { el, fill, serverHtml } from '../dom.js';
import { describeError, formatDateTime, formatMessageTime, t } from '../i18n.js';
import { limits } from '../limits.js';
import { characterCount } from '../text.js';

export function authorName(message) {
  return message.author?.name ?? message.authorName ?? t('chat.unknownAuthor');
}

// The message as a viewer sees it once deleted: the director and admins keep its text (marked deleted).
export function asDeleted(message, deletedAt, canManage) {
  return canManage
    ? { ...message, deletedAt }
    : { ...message, deletedAt, body: null, html: null, mentions: [] };
}

// Enter saves (or sends), Shift+Enter is a new line; not while an input method is composing a character.
export function isSubmitKey(event) {
  return event.key === 'Enter' && !event.shiftKey && !event.isComposing && !event.ctrlKey && !event.altKey && !event.metaKey;
}

// `threadLink(message)`: the thread's address, for messages of the open chat (null elsewhere).
export function createMessageItem(initial, { accountId, person, canManage, threadLink = null }) {
  let message = initial;
  let editor = null; // { textarea, error, save } while editing
  let historyBox = null; // the edit history while shown
  let confirmBox = null; // "delete?" while asked
  const node = el('li', { class: 'message', id: `message-${message.id}`, tabindex: '-1' });

  const isMine = () => message.author != null && message.author.id === person.id;

  function head() {
    return el('p', { class: 'message-head' },
      el('span', { class: 'message-author' }, authorName(message)), ' ',
      el('time', { class: 'message-time', datetime: message.createdAt, title: formatDateTime(message.createdAt) }, formatMessageTime(message.createdAt)),
      message.editedAt && !message.deletedAt && [' ', el('span', { class: 'message-edited', title: formatDateTime(message.editedAt) }, t('chat.edited'))]);
  }

  function body() {
    if (!message.deletedAt) return serverHtml('div', { class: 'message-body prose' }, message.html);
    return [
      el('p', { class: 'message-deleted' }, t('chat.deleted')),
      // The director and admins still see what it said.
      message.html != null && el('div', { class: 'message-deleted-text' },
        el('span', { class: 'sr-only' }, t('chat.deletedText')), serverHtml('div', { class: 'prose' }, message.html)),
    ];
  }

  function replies() {
    if (!threadLink) return null;
    if (message.replyCount > 0) {
      return el('a', { class: 'message-replies', href: threadLink(message), 'data-reply-count': String(message.replyCount) },
        t('chat.replies', { count: message.replyCount }));
    }
    return !message.deletedAt && el('a', { class: 'message-reply', href: threadLink(message) }, t('chat.reply'));
  }

  function actions() {
    if (message.deletedAt) {
      return canManage && message.editedAt && el('div', { class: 'message-actions' }, historyButton());
    }
    const buttons = [
      isMine() && el('button', { type: 'button', class: 'link-button', 'data-action': 'edit', onclick: openEditor }, t('chat.edit')),
      (isMine() || canManage) && el('button', { type: 'button', class: 'link-button', 'data-action': 'delete', onclick: askDelete }, t('chat.delete')),
      canManage && message.editedAt && historyButton(),
    ].filter(Boolean);
    return buttons.length > 0 && el('div', { class: 'message-actions' }, buttons);
  }

  function historyButton() {
    return el('button', {
      type: 'button', class: 'link-button', 'data-action': 'history', 'aria-expanded': String(historyBox != null), onclick: toggleHistory,
    }, t('chat.history'));
  }

  function draw() {
    const mentionsMe = message.mentions?.some((mention) => mention.id === person.id);
    node.dataset.messageId = String(message.id);
    node.dataset.mentions = (message.mentions ?? []).map((mention) => mention.id).join(' ');
    node.toggleAttribute('data-mine', isMine());
    node.toggleAttribute('data-mentions-me', Boolean(mentionsMe));
    node.toggleAttribute('data-deleted', message.deletedAt != null);
    if (editor) return;
    fill(node,
      mentionsMe && el('p', { class: 'message-mention-note' }, t('chat.mentionsYou')),
      head(), body(),
      el('div', { class: 'message-foot' }, replies(), actions()),
      confirmBox, historyBox);
  }

  // MARK: - Editing one's own message

  function openEditor() {
    const id = `message-edit-${message.id}`;
    const textarea = el('textarea', { id, class: 'message-editor', rows: '3', 'aria-describedby': `${id}-error` });
    textarea.value = message.body ?? '';
    const error = el('p', { id: `${id}-error`, class: 'form-error', role: 'alert' });
    const save = el('button', { type: 'submit', class: 'button primary small', 'data-action': 'save-edit' }, t('common.save'));
    const form = el('form', { class: 'message-edit-form', novalidate: true },
      el('label', { for: id, class: 'sr-only' }, t('chat.editLabel')), textarea, error,
      el('div', { class: 'actions' }, save,
        el('button', { type: 'button', class: 'button small', 'data-action': 'cancel-edit', onclick: closeEditor }, t('common.cancel'))));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      saveEdit();
    });
    textarea.addEventListener('keydown', (event) => {
      if (isSubmitKey(event)) {
        event.preventDefault();
        saveEdit();
      } else if (event.key === 'Escape') {
        event.preventDefault();
        closeEditor();
      }
    });
    editor = { textarea, error, save };
    fill(node, head(), form);
    textarea.focus();
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
  }

  function closeEditor() {
    editor = null;
    draw();
    node.querySelector('[data-action="edit"]')?.focus();
  }

  async function saveEdit() {
    const { textarea, error, save } = editor;
    const count = characterCount(textarea.value);
    if (count === 0) {
      error.textContent = t('chat.emptyText');
      return textarea.focus();
    }
    if (count > limits.maxMessageChars) {
      error.textContent = t('chat.tooLong', { max: limits.maxMessageChars, count });
      return textarea.focus();
    }
    save.disabled = true;
    error.textContent = '';
    try {
      const answer = await chatApi.editMessage(accountId, message.id, textarea.value);
      message = answer.message;
      closeEditor();
    } catch (failure) {
      save.disabled = false;
      error.textContent = describeError(failure);
    }
  }

  // MARK: - Deleting

  function askDelete() {
    const error = el('p', { class: 'form-error', role: 'alert' });
    const yes = el('button', { type: 'button', class: 'button danger small', 'data-action': 'confirm-delete' }, t('chat.deleteConfirm'));
    const no = el('button', { type: 'button', class: 'button small', 'data-action': 'cancel-delete' }, t('common.cancel'));
    confirmBox = el('div', { class: 'confirm', role: 'alert' }, el('p', {}, t('chat.deleteQuestion')), error, el('div', { class: 'actions' }, yes, no));
    no.addEventListener('click', () => {
      confirmBox = null;
      draw();
      node.querySelector('[data-action="delete"]')?.focus();
    });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await chatApi.deleteMessage(accountId, message.id);
        confirmBox = null;
        message = asDeleted(message, new Date().toISOString(), canManage);
        draw();
        node.focus();
      } catch (failure) {
        yes.disabled = false;
        error.textContent = describeError(failure);
      }
    });
    draw();
    yes.focus();
  }

  // MARK: - Edit history (the director and admins)

  async function toggleHistory() {
    if (historyBox) {
      historyBox = null;
      draw();
      return node.querySelector('[data-action="history"]')?.focus();
    }
    historyBox = el('div', { class: 'message-history', role: 'region', 'aria-label': t('chat.history') }, el('p', { class: 'muted' }, t('common.loading')));
    const box = historyBox;
    draw();
    try {
      const { edits } = await chatApi.edits(accountId, message.id);
      if (historyBox !== box) return;
      fill(box,
        el('h4', {}, t('chat.historyTitle')),
        edits.length === 0 ? el('p', { class: 'muted' }, t('chat.historyEmpty')) : el('ol', { class: 'message-edits' },
          edits.map((edit) => el('li', {},
            el('p', { class: 'message-edit-meta' }, t('chat.replaced', {
              time: formatDateTime(edit.replacedAt), name: edit.replacedBy?.name ?? t('chat.unknownAuthor'),
            })),
            // The earlier text as written (Markdown shown as plain text, with its line breaks).
            el('p', { class: 'message-edit-text' }, edit.body)))));
    } catch (failure) {
      if (historyBox === box) fill(box, el('p', { class: 'load-error' }, describeError(failure)));
    }
  }

  draw();
  return {
    node,
    get message() {
      return message;
    },
    // A newer state of the message (a live event); an open editor is left alone and its save wins.
    update(next) {
      message = next;
      draw();
    },
  };
}
