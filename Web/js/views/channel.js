// Channel page frame: table of contents, content (overview + members) and the chat pane.
// On narrow screens the three parts become tabs (CSS shows the one named in data-tab).
import { api } from '../api.js';
import { el } from '../dom.js';
import { describeError, formatDate, roleName, t } from '../i18n.js';
import { showNotice } from '../notice.js';
import { navigate, paths } from '../router.js';
import { socket } from '../socket.js';

const RELOAD_KINDS = ['membership.added', 'membership.changed', 'account.updated'];
const RELOAD_DELAY_MS = 300;
const TABS = [['toc', 'channel.tabToc'], ['content', 'channel.tabContent'], ['chat', 'channel.tabChat']];

function tocList(sections) {
  if (!Array.isArray(sections) || sections.length === 0) {
    return el('p', { class: 'muted' }, t('channel.tocPlaceholder'));
  }
  // Shape not fixed yet: a title string, or { number, title }.
  return el('ol', { class: 'toc-list' }, sections.map((section) => el('li', {},
    typeof section === 'string' ? section : [section.number, section.title].filter((part) => part != null).join(' '))));
}

function overview(account) {
  const rows = [
    [t('channel.accountId'), account.id],
    [t('channel.director'), account.director?.name ?? t('channel.noDirector')],
    [t('channel.yourRole'), roleName(account.role)],
    account.startDate && [t('channel.startDate'), formatDate(account.startDate)],
  ].filter(Boolean);
  return el('section', { 'aria-labelledby': 'overview-heading' },
    el('h2', { id: 'overview-heading' }, t('channel.overview')),
    el('dl', { class: 'facts' }, rows.map(([term, value]) => [el('dt', {}, term), el('dd', {}, value)])));
}

function memberList(members) {
  return el('section', { 'aria-labelledby': 'members-heading' },
    el('h2', { id: 'members-heading' }, `${t('channel.members')} (${members.length})`),
    el('ul', { class: 'member-list' }, members.map((member) => el('li', {},
      el('span', { class: 'member-name' }, member.person.name),
      el('span', { class: 'member-role' }, roleName(member.role)),
      member.sites?.length > 0 && el('span', { class: 'member-sites' }, member.sites.join(', ')),
      member.person.email && el('a', { class: 'member-email', href: `mailto:${member.person.email}` }, member.person.email)))));
}

export function renderChannel(root, { person, accountId }) {
  const title = el('h1', { id: 'channel-title', tabindex: '-1' }, t('channel.loading'));
  const tabs = el('div', { class: 'channel-tabs', role: 'group', 'aria-label': t('channel.parts') },
    TABS.map(([name, key]) => el('button', {
      type: 'button', class: 'tab', 'data-tab': name, 'aria-pressed': String(name === 'content'),
      onclick: () => selectTab(name),
    }, t(key))));
  const toc = el('nav', { id: 'toc', class: 'pane', 'aria-labelledby': 'toc-heading' },
    el('h2', { id: 'toc-heading' }, t('channel.toc')));
  const content = el('main', { id: 'channel-content', class: 'pane' });
  const chat = el('aside', { id: 'chat-pane', class: 'pane', 'aria-labelledby': 'chat-heading' },
    el('h2', { id: 'chat-heading' }, t('channel.chat')),
    el('p', { class: 'muted' }, t('channel.chatPlaceholder')));
  const view = el('div', { id: 'channel-view', class: 'channel', 'data-tab': 'content' },
    el('div', { class: 'channel-header' },
      el('a', { id: 'back-to-accounts', class: 'back-link', href: paths.accounts }, t('channel.back')),
      title),
    tabs, toc, content, chat);
  root.append(view);

  function selectTab(name) {
    view.dataset.tab = name;
    for (const button of tabs.children) button.setAttribute('aria-pressed', String(button.dataset.tab === name));
  }

  let alive = true;
  let loadId = 0;
  let reloadTimer = null;
  let accountName = accountId;
  let release = null;

  function draw(account, members) {
    accountName = account.name;
    title.textContent = account.name;
    document.title = `${account.name} – Kanava`;
    toc.replaceChildren(toc.firstChild, tocList(account.sections));
    content.replaceChildren(overview(account), memberList(members));
  }

  function showMissing() {
    view.classList.add('is-missing');
    title.textContent = t('channel.notFoundTitle');
    content.replaceChildren(el('p', { class: 'load-error' }, t('channel.notFound')));
    release?.();
  }

  async function load() {
    const id = ++loadId;
    try {
      const { account, members } = await api.account(accountId);
      if (!alive || id !== loadId) return;
      draw(account, members);
      release ??= socket.subscribe([{ channel: accountId, after: account.head }]);
    } catch (error) {
      if (!alive || id !== loadId) return;
      if (error.status === 404) {
        showMissing();
      } else {
        content.replaceChildren(el('div', { class: 'load-error' },
          el('p', {}, describeError(error)),
          el('button', { type: 'button', class: 'button', onclick: load }, t('errors.retry'))));
      }
    }
  }

  function scheduleReload() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(load, RELOAD_DELAY_MS);
  }

  const forThisChannel = (listener) => (event) => {
    if (event.channel === accountId) listener(event);
  };
  const unlisten = [
    ...RELOAD_KINDS.map((kind) => socket.on(kind, forThisChannel(scheduleReload))),
    socket.on('reset', forThisChannel(scheduleReload)),
    socket.on('membership.removed', forThisChannel((event) => {
      if (event.data?.person?.id !== person.id) return scheduleReload();
      showNotice(t('channel.removed', { name: accountName }), 'warning');
      navigate(paths.accounts);
    })),
  ];
  load();

  return () => {
    alive = false;
    clearTimeout(reloadTimer);
    unlisten.forEach((off) => off());
    release?.();
    document.title = 'Kanava';
  };
}
