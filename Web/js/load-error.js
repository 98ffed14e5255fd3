// The one-line "could not load" message with a retry button that a channel pane shows in its status line.
import { el } from './dom.js';
import { describeError, t } from './i18n.js';

export function showLoadError(status, error, retry) {
  status.hidden = false;
  status.replaceChildren(el('span', { class: 'load-error' }, describeError(error)), ' ',
    el('button', { type: 'button', class: 'button small', onclick: retry }, t('errors.retry')));
}
