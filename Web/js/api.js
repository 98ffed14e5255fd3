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

export async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (UNSAFE_METHODS.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
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
};
