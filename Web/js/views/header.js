// The page header in index.html: person, admin links, search box, connection state, language switch, sign-out.
// (The urgent-notice banner in it is urgent-banner.js's.)
import { el } from '../dom.js';
import { socket } from '../socket.js';
import { currentLanguage, t, translateStatic } from '../i18n.js';
import { navigate, paths } from '../router.js';

const byId = (id) => document.getElementById(id);

export function initHeader({ onSignOut, onToggleLanguage }) {
  byId('sign-out').addEventListener('click', onSignOut);
  byId('lang-switch').addEventListener('click', onToggleLanguage);
  // Searches everything the person may see; on a phone the box is hidden and the button opens the search page.
  byId('header-search').addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(paths.search(byId('header-search-input').value.trim() || null));
  });
  socket.on('state', showConnection);
  // The header is sticky and grows with the urgent-notice banner: what sticks below it (the table of contents,
  // the chat column) and the chat's height follow its height through --header-height.
  const header = document.querySelector('.app-header');
  new ResizeObserver(() => {
    document.documentElement.style.setProperty('--header-height', `${header.offsetHeight}px`);
  }).observe(header);
  refreshHeader();
}

// The text in the header's search box (the search shown, or nothing).
export function setHeaderSearch(text) {
  byId('header-search-input').value = text ?? '';
}

export function setHeaderPerson(person) {
  byId('person-name').textContent = person?.name ?? '';
  for (const node of document.querySelectorAll('[data-signed-in]')) node.hidden = !person;
  // Admins' links exist only for admins (not merely hidden from others).
  byId('admin-roster-link')?.remove();
  byId('admin-template-link')?.remove();
  byId('admin-bots-link')?.remove();
  byId('admin-audit-link')?.remove();
  byId('board-link')?.remove();
  if (person?.globalRole === 'admin') {
    byId('person-name').before(
      el('a', { id: 'admin-roster-link', class: 'header-link', href: paths.roster, 'data-i18n': 'header.roster' }, t('header.roster')),
      el('a', { id: 'admin-template-link', class: 'header-link', href: paths.template, 'data-i18n': 'header.template' }, t('header.template')),
      el('a', { id: 'admin-bots-link', class: 'header-link', href: paths.bots, 'data-i18n': 'header.bots' }, t('header.bots')),
      el('a', { id: 'admin-audit-link', class: 'header-link', href: paths.audit, 'data-i18n': 'header.audit' }, t('header.audit')));
  }
  // The board overview of every account's quality card: board members and admins.
  if (person?.globalRole === 'board' || person?.globalRole === 'admin') {
    byId('person-name').before(el('a', { id: 'board-link', class: 'header-link', href: paths.board(), 'data-i18n': 'header.board' }, t('header.board')));
  }
}

// Marks the header link of the page being shown (aria-current) so it reads as "you are here".
export function markCurrentPage(hash) {
  for (const link of document.querySelectorAll('.header-link')) {
    if (link.getAttribute('href') === hash) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

// Re-applies texts after a language change.
export function refreshHeader() {
  translateStatic(document.querySelector('.app-header'));
  const langSwitch = byId('lang-switch');
  langSwitch.dataset.current = currentLanguage();
  langSwitch.setAttribute('aria-label', t('header.switchLanguage'));
  byId('header-search-input').placeholder = t('search.placeholder');
  showConnection(socket.state);
}

function showConnection(state) {
  const status = byId('connection-status');
  status.dataset.state = state;
  status.querySelector('.connection-text').textContent = t(`connection.${state}`);
}
