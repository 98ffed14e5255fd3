// The planner API (docs/web-contract.md, "Planner"), on top of api.js.
import { request } from './api.js';

const enc = encodeURIComponent;
const plannerPath = (account) => `/api/accounts/${enc(account)}/planner`;
const bucketPath = (account, id) => `${plannerPath(account)}/buckets/${enc(id)}`;
const taskPath = (account, id) => `${plannerPath(account)}/tasks/${enc(id)}`;

export const plannerApi = {
  // { canManage, canEditTasks, asOf, buckets, tasks }
  board: (account) => request('GET', plannerPath(account)),
  templates: (account) => request('GET', `${plannerPath(account)}/templates`),
  // `options`: { baseDate?, includeOptional? }. Director and admins.
  applyTemplate: (account, key, options) => request('POST', `${plannerPath(account)}/templates/${enc(key)}/apply`, options),

  // Buckets: director and admins.
  createBucket: (account, name) => request('POST', `${plannerPath(account)}/buckets`, { name }),
  renameBucket: (account, id, name) => request('PATCH', bucketPath(account, id), { name }),
  moveBucket: (account, id, index) => request('POST', `${bucketPath(account, id)}/move`, { index }),
  deleteBucket: (account, id) => request('DELETE', bucketPath(account, id)),

  // Tasks. `fields`: { bucket (new only), title, description, assignee, startDate, dueDate, status, labels,
  // checklist: [{ id?, text, done }] }; null clears assignee and dates.
  createTask: (account, fields) => request('POST', `${plannerPath(account)}/tasks`, fields),
  task: (account, id) => request('GET', taskPath(account, id)),
  updateTask: (account, id, fields) => request('PATCH', taskPath(account, id), fields),
  moveTask: (account, id, bucket, index) => request('POST', `${taskPath(account, id)}/move`, { bucket, index }),
  deleteTask: (account, id) => request('DELETE', taskPath(account, id)),
  check: (account, id, item, done) => request('PUT', `${taskPath(account, id)}/checklist/${enc(item)}`, { done }),
  comment: (account, id, body) => request('POST', `${taskPath(account, id)}/comments`, { body }),
};
