// Hash routes: #/sign-in, #/accounts, #/accounts/<id>, #/accounts/<id>/<sectionKey>, #/admin/roster, #/admin/template.

let listener = () => {};

export const paths = {
  signIn: '#/sign-in',
  accounts: '#/accounts',
  channel: (id, sectionKey) => `#/accounts/${encodeURIComponent(id)}${sectionKey ? `/${encodeURIComponent(sectionKey)}` : ''}`,
  roster: '#/admin/roster',
  template: '#/admin/template',
};

export function currentRoute() {
  const path = location.hash.replace(/^#/, '');
  if (path === '/sign-in') return { name: 'signin' };
  if (path === '/accounts') return { name: 'accounts' };
  if (path === '/admin/roster') return { name: 'roster' };
  if (path === '/admin/template') return { name: 'template' };
  const match = path.match(/^\/accounts\/([^/]+)(?:\/([^/]+))?$/);
  if (match) {
    try {
      // sectionKey: null for the channel's first section
      return { name: 'channel', accountId: decodeURIComponent(match[1]), sectionKey: match[2] ? decodeURIComponent(match[2]) : null };
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
