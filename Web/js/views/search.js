// The search page (#/search?q=…[&account=<id>]): sections and messages the person may see, grouped, each with its
// channel's name and a snippet whose matched words are marked. Snippets are built from text nodes and <mark>
// elements, never parsed as HTML. A result links to the section, or to the message in the chat (its thread or
// "ask the director" conversation when it is in one).
import { api } from '../api.js';
import { el, fill } from '../dom.js';
import { describeError, formatMessageTime, t } from '../i18n.js';
import { navigate, paths } from '../router.js';
import { authorName } from './message.js';

function snippet(parts) {
  return el('p', { class: 'search-snippet' }, parts.map((part) => (part.hit ? el('mark', {}, part.text) : part.text)));
}

function messageLink(hit, person) {
  if (hit.privateWith != null) {
    return hit.privateWith === person.id ? paths.ask(hit.account, hit.id) : paths.questions(hit.account, hit.privateWith, hit.id);
  }
  return hit.threadRoot != null ? paths.thread(hit.account, hit.threadRoot, hit.id) : paths.chat(hit.account, hit.id);
}

function group(id, titleKey, hits, item) {
  return el('section', { id, class: 'search-group', 'aria-labelledby': `${id}-title` },
    el('h2', { id: `${id}-title` }, t(titleKey, { count: hits.length })),
    el('ul', { class: 'search-results' }, hits.map(item)));
}

export function renderSearch(root, { person, route }) {
  const input = el('input', { id: 'search-input', type: 'search', name: 'q', autocomplete: 'off', enterkeyhint: 'search', maxlength: '500' });
  const scope = el('select', { id: 'search-scope', name: 'account' }, el('option', { value: '' }, t('search.everywhere')));
  const status = el('p', { id: 'search-status', class: 'list-status', role: 'status' });
  const results = el('div', { id: 'search-results', class: 'search-groups' });
  const form = el('form', { id: 'search-form', class: 'search-form', role: 'search', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: 'search-input' }, t('search.label')), input),
    el('div', { class: 'field' }, el('label', { for: 'search-scope' }, t('search.scope')), scope),
    el('button', { type: 'submit', id: 'search-submit', class: 'button primary' }, t('search.submit')));
  root.append(el('main', { class: 'page search-page' }, el('h1', { tabindex: '-1' }, t('search.title')), form, status, results));

  let alive = true;
  let searchId = 0;
  let current = route;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(paths.search(input.value.trim(), scope.value || null)); // an empty search too: the server says why not
  });

  // The scope list: every channel of the person, with the one asked for chosen.
  async function loadScopes() {
    try {
      const { accounts } = await api.accounts();
      if (!alive) return;
      scope.append(...accounts.map((account) => el('option', { value: account.id }, account.name)));
      scope.value = current.account ?? '';
    } catch {
      // searching everywhere still works
    }
  }

  function show(answer) {
    const { sections, messages } = answer.results;
    status.textContent = sections.length + messages.length === 0 ? t('search.none') : t('search.found', { count: sections.length + messages.length });
    fill(results,
      sections.length > 0 && group('search-sections', 'search.sections', sections, (hit) => el('li', { class: 'search-hit', 'data-account': hit.account, 'data-section-key': hit.key },
        el('a', { class: 'search-link', href: paths.channel(hit.account, hit.key) }, `${hit.number}. ${hit.title}`),
        el('p', { class: 'search-meta' }, hit.accountName),
        snippet(hit.snippet))),
      messages.length > 0 && group('search-messages', 'search.messages', messages, (hit) => el('li', { class: 'search-hit', 'data-account': hit.account, 'data-message-id': String(hit.id) },
        el('a', { class: 'search-link', href: messageLink(hit, person) }, t('search.messageBy', { name: authorName(hit), time: formatMessageTime(hit.createdAt) })),
        el('p', { class: 'search-meta' }, [hit.accountName, hit.threadRoot != null && t('search.inThread'), hit.privateWith != null && t('search.private')].filter(Boolean).join(' · ')),
        snippet(hit.snippet))));
  }

  async function search(next) {
    current = next;
    input.value = next.q ?? '';
    if (scope.options.length > 1) scope.value = next.account ?? '';
    const id = ++searchId;
    if (next.q == null) {
      status.textContent = t('search.prompt');
      results.replaceChildren();
      return;
    }
    status.textContent = t('search.searching');
    try {
      const answer = await api.search(next.q, next.account);
      if (alive && id === searchId) show(answer);
    } catch (error) {
      if (!alive || id !== searchId) return;
      results.replaceChildren();
      status.textContent = describeError(error);
    }
  }

  loadScopes();
  search(route);
  if (route.q == null) input.focus();

  const teardown = () => {
    alive = false;
  };
  // app.js: another search on this page, without rebuilding it (the box keeps the focus).
  teardown.search = search;
  return teardown;
}
