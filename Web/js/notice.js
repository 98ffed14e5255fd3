// One dismissible notice under the header, e.g. "you were removed from this account".
import { el } from './dom.js';
import { t } from './i18n.js';

const region = () => document.getElementById('notice-region');

export function showNotice(text, kind = 'info') {
  const close = el('button', { type: 'button', class: 'notice-close', 'aria-label': t('notice.close'), onclick: clearNotice }, '×');
  region().replaceChildren(el('div', { class: `notice notice-${kind}` }, el('p', {}, text), close));
}

export function clearNotice() {
  region().replaceChildren();
}
