// The quality card API (docs/web-contract.md, "Quality card"), on top of api.js.
import { query, request } from './api.js';

const enc = encodeURIComponent;
const cardPath = (account, month) => `/api/accounts/${enc(account)}/cards/${enc(month)}`;

export const cardApi = {
  // → { account, month, card?, figures, previous?, canEdit }. The board gets 404 until a version is submitted.
  card: (account, month) => request('GET', cardPath(account, month)),
  // `fields`: any of { status, summary, asks, customerSatisfaction, auditScore, openComplaints, monthlyBilling };
  // null empties one. The account director and admins.
  save: (account, month, fields) => request('PUT', cardPath(account, month), fields),
  // Freezes version `version`; 409 already_submitted when it was.
  submit: (account, month, version) => request('POST', `${cardPath(account, month)}/submit`, { version }),
  versions: (account, month) => request('GET', `${cardPath(account, month)}/versions`),
  // Board members and admins: every account's card for `month` (null: this month) with twelve months of trend.
  board: (month) => request('GET', `/api/board/cards${query({ month })}`),
};
