// Chat and notices over HTTP (docs/web-contract.md: "Chat", "Notices"), on top of api.js. Messages are sent over
// the WebSocket (outbox.js); everything else here.
import { query, request } from './api.js';

const enc = encodeURIComponent;
const channelPath = (account) => `/api/accounts/${enc(account)}`;
const messagePath = (account, id) => `${channelPath(account)}/messages/${enc(id)}`;
const noticePath = (account, id) => `${channelPath(account)}/notices/${enc(id)}`;

// A history page: `before` a message id (older than it), at most `limit` messages, oldest first.
const page = ({ before = null, limit = 50 } = {}) => query({ before, limit });

export const chatApi = {
  // The open chat, one thread, one "ask the director" conversation: { messages, hasMore }.
  messages: (account, paging) => request('GET', `${channelPath(account)}/messages${page(paging)}`),
  thread: (account, root, paging) => request('GET', `${messagePath(account, root)}/thread${page(paging)}`),
  conversation: (account, person, paging) => request('GET', `${channelPath(account)}/conversations/${enc(person)}${page(paging)}`),
  conversations: (account) => request('GET', `${channelPath(account)}/conversations`),
  editMessage: (account, id, body) => request('PATCH', messagePath(account, id), { body }),
  deleteMessage: (account, id) => request('DELETE', messagePath(account, id)),
  // Earlier texts (directors and admins).
  edits: (account, id) => request('GET', `${messagePath(account, id)}/edits`),
};

export const noticeApi = {
  // Urgent notices I must still acknowledge, in all my channels (the banner).
  open: () => request('GET', '/api/notices/open'),
  list: (account) => request('GET', `${channelPath(account)}/notices`),
  // `notice`: { priority, title, body, expiresAt?, clientId }
  post: (account, notice) => request('POST', `${channelPath(account)}/notices`, notice),
  acknowledge: (account, id) => request('POST', `${noticePath(account, id)}/ack`),
  status: (account, id) => request('GET', `${noticePath(account, id)}/status`),
  withdraw: (account, id) => request('POST', `${noticePath(account, id)}/withdraw`),
};
