// The feedback box and the activity list API (docs/web-contract.md, "Feedback"), on top of api.js.
import { query, request } from './api.js';

const enc = encodeURIComponent;
const boxPath = (account) => `/api/accounts/${enc(account)}/feedback`;
const itemPath = (account, id) => `${boxPath(account)}/${enc(id)}`;

// The server's limits (FeedbackService): the text's length once trimmed, and a page's size.
export const FEEDBACK_MAX_CHARS = 4000;
export const FEEDBACK_PAGE = 50;
export const FEEDBACK_STATUSES = ['new', 'in_progress', 'done', 'declined'];

export const feedbackApi = {
  // `status` null: any; `before`: the last item id of the page shown (the next, older page).
  list: (account, { status = null, before = null, limit = FEEDBACK_PAGE } = {}) =>
    request('GET', `${boxPath(account)}${query({ status, before, limit })}`),
  item: (account, id) => request('GET', itemPath(account, id)),
  // `fields`: { kind: 'feedback' | 'idea', body, anonymous }.
  post: (account, fields) => request('POST', boxPath(account), fields),
  // The author, while the item is new and unanswered: { kind?, body? }.
  edit: (account, id, fields) => request('PATCH', itemPath(account, id), fields),
  withdraw: (account, id) => request('DELETE', itemPath(account, id)),
  // The director and admins: { body?, status? }.
  answer: (account, id, fields) => request('POST', `${itemPath(account, id)}/replies`, fields),
  // The most active members of a year (null: this year), per channel the person directs (admins: all).
  activity: (year) => request('GET', `/api/activity${query({ year })}`),
};
