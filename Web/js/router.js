// Hash routes: #/sign-in, #/accounts, #/accounts/<id>, #/accounts/<id>/<sectionKey>, #/admin/roster,
// #/admin/template, #/admin/bots, #/admin/audit, #/search?q=…[&account=<id>], and a channel's live parts (the chat column):
//   #/accounts/<id>/chat                 the open chat        (?message=<n>: scrolled to that message)
//   #/accounts/<id>/thread/<root>        one thread           (?message=<n>)
//   #/accounts/<id>/notices              the channel's notices
//   #/accounts/<id>/ask                  a member's "ask the director" conversation (?message=<n>)
//   #/accounts/<id>/questions[/<person>] the director's list of those conversations, or one of them (?message=<n>)
// #/accounts/<id>/webhooks, the channel's incoming webhooks (its director and admins; a page of its own),
// #/activity[?year=YYYY], the most active members of the channels a director directs (admins: all), and
// #/board[?month=YYYY-MM], the board overview of every account's quality card (board members and admins).
// The part names are reserved: a section cannot be opened under one of them (template keys never are).

let listener = () => {};

const enc = encodeURIComponent;
export const LIVE_PARTS = ['chat', 'thread', 'notices', 'ask', 'questions'];

// `?message=` for a link to one message; nothing when not given.
const messageQuery = (message) => (message == null ? '' : `?message=${enc(message)}`);

export const paths = {
  signIn: '#/sign-in',
  accounts: '#/accounts',
  channel: (id, sectionKey) => `#/accounts/${enc(id)}${sectionKey ? `/${enc(sectionKey)}` : ''}`,
  chat: (id, message) => `#/accounts/${enc(id)}/chat${messageQuery(message)}`,
  thread: (id, root, message) => `#/accounts/${enc(id)}/thread/${enc(root)}${messageQuery(message)}`,
  notices: (id) => `#/accounts/${enc(id)}/notices`,
  ask: (id, message) => `#/accounts/${enc(id)}/ask${messageQuery(message)}`,
  questions: (id, person, message) => `#/accounts/${enc(id)}/questions${person == null ? '' : `/${enc(person)}`}${messageQuery(message)}`,
  // q null: the page without a search; '' is a search (the server says what is wrong with it).
  search: (q, account = null) => {
    const params = new URLSearchParams();
    if (q != null) params.set('q', q);
    if (account) params.set('account', account);
    const text = params.toString();
    return `#/search${text ? `?${text}` : ''}`;
  },
  roster: '#/admin/roster',
  template: '#/admin/template',
  bots: '#/admin/bots',
  audit: '#/admin/audit',
  webhooks: (id) => `#/accounts/${enc(id)}/webhooks`,
  activity: (year = null) => `#/activity${year == null ? '' : `?year=${enc(year)}`}`,
  board: (month = null) => `#/board${month ? `?month=${enc(month)}` : ''}`,
};

// A positive whole number from a route segment or query value, else null.
function positive(text) {
  return /^[1-9][0-9]{0,15}$/.test(text ?? '') ? Number(text) : null;
}

// The channel route of `segments` (already decoded): null when they name nothing.
function channelRoute(segments, params) {
  const [accountId, first, second, ...rest] = segments;
  const route = { name: 'channel', accountId, sectionKey: null, part: null, partId: null, message: positive(params.get('message')) };
  if (first == null) return rest.length === 0 && second == null ? route : null;
  if (!LIVE_PARTS.includes(first)) return second == null ? { ...route, sectionKey: first } : null;
  if (rest.length > 0) return null;
  route.part = first;
  if (first === 'thread') {
    route.partId = positive(second);
    return route.partId == null ? null : route;
  }
  if (first === 'questions' && second != null) {
    route.partId = positive(second);
    return route.partId == null ? null : route;
  }
  return second == null ? route : null;
}

export function currentRoute() {
  const raw = location.hash.replace(/^#/, '');
  const queryAt = raw.indexOf('?');
  const path = queryAt < 0 ? raw : raw.slice(0, queryAt);
  const params = new URLSearchParams(queryAt < 0 ? '' : raw.slice(queryAt + 1));
  if (path === '/sign-in') return { name: 'signin' };
  if (path === '/accounts') return { name: 'accounts' };
  if (path === '/admin/roster') return { name: 'roster' };
  if (path === '/admin/template') return { name: 'template' };
  if (path === '/admin/bots') return { name: 'bots' };
  if (path === '/admin/audit') return { name: 'audit' };
  if (path === '/board') return { name: 'board', month: params.get('month') };
  if (path === '/search') return { name: 'search', q: params.get('q'), account: params.get('account') || null };
  if (path === '/activity') return { name: 'activity', year: positive(params.get('year')) };
  const webhooks = path.match(/^\/accounts\/([^/]+)\/webhooks$/);
  if (webhooks) {
    try {
      return { name: 'webhooks', accountId: decodeURIComponent(webhooks[1]) };
    } catch {
      return { name: 'unknown' };
    }
  }
  const match = path.match(/^\/accounts\/(.+)$/);
  if (match) {
    try {
      const segments = match[1].split('/').map(decodeURIComponent);
      const route = segments.includes('') ? null : channelRoute(segments, params);
      if (route) return route;
    } catch {
      // malformed percent-encoding: treated as an unknown route
    }
  }
  return { name: 'unknown' };
}

export function startRouter(onChange) {
  listener = onChange;
  window.addEventListener('hashchange', () => listener(currentRoute()));
}

// replace: swap the current history entry (used for redirects) instead of adding one.
export function navigate(hash, { replace = false } = {}) {
  if (replace) {
    history.replaceState(null, '', hash);
    listener(currentRoute());
  } else if (location.hash === hash) {
    listener(currentRoute());
  } else {
    location.hash = hash; // fires hashchange
  }
}
