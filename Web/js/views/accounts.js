// Account list: the person's accounts in the server's (Finnish) order, with a search box.
import { api } from '../api.js';
import { el } from '../dom.js';
import { describeError, formatDateTime, roleName, t } from '../i18n.js';
import { navigate, paths } from '../router.js';
import { socket } from '../socket.js';
import { fold } from '../text.js';
import { isAdmin, refusalReason } from './roster.js';

// section.updated: a new revision of a must-read section is a new to-do (openMustReads); messages change the
// unread counts, notices the open ones, planner tasks the overdue ones.
const RELOAD_KINDS = ['membership.added', 'membership.removed', 'membership.changed', 'account.updated', 'section.updated',
  'message.posted', 'message.deleted', 'notice.posted', 'notice.acknowledged', 'notice.withdrawn',
  'planner.task.created', 'planner.task.updated', 'planner.task.deleted', 'planner.template.applied'];
const RELOAD_DELAY_MS = 300; // a roster sync or a busy chat sends events in bursts: reload once

let query = ''; // survives a visit to a channel and back

// Called at sign-out: the next person at this browser starts with an empty search.
export function forgetSearch() {
  query = '';
}

function accountItem(account) {
  return el('li', { 'data-account-id': account.id },
    el('a', { class: 'account-link', href: paths.channel(account.id) },
      el('span', { class: 'account-name' }, account.name),
      el('span', { class: 'account-badges' },
        account.openNotices > 0 && el('span', {
          class: 'badge badge-danger open-notice-count', 'data-open-notices': String(account.openNotices),
        }, t('accounts.openNotices', { count: account.openNotices })),
        account.unread > 0 && el('span', {
          class: 'badge badge-accent unread-count', 'data-unread': String(account.unread),
        }, t('accounts.unread', { count: account.unread })),
        account.openMustReads > 0 && el('span', {
          class: 'badge badge-warning must-read-count', 'data-open-must-reads': String(account.openMustReads),
        }, t('accounts.openMustReads', { count: account.openMustReads })),
        account.overdueTasks > 0 && el('span', {
          class: 'badge badge-danger overdue-task-count', 'data-overdue-tasks': String(account.overdueTasks),
        }, t('accounts.overdueTasks', { count: account.overdueTasks }))),
      el('span', { class: 'account-meta' },
        el('span', {}, account.id),
        el('span', {}, roleName(account.role)),
        el('span', {}, t('members', { count: account.memberCount })))));
}

// For admins: a warning when the newest roster sync was refused (nothing for anyone else, and no admin API call).
function rosterBanner(sync) {
  return el('div', { id: 'roster-refused-banner', class: 'banner banner-warning', role: 'status' },
    el('p', {}, t('roster.banner', { time: formatDateTime(sync.at), reason: refusalReason(sync) })),
    el('p', {}, el('a', { href: paths.roster }, t('roster.bannerLink'))));
}

export function renderAccounts(root, { person } = {}) {
  const search = el('input', {
    id: 'account-search', type: 'search', autocomplete: 'off', spellcheck: 'false',
    placeholder: t('accounts.searchHint'),
  });
  search.value = query;
  const searchField = el('div', { class: 'field search-field', hidden: true },
    el('label', { for: 'account-search' }, t('accounts.search')), search);
  const status = el('p', { class: 'list-status', role: 'status' }, t('accounts.loading'));
  const list = el('ul', { id: 'account-list', class: 'account-list' });
  const failure = el('div', { class: 'load-error', hidden: true });

  const bannerSlot = el('div', { class: 'banner-slot' });
  // Directors and admins: the yearly list of the most active members of their channels.
  const activitySlot = el('p', { class: 'activity-link-slot', hidden: true },
    el('a', { id: 'activity-link', href: paths.activity() }, t('activity.link')));

  root.append(el('main', { class: 'page accounts-page' },
    el('h1', { tabindex: '-1' }, t('accounts.title')),
    bannerSlot, activitySlot, searchField, status, failure, list));

  let entries = null; // [{ account, key }] once loaded
  let alive = true;
  let loadId = 0;
  let reloadTimer = null;
  let releaseChannels = () => {};

  function draw() {
    const terms = fold(query).split(/\s+/).filter(Boolean);
    const shown = entries.filter(({ key }) => terms.every((term) => key.includes(term)));
    list.replaceChildren(...shown.map(({ account }) => accountItem(account)));
    searchField.hidden = entries.length === 0;
    if (entries.length === 0) status.textContent = t('accounts.empty');
    else if (shown.length === 0) status.textContent = t('accounts.noMatches');
    else if (terms.length > 0) status.textContent = t('accounts.matches', { count: shown.length });
    else status.textContent = t('accounts.count', { count: entries.length });
  }

  async function load() {
    const id = ++loadId;
    try {
      const { accounts } = await api.accounts();
      if (!alive || id !== loadId) return;
      // A board member in no channel has the board overview as their home page.
      if (accounts.length === 0 && person?.globalRole === 'board') {
        navigate(paths.board(), { replace: true });
        return;
      }
      entries = accounts.map((account) => ({ account, key: fold(`${account.name} ${account.id}`) }));
      activitySlot.hidden = !isAdmin(person) && !accounts.some((account) => account.role === 'account_director');
      failure.hidden = true;
      draw();
      // Subscribe to every listed channel (to hear account.updated and membership changes).
      const previous = releaseChannels;
      releaseChannels = socket.subscribe(accounts.map((a) => ({ channel: a.id, after: a.head })));
      previous();
    } catch (error) {
      if (!alive || id !== loadId) return;
      status.textContent = entries ? '' : t('accounts.loadFailed');
      failure.replaceChildren(
        el('p', {}, describeError(error)),
        el('button', { type: 'button', class: 'button', onclick: load }, t('errors.retry')));
      failure.hidden = false;
    }
  }

  function scheduleReload() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(load, RELOAD_DELAY_MS);
  }

  search.addEventListener('input', () => {
    query = search.value;
    if (entries) draw();
  });

  async function checkRoster() {
    try {
      const { syncs } = await api.rosterSyncs(1);
      if (alive && syncs[0]?.outcome === 'refused') bannerSlot.replaceChildren(rosterBanner(syncs[0]));
    } catch {
      // the warning is extra: the account list works without it
    }
  }

  const unlisten = [...RELOAD_KINDS, 'reset'].map((kind) => socket.on(kind, scheduleReload));
  load();
  if (isAdmin(person)) checkRoster();

  return () => {
    alive = false;
    clearTimeout(reloadTimer);
    unlisten.forEach((off) => off());
    releaseChannels();
  };
}
