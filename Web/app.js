// Entry point: session, routing between views, header and socket lifetime.
import { api, onUnauthenticated, setCsrfToken } from './js/api.js';
import { el } from './js/dom.js';
import { currentLanguage, describeError, hasSavedLanguage, onLanguageChange, preferredLanguage, t, useLanguage } from './js/i18n.js';
import { watchMyChannels } from './js/my-channels.js';
import { clearNotice, showNotice } from './js/notice.js';
import { outbox } from './js/outbox.js';
import { currentRoute, navigate, paths, startRouter } from './js/router.js';
import { socket } from './js/socket.js';
import { adoptLimits } from './js/limits.js';
import { initHeader, markCurrentPage, refreshHeader, setHeaderPerson, setHeaderSearch } from './js/views/header.js';
import { forgetSearch, renderAccounts } from './js/views/accounts.js';
import { renderChannel } from './js/views/channel.js';
import { forgetRosterPage, renderRoster } from './js/views/roster.js';
import { renderSearch } from './js/views/search.js';
import { renderTemplate } from './js/views/template.js';
import { renderBots, renderWebhooks } from './js/views/integrations.js';
import { renderAudit } from './js/views/audit.js';
import { renderBoard } from './js/views/board.js';
import { renderSignIn } from './js/views/signin.js';
import { renderActivity } from './js/views/activity.js';
import { startUrgentBanner } from './js/views/urgent-banner.js';

const root = document.getElementById('app');
let person = null;
let returnTo = null; // the route asked for before signing in
let teardown = null;
let firstRender = true;
let stopSessionParts = () => {}; // the channel watch and the urgent-notice banner of the signed-in person

async function startSession(session) {
  person = session.person;
  setCsrfToken(session.csrfToken);
  setHeaderPerson(person);
  socket.start();
  const stopWatching = watchMyChannels(person);
  const stopBanner = startUrgentBanner(person);
  stopSessionParts = () => {
    stopBanner();
    stopWatching();
  };
  // The person's language from the server applies unless a choice was saved in this browser.
  if (!hasSavedLanguage() && person.language && person.language !== currentLanguage()) {
    await useLanguage(person.language).catch(() => {});
  }
}

function endSession() {
  person = null;
  stopSessionParts();
  stopSessionParts = () => {};
  outbox.clear();
  setCsrfToken(null);
  setHeaderPerson(null);
  socket.stop();
  forgetSearch();
  forgetRosterPage();
}

function show(view, render, moveFocus) {
  teardown?.();
  root.replaceChildren();
  root.dataset.view = view;
  teardown = render();
  // Move focus to the new view's heading so screen readers follow navigation.
  if (moveFocus && !firstRender) root.querySelector('h1')?.focus();
  firstRender = false;
}

// inPlace: a route change (not a language change); within one channel only the section changes.
function render({ moveFocus = true, inPlace = false } = {}) {
  const route = currentRoute();
  if (!person && route.name !== 'signin') {
    returnTo = route.name === 'unknown' ? null : location.hash;
    return navigate(paths.signIn, { replace: true });
  }
  if (person && (route.name === 'signin' || route.name === 'unknown')) {
    return navigate(paths.accounts, { replace: true });
  }
  markCurrentPage(location.hash);
  setHeaderSearch(route.name === 'search' ? route.q : null);
  if (route.name === 'signin') show('signin', () => renderSignIn(root, { onSignedIn }), moveFocus);
  else if (route.name === 'accounts') show('accounts', () => renderAccounts(root, { person }), moveFocus);
  else if (route.name === 'roster') show('roster', () => renderRoster(root, { person }), moveFocus);
  else if (route.name === 'template') show('template', () => renderTemplate(root), moveFocus);
  else if (route.name === 'bots') show('bots', () => renderBots(root), moveFocus);
  else if (route.name === 'audit') show('audit', () => renderAudit(root), moveFocus);
  else if (route.name === 'webhooks') show('webhooks', () => renderWebhooks(root, { accountId: route.accountId }), moveFocus);
  else if (route.name === 'activity') show('activity', () => renderActivity(root, { route }), moveFocus);
  else if (route.name === 'board') show('board', () => renderBoard(root, { person, route }), moveFocus);
  else if (route.name === 'search') {
    if (inPlace && root.dataset.view === 'search') teardown.search(route);
    else show('search', () => renderSearch(root, { person, route }), moveFocus);
  } else if (inPlace && root.dataset.view === 'channel' && teardown?.accountId === route.accountId) teardown.showRoute(route);
  else show('channel', () => renderChannel(root, { person, route }), moveFocus);
}

async function onSignedIn(session) {
  clearNotice();
  await startSession(session);
  const target = returnTo ?? paths.accounts;
  returnTo = null;
  navigate(target);
}

async function signOut() {
  try {
    await api.signOut();
  } catch (error) {
    if (error.status !== 401) {
      showNotice(t('errors.signOutFailed'), 'error');
      return;
    }
  }
  endSession();
  returnTo = null;
  clearNotice();
  navigate(paths.signIn);
}

function sessionEnded() {
  if (!person) return;
  endSession();
  showNotice(t('errors.sessionExpired'), 'warning');
  render(); // remembers the current route and shows sign-in
}

function showStartError(error) {
  root.dataset.view = 'error';
  root.replaceChildren(el('main', { class: 'page' },
    el('div', { class: 'card load-error' },
      el('h1', {}, t('errors.startFailed')),
      el('p', {}, describeError(error)),
      el('button', { type: 'button', class: 'button primary', onclick: () => location.reload() }, t('errors.retry')))));
}

async function boot() {
  await useLanguage(preferredLanguage()).catch((error) => console.error(error));
  initHeader({
    onSignOut: signOut,
    onToggleLanguage: () => useLanguage(currentLanguage() === 'fi' ? 'en' : 'fi', { save: true }),
  });
  try {
    await startSession(await api.session());
  } catch (error) {
    if (error.status !== 401) return showStartError(error);
  }
  onUnauthenticated(sessionEnded);
  // A browser cannot tell why a WebSocket upgrade failed: if the session ended, /api/session says so (401).
  socket.on('state', (state) => {
    if (state === 'offline' && person) api.session().catch(() => {});
  });
  socket.on('hello', (frame) => adoptLimits(frame.limits));
  onLanguageChange(() => {
    refreshHeader();
    render({ moveFocus: false }); // keep focus on the language switch
  });
  startRouter(() => render({ inPlace: true }));
  render();
}

boot();
