// The channel's chat column (#chat-pane): a row of links between its parts (the open chat, notices, and "ask the
// director" for members or the director's "questions") and the part the route names (router.js: chat, thread,
// notices, ask, questions). The section shown beside it does not change when the part does, and vice versa.
import { el, fill } from '../dom.js';
import { t } from '../i18n.js';
import { paths } from '../router.js';
import { createChatView } from './chat-view.js';
import { createNotices } from './notices.js';
import { createQuestions } from './questions.js';

const heading = (text) => el('h2', { id: 'live-heading', class: 'live-heading', tabindex: '-1' }, text);

// `isShown()`: whether the column is on screen now (on a phone it is one of three tabs).
export function createLivePane({ accountId, person, isShown }) {
  const nav = el('ul', { class: 'live-nav' });
  const body = el('div', { class: 'live-body' }, el('p', { class: 'muted' }, t('common.loading')));
  const element = el('div', { class: 'live-pane' }, el('nav', { 'aria-label': t('live.parts') }, nav), body);

  let account = null;
  let members = [];
  let route = { part: 'chat', partId: null, message: null };
  let shownKey = null; // what the body shows, to rebuild only when that changes
  let view = null;

  const canManage = () => account.role === 'account_director' || person.globalRole === 'admin';
  const memberName = (id) => members.find((member) => member.person.id === id)?.person.name ?? t('questions.someone');

  // The part actually shown: the director and admins answer (their "ask" is the questions), and only they see the
  // questions.
  function effectivePart() {
    if (route.part === 'ask' && canManage()) return 'questions';
    if (route.part === 'questions' && !canManage()) return 'ask';
    return route.part;
  }

  function drawNav(part) {
    const questions = canManage()
      ? ['questions', paths.questions(accountId), 'live.questions']
      : ['ask', paths.ask(accountId), 'live.ask'];
    const links = [['chat', paths.chat(accountId), 'live.chat'], ['notices', paths.notices(accountId), 'live.notices'], questions];
    fill(nav, links.map(([name, href, key]) => el('li', {},
      el('a', {
        class: 'live-link', href, 'data-part': name,
        'aria-current': part === name || (name === 'chat' && part === 'thread') ? 'page' : null,
      }, t(key)))));
  }

  function chatView(options) {
    return createChatView({
      accountId, person, canManage: canManage(), members: () => members, isVisible: isShown, target: route.message, ...options,
    });
  }

  function build(part) {
    if (part === 'notices') {
      return createNotices({ accountId, person, canManage: canManage(), isMember: account.role != null, heading: heading(t('notices.title')) });
    }
    if (part === 'thread') {
      return chatView({
        kind: 'thread', root: route.partId, heading: heading(t('chat.threadTitle')), composerLabel: t('chat.replyLabel'),
        intro: el('a', { class: 'back-link', href: paths.chat(accountId) }, t('chat.backToChat')),
      });
    }
    if (part === 'ask') {
      const director = account.director?.name;
      return chatView({
        kind: 'conversation', member: person.id, heading: heading(t('ask.title')), composerLabel: t('ask.composer'),
        intro: el('p', { class: 'hint ask-intro' }, director ? t('ask.intro', { name: director }) : t('ask.introNoDirector')),
      });
    }
    if (part === 'questions' && route.partId != null) {
      return chatView({
        kind: 'conversation', member: route.partId, heading: heading(t('questions.with', { name: memberName(route.partId) })),
        composerLabel: t('questions.composer'),
        intro: el('a', { class: 'back-link', href: paths.questions(accountId) }, t('questions.back')),
      });
    }
    if (part === 'questions') return createQuestions({ accountId, heading: heading(t('questions.title')) });
    return chatView({ kind: 'chat', heading: heading(t('chat.title')), composerLabel: t('chat.composerLabel') });
  }

  function draw({ force = false } = {}) {
    if (!account) return;
    const part = effectivePart();
    drawNav(part);
    const key = JSON.stringify([part, route.partId, route.message, canManage()]);
    if (key === shownKey && !force) return;
    shownKey = key;
    view?.destroy();
    view = build(part);
    body.replaceChildren(view.element);
  }

  return {
    element,
    // The account and its members (GET /api/accounts/{id}), again after every change to them.
    setAccount(next, nextMembers) {
      const rolesChanged = account != null && (account.role !== next.role || account.director?.id !== next.director?.id);
      account = next;
      members = nextMembers;
      draw({ force: rolesChanged });
    },
    // A live route (part null: keep the part shown). `fromUser`: chosen now, so the part's heading takes the focus.
    show(next, { fromUser = false } = {}) {
      if (next.part) route = { part: next.part, partId: next.partId, message: next.message };
      draw();
      if (fromUser && next.part) body.querySelector('#live-heading')?.focus();
    },
    shown() {
      view?.shown?.();
    },
    destroy() {
      view?.destroy();
    },
  };
}
