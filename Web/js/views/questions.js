// The director's (and admins') list of "ask the director" conversations: one per member who has asked, the latest
// first, each opening that conversation. New private messages (`message.posted` with `privateWith`) reload it.
import { chatApi } from '../chat-api.js';
import { el } from '../dom.js';
import { formatDateTime, t } from '../i18n.js';
import { showLoadError } from '../load-error.js';
import { paths } from '../router.js';
import { socket } from '../socket.js';

const RELOAD_DELAY_MS = 200;

export function createQuestions({ accountId, heading }) {
  const status = el('p', { class: 'muted', role: 'status' }, t('common.loading'));
  const list = el('ul', { id: 'conversation-list', class: 'conversation-list' });
  const element = el('section', { class: 'questions-view', 'aria-labelledby': heading.id },
    heading, el('p', { class: 'hint' }, t('questions.intro')), status, list);

  let alive = true;
  let loadId = 0;
  let reloadTimer = null;

  async function load() {
    const id = ++loadId;
    try {
      const { conversations } = await chatApi.conversations(accountId);
      if (!alive || id !== loadId) return;
      const latestFirst = [...conversations].sort((a, b) => b.lastMessageAt.localeCompare(a.lastMessageAt));
      list.replaceChildren(...latestFirst.map((conversation) => el('li', { 'data-person-id': String(conversation.member.id) },
        el('a', { class: 'conversation-link', href: paths.questions(accountId, conversation.member.id) },
          el('span', { class: 'conversation-name' }, conversation.member.name),
          el('span', { class: 'conversation-meta' }, t('questions.meta', {
            count: conversation.messageCount, time: formatDateTime(conversation.lastMessageAt),
          }))))));
      status.hidden = conversations.length > 0;
      status.textContent = conversations.length === 0 ? t('questions.empty') : '';
    } catch (error) {
      if (alive && id === loadId) showLoadError(status, error, load);
    }
  }

  const unlisten = socket.on('message.posted', (event) => {
    if (event.channel !== accountId || event.data?.privateWith == null) return;
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(load, RELOAD_DELAY_MS);
  });
  load();

  return {
    element,
    destroy() {
      alive = false;
      clearTimeout(reloadTimer);
      unlisten();
    },
  };
}
