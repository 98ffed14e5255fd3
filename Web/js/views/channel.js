// Channel page: table of contents (#toc), the chosen section in the centre (#channel-content) and the chat column
// (#chat-pane: chat, notices, "ask the director"; live-pane.js). On narrow screens the three parts become tabs (CSS
// shows the one named in data-tab). The section comes from the route (#/accounts/<id>/<sectionKey>); without one,
// the first section is shown. A route to a part of the chat column (#/accounts/<id>/chat, …) leaves the section as
// it is and, on a phone, shows the chat tab.
import { api } from '../api.js';
import { content as contentApi } from '../content-api.js';
import { el } from '../dom.js';
import { describeError, formatDate, roleName, t } from '../i18n.js';
import { showNotice } from '../notice.js';
import { navigate, paths } from '../router.js';
import { socket } from '../socket.js';
import { createLivePane } from './live-pane.js';
import { createSectionView } from './section.js';
import { createToc, defaultSection, sectionTitle } from './toc.js';

const RELOAD_KINDS = ['membership.added', 'membership.changed', 'account.updated'];
const DOCUMENT_KINDS = ['document.added', 'document.versioned', 'document.updated', 'document.removed'];
const MEMO_KINDS = ['memo.created', 'memo.updated', 'memo.deleted'];
const CLOCK_KINDS = ['clock.created', 'clock.updated', 'clock.deleted', 'clock.marked'];
const PLANNER_KINDS = ['planner.bucket.created', 'planner.bucket.updated', 'planner.bucket.moved', 'planner.bucket.deleted',
  'planner.task.created', 'planner.task.updated', 'planner.task.moved', 'planner.task.deleted', 'planner.comment.added',
  'planner.template.applied'];
const FEEDBACK_KINDS = ['feedback.created', 'feedback.updated', 'feedback.answered', 'feedback.deleted'];
const CARD_KINDS = ['card.saved', 'card.submitted'];
const RELOAD_DELAY_MS = 300;
const TABS = [['toc', 'channel.tabToc'], ['content', 'channel.tabContent'], ['chat', 'channel.tabChat']];
// The section whose page also shows the account's facts and members.
const OVERVIEW_KEY = 'overview';

function overview(account) {
  const rows = [
    [t('channel.accountId'), account.id],
    [t('channel.director'), account.director?.name ?? t('channel.noDirector')],
    [t('channel.yourRole'), roleName(account.role)],
    account.startDate && [t('channel.startDate'), formatDate(account.startDate)],
  ].filter(Boolean);
  return el('section', { 'aria-labelledby': 'overview-heading' },
    el('h3', { id: 'overview-heading' }, t('channel.overview')),
    el('dl', { class: 'facts' }, rows.map(([term, value]) => [el('dt', {}, term), el('dd', {}, value)])));
}

function memberList(members) {
  return el('section', { 'aria-labelledby': 'members-heading' },
    el('h3', { id: 'members-heading' }, `${t('channel.members')} (${members.length})`),
    el('ul', { class: 'member-list' }, members.map((member) => el('li', {},
      el('span', { class: 'member-name' }, member.person.name),
      el('span', { class: 'member-role' }, roleName(member.role)),
      member.sites?.length > 0 && el('span', { class: 'member-sites' }, member.sites.join(', ')),
      member.person.email && el('a', { class: 'member-email', href: `mailto:${member.person.email}` }, member.person.email)))));
}

// Calls `fn` once, `ms` after the last of a burst of calls.
function debounce(fn, ms) {
  let timer = null;
  const debounced = () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}

// `route`: the channel route (router.js) the page opens on.
export function renderChannel(root, { person, route }) {
  const { accountId, sectionKey } = route;
  const firstTab = route.part ? 'chat' : 'content';
  const title = el('h1', { id: 'channel-title', tabindex: '-1' }, t('channel.loading'));
  const tabs = el('div', { class: 'channel-tabs', role: 'group', 'aria-label': t('channel.parts') },
    TABS.map(([name, key]) => el('button', {
      type: 'button', class: 'tab', 'data-tab': name, 'aria-pressed': String(name === firstTab),
      onclick: () => selectTab(name),
    }, t(key))));
  const toc = createToc({
    accountId,
    onAdded: (section) => {
      loadSections();
      navigate(paths.channel(accountId, section.key));
    },
  });
  // The chat column's parts, also next to the table of contents (one tap away on a phone's contents tab).
  const shortcuts = el('ul', { class: 'channel-shortcuts' },
    el('li', {}, el('a', { id: 'open-chat', class: 'shortcut-link', href: paths.chat(accountId) }, t('channel.chat'))),
    el('li', {}, el('a', { id: 'open-notices', class: 'shortcut-link', href: paths.notices(accountId) }, t('channel.notices'))));
  const tocPane = el('nav', { id: 'toc', class: 'pane', 'aria-labelledby': 'toc-heading' },
    shortcuts, el('h2', { id: 'toc-heading' }, t('channel.toc')), toc.element);
  const content = el('main', { id: 'channel-content', class: 'pane' }, el('p', { class: 'muted' }, t('channel.loading')));
  const isShown = () => document.visibilityState === 'visible' && chat.getClientRects().length > 0;
  const livePane = createLivePane({ accountId, person, isShown });
  const chat = el('aside', { id: 'chat-pane', class: 'pane', 'aria-labelledby': 'live-heading' }, livePane.element);
  // "Ask the director" for members; the director and admins answer in the chat column's questions.
  const askSlot = el('div', { class: 'channel-ask' });
  const view = el('div', { id: 'channel-view', class: 'channel', 'data-tab': firstTab },
    el('div', { class: 'channel-header' },
      el('a', { id: 'back-to-accounts', class: 'back-link', href: paths.accounts }, t('channel.back')),
      el('div', { class: 'channel-title-row' }, title, askSlot)),
    tabs, tocPane, content, chat);
  root.append(view);

  // On a phone, choosing a section (also the one already shown) shows the content tab, and choosing a part of
  // the chat column (also the one already shown) the chat tab.
  tocPane.addEventListener('click', (event) => {
    if (event.target.closest('.toc-link')) selectTab('content');
    else if (event.target.closest('.shortcut-link')) selectTab('chat');
  });
  askSlot.addEventListener('click', (event) => {
    if (event.target.closest('#ask-director')) selectTab('chat');
  });

  function selectTab(name) {
    view.dataset.tab = name;
    for (const button of tabs.children) button.setAttribute('aria-pressed', String(button.dataset.tab === name));
    if (name === 'chat') livePane.shown();
  }

  let alive = true;
  let loadId = 0;
  let sectionsLoadId = 0;
  let accountName = accountId;
  let account = null;
  let canManage = false;
  let release = null;
  let requestedKey = sectionKey;
  let section = null; // the section view shown
  const accountInfo = el('div', { class: 'account-info' }); // the overview section's facts and members

  function setWindowTitle(page) {
    document.title = page ? `${sectionTitle(page.section)} – ${accountName} – Kanava` : `${accountName} – Kanava`;
  }

  // Shows the requested section (null: the first one). `fromUser`: chosen now, so focus moves to it.
  function showSection(key, { fromUser = false, rebuild = false } = {}) {
    requestedKey = key;
    if (!account) return; // shown once the account has loaded
    const resolved = key ?? defaultSection(toc.sections)?.key;
    if (!resolved) {
      if (toc.sections.length === 0 && !section) content.replaceChildren(accountInfo);
      return;
    }
    if (section?.key === resolved && !rebuild) {
      if (fromUser) section.focusTitle();
      return;
    }
    section?.destroy();
    section = createSectionView({
      accountId, key: resolved, person, canManage,
      extra: resolved === OVERVIEW_KEY ? accountInfo : null,
      onState: (stateKey, mustConfirm) => {
        if (mustConfirm != null) toc.setOpen(stateKey, mustConfirm);
      },
      onLoaded: setWindowTitle,
    });
    content.replaceChildren(section.element);
    toc.setCurrent(resolved);
    if (fromUser) {
      selectTab('content');
      section.focusTitle();
    }
  }

  function drawAccount(next, members) {
    account = next;
    accountName = next.name;
    title.textContent = next.name;
    if (!section) document.title = `${next.name} – Kanava`;
    accountInfo.replaceChildren(overview(next), memberList(members));
    livePane.setAccount(next, members);
    const manage = next.role === 'account_director' || person.globalRole === 'admin';
    askSlot.replaceChildren(manage
      ? el('a', { id: 'channel-webhooks', class: 'button small', href: paths.webhooks(accountId) }, t('webhooks.link'))
      : el('a', { id: 'ask-director', class: 'button ask-button', href: paths.ask(accountId) }, t('channel.askDirector')));
    const changed = manage !== canManage;
    canManage = manage;
    // A new role changes what the section shows (editing, readers); an open editor is left alone.
    if (changed && section && !section.isEditing) showSection(requestedKey, { rebuild: true });
  }

  function showMissing() {
    view.classList.add('is-missing');
    title.textContent = t('channel.notFoundTitle');
    content.replaceChildren(el('p', { class: 'load-error' }, t('channel.notFound')));
    release?.();
  }

  // The to-do marks of must-read sections other than the one shown (which reports its own).
  async function loadOpenStates(sections) {
    const pending = sections.filter((candidate) => candidate.mustRead && candidate.revision > 0 && candidate.key !== section?.key);
    await Promise.all(pending.map(async (candidate) => {
      try {
        const page = await contentApi.section(accountId, candidate.key);
        if (alive) toc.setOpen(candidate.key, page.mustConfirm);
      } catch {
        // the mark is a hint; the section itself says what to do
      }
    }));
  }

  async function loadSections() {
    const id = ++sectionsLoadId;
    try {
      const { sections } = await contentApi.sections(accountId);
      if (!alive || id !== sectionsLoadId) return;
      // Members never see sections switched off (the server leaves them out; this is belt and braces).
      toc.setSections(canManage ? sections : sections.filter((candidate) => candidate.inUse), { canManage });
      toc.setCurrent(section?.key ?? null);
      if (!section) showSection(requestedKey);
      loadOpenStates(sections);
    } catch (error) {
      if (!alive || id !== sectionsLoadId) return;
      toc.showError(error, loadSections);
      if (!section) showSection(requestedKey);
    }
  }

  async function load() {
    const id = ++loadId;
    try {
      const { account: next, members } = await api.account(accountId);
      if (!alive || id !== loadId) return;
      drawAccount(next, members);
      release ??= socket.subscribe([{ channel: accountId, after: next.head }]);
      await loadSections();
    } catch (error) {
      if (!alive || id !== loadId) return;
      if (error.status === 404) {
        showMissing();
      } else if (!account) {
        content.replaceChildren(el('div', { class: 'load-error' },
          el('p', {}, describeError(error)),
          el('button', { type: 'button', class: 'button', onclick: load }, t('errors.retry'))));
      }
    }
  }

  const scheduleReload = debounce(load, RELOAD_DELAY_MS);
  const scheduleSections = debounce(loadSections, RELOAD_DELAY_MS);
  const scheduleDocuments = debounce(() => section?.documentsChanged(), 150);
  const scheduleMemos = debounce(() => section?.memosChanged(), 150);

  const forThisChannel = (listener) => (event) => {
    if (event.channel === accountId) listener(event);
  };
  const unlisten = [
    ...RELOAD_KINDS.map((kind) => socket.on(kind, forThisChannel(scheduleReload))),
    socket.on('reset', forThisChannel(() => {
      scheduleReload();
      section?.reload();
    })),
    socket.on('membership.removed', forThisChannel((event) => {
      if (event.data?.person?.id !== person.id) return scheduleReload();
      showNotice(t('channel.removed', { name: accountName }), 'warning');
      navigate(paths.accounts);
    })),
    socket.on('sections.changed', forThisChannel(scheduleSections)),
    socket.on('section.updated', forThisChannel((event) => {
      scheduleSections();
      if (event.data?.key === section?.key) section.sectionUpdated();
    })),
    socket.on('must_read.confirmed', forThisChannel((event) => {
      if (event.data?.key === section?.key) section.mustReadConfirmed(event);
      if (event.data?.person?.id === person.id) toc.setOpen(event.data.key, false);
    })),
    ...DOCUMENT_KINDS.map((kind) => socket.on(kind, forThisChannel((event) => {
      if (event.data?.section === section?.key) scheduleDocuments();
    }))),
    ...MEMO_KINDS.map((kind) => socket.on(kind, forThisChannel(scheduleMemos))),
    ...CLOCK_KINDS.map((kind) => socket.on(kind, forThisChannel(() => section?.clockChanged()))),
    ...PLANNER_KINDS.map((kind) => socket.on(kind, forThisChannel((event) => section?.plannerEvent(event)))),
    ...FEEDBACK_KINDS.map((kind) => socket.on(kind, forThisChannel(() => section?.feedbackChanged()))),
    ...CARD_KINDS.map((kind) => socket.on(kind, forThisChannel((event) => section?.cardChanged(event)))),
  ];
  livePane.show(route);
  load();

  const teardown = () => {
    alive = false;
    for (const pending of [scheduleReload, scheduleSections, scheduleDocuments, scheduleMemos]) pending.cancel();
    unlisten.forEach((off) => off());
    section?.destroy();
    livePane.destroy();
    release?.();
    document.title = 'Kanava';
  };
  // app.js: another section or part of the chat column of this channel is shown in place, without rebuilding the page.
  teardown.accountId = accountId;
  teardown.showRoute = (next) => {
    if (!next.part) return showSection(next.sectionKey, { fromUser: true });
    livePane.show(next, { fromUser: true });
    selectTab('chat');
  };
  return teardown;
}
