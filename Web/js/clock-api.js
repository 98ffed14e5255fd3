// The annual clock API (docs/web-contract.md, "Annual clock"), on top of api.js.
import { query, request } from './api.js';

const enc = encodeURIComponent;
const clockPath = (account) => `/api/accounts/${enc(account)}/clock`;
const eventPath = (account, id) => `${clockPath(account)}/events/${enc(id)}`;

export const clockApi = {
  // `year` null: this year in Finland (the answer says which).
  year: (account, year) => request('GET', `${clockPath(account)}${query({ year })}`),
  summary: (account, year) => request('GET', `${clockPath(account)}/summary${query({ year })}`),
  // `fields`: { title, description, kind, owner, start, recurrence (null: once), leadDays }. Director and admins.
  createEvent: (account, fields) => request('POST', `${clockPath(account)}/events`, fields),
  updateEvent: (account, id, fields) => request('PATCH', eventPath(account, id), fields),
  deleteEvent: (account, id) => request('DELETE', eventPath(account, id)),
  // `status`: done | cancelled | planned; a note only with done or cancelled.
  mark: (account, id, date, status, note) => request('PUT', `${eventPath(account, id)}/occurrences/${enc(date)}`,
    note ? { status, note } : { status }),
};
