// The page header in index.html: person, admin links, connection state, language switch, sign-out.
import { el } from '../dom.js';
import { socket } from '../socket.js';
import { currentLanguage, t, translateStatic } from '../i18n.js';
import { paths } from '../router.js';

const byId = (id) => document.getElementById(id);

export function initHeader({ onSignOut, onToggleLanguage }) {
  byId('sign-out').addEventListener('click', onSignOut);
  byId('lang-switch').addEventListener('click', onToggleLanguage);
  socket.on('state', showConnection);
  refreshHeader();
}

export function setHeaderPerson(person) {
  byId('person-name').textContent = person?.name ?? '';
  for (const node of document.querySelectorAll('[data-signed-in]')) node.hidden = !person;
  // Admins' links exist only for admins (not merely hidden from others).
  byId('admin-roster-link')?.remove();
  byId('admin-template-link')?.remove();
  if (person?.globalRole === 'admin') {
    byId('person-name').before(
      el('a', { id: 'admin-roster-link', class: 'header-link', href: paths.roster, 'data-i18n': 'header.roster' }, t('header.roster')),
      el('a', { id: 'admin-template-link', class: 'header-link', href: paths.template, 'data-i18n': 'header.template' }, t('header.template')));
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
  showConnection(socket.state);
}

function showConnection(state) {
  const status = byId('connection-status');
  status.dataset.state = state;
  status.querySelector('.connection-text').textContent = t(`connection.${state}`);
}
