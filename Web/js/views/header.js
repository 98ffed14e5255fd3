// The page header in index.html: person, connection state, language switch, sign-out.
import { socket } from '../socket.js';
import { currentLanguage, t, translateStatic } from '../i18n.js';

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
