// Admin page (#/admin/template): channels whose table of contents differs from the template
// (config/toc.yaml), and how — the browser's view of `kanava template drift`. docs/web-contract.md.
import { api } from '../api.js';
import { el } from '../dom.js';
import { describeError, t } from '../i18n.js';
import { paths } from '../router.js';

export function renderTemplate(root) {
  const status = el('p', { id: 'template-status', role: 'status' }, t('template.loading'));
  const list = el('ul', { id: 'template-drift', class: 'drift-list' });
  root.append(el('main', { class: 'page', id: 'template-view' },
    el('h1', { tabindex: '-1' }, t('template.title')),
    el('p', { class: 'muted' }, t('template.intro')),
    status,
    list));

  let alive = true;
  api.templateDrift().then(({ channels }) => {
    if (!alive) return;
    status.textContent = channels.length === 0 ? t('template.none') : t('template.count', { count: channels.length });
    list.replaceChildren(...channels.map((channel) => el('li', { 'data-account-id': channel.account, class: 'card' },
      el('a', { href: paths.channel(channel.account) }, channel.account),
      el('ul', {}, ...channel.notes.map((note) => el('li', {}, note))))));
  }).catch((error) => {
    if (!alive) return;
    status.textContent = error.status === 403 ? t('template.forbidden') : describeError(error);
    if (error.status === 403) status.id = 'template-forbidden';
  });
  return () => { alive = false; };
}
