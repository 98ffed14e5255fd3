// Same-origin JSON client for the Kanava HTTP API (docs/web-contract.md).

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken = null;
let unauthenticatedHandler = () => {};

export class ApiError extends Error {
  constructor(status, code, message, retryAfter = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status; // 0 when the server could not be reached
    this.code = code;
    this.retryAfter = retryAfter; // seconds, from Retry-After
  }
}

export function setCsrfToken(token) {
  csrfToken = token;
}

// Called when a request made with a session gets 401 unauthenticated (the session ended).
export function onUnauthenticated(handler) {
  unauthenticatedHandler = handler;
}

// The query string of the given non-empty values ('' when there are none).
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value != null && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

// A JSON request: `body` (when given) is sent as JSON.
export function request(method, path, body) {
  return send(method, path, body === undefined ? {} : { body: JSON.stringify(body), contentType: 'application/json' });
}

// A request whose body is sent as it is (a Blob, File, ArrayBuffer or string) with the given Content-Type;
// the answer is read as JSON like request()'s. `extraHeaders`: e.g. { 'X-File-Name': … } for uploads.
export function requestRaw(method, path, body, contentType, extraHeaders = {}) {
  return send(method, path, { body, contentType, extraHeaders });
}

async function send(method, path, { body, contentType, extraHeaders = {} } = {}) {
  const headers = { ...extraHeaders, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = contentType;
  if (UNSAFE_METHODS.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network_error', 'The server could not be reached.');
  }

  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.ok) return data;

  const { code = `http_${response.status}`, message = response.statusText } = data?.error ?? {};
  const retryAfter = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
  const error = new ApiError(response.status, code, message, Number.isFinite(retryAfter) ? retryAfter : null);
  if (response.status === 401 && code === 'unauthenticated') unauthenticatedHandler(error);
  throw error;
}

export const api = {
  session: () => request('GET', '/api/session'),
  signIn: (email, password) => request('POST', '/api/auth/sign-in', { email, password }),
  signOut: () => request('POST', '/api/auth/sign-out'),
  accounts: () => request('GET', '/api/accounts'),
  account: (id) => request('GET', `/api/accounts/${encodeURIComponent(id)}`),
  // Sections and messages the person may see; `account` narrows it to one channel.
  search: (q, account = null, limit = 20) => request('GET', `/api/search${query({ q, account, limit })}`),
  // Admins only (403 forbidden for anyone else).
  rosterSyncs: (limit = 50) => request('GET', `/api/admin/roster/syncs?limit=${limit}`),
  templateDrift: () => request('GET', '/api/admin/template/drift'),
  rosterSync: (id) => request('GET', `/api/admin/roster/syncs/${encodeURIComponent(id)}`),
  // `file`: the CSV's bytes (Blob or ArrayBuffer), sent as they are.
  syncRoster: (file, { dryRun = false, force = false } = {}) => requestRaw(
    'POST', `/api/admin/roster/sync?dryRun=${dryRun}&force=${force}`, file, 'text/csv'),
};
