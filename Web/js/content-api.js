// The channel content API (docs/web-contract.md: "Sections", "Documents", "Memos"), on top of api.js.
import { query, request, requestRaw } from './api.js';

const enc = encodeURIComponent;
const channelPath = (account) => `/api/accounts/${enc(account)}`;
const sectionPath = (account, key) => `${channelPath(account)}/sections/${enc(key)}`;
const documentPath = (account, id) => `${channelPath(account)}/documents/${enc(id)}`;

// A File is sent as the raw body: its type (or octet-stream), its name percent-encoded in X-File-Name.
function fileUpload(path, file) {
  return requestRaw('POST', path, file, file.type || 'application/octet-stream', { 'X-File-Name': enc(file.name) });
}

export const content = {
  // Sections
  sections: (account) => request('GET', `${channelPath(account)}/sections`),
  section: (account, key) => request('GET', sectionPath(account, key)),
  saveSection: (account, key, body, baseRevision) => request('PUT', sectionPath(account, key), { body, baseRevision }),
  addSection: (account, title) => request('POST', `${channelPath(account)}/sections`, { title }),
  setInUse: (account, key, inUse) => request('PATCH', sectionPath(account, key), { inUse }),
  revisions: (account, key) => request('GET', `${sectionPath(account, key)}/revisions`),
  diff: (account, key, from, to) => request('GET', `${sectionPath(account, key)}/diff${query({ from, to })}`),
  confirm: (account, key, revision) => request('POST', `${sectionPath(account, key)}/confirm`, { revision }),
  readers: (account, key) => request('GET', `${sectionPath(account, key)}/readers`),

  // Documents. `meta`: { title, kind, status, validFrom, validUntil } (empty values are left out).
  documents: (account, key) => request('GET', `${sectionPath(account, key)}/documents`),
  uploadDocument: (account, key, file, meta) => fileUpload(`${sectionPath(account, key)}/documents${query(meta)}`, file),
  addLink: (account, key, url, meta) => request('POST', `${sectionPath(account, key)}/documents`,
    Object.fromEntries(Object.entries({ url, ...meta }).filter(([, value]) => value != null && value !== ''))),
  document: (account, id) => request('GET', documentPath(account, id)),
  uploadVersion: (account, id, file) => fileUpload(`${documentPath(account, id)}/versions`, file),
  addLinkVersion: (account, id, url) => request('POST', `${documentPath(account, id)}/versions`, { url }),
  updateDocument: (account, id, change) => request('PATCH', documentPath(account, id), change),
  removeDocument: (account, id) => request('DELETE', documentPath(account, id)),
  downloadPath: (account, id, version) => `${documentPath(account, id)}/versions/${enc(version)}/download`,

  // Memos
  memos: (account) => request('GET', `${channelPath(account)}/memos`),
  memo: (account, id) => request('GET', `${channelPath(account)}/memos/${enc(id)}`),
  createMemo: (account, memo) => request('POST', `${channelPath(account)}/memos`, memo),
  updateMemo: (account, id, memo) => request('PATCH', `${channelPath(account)}/memos/${enc(id)}`, memo),
  deleteMemo: (account, id) => request('DELETE', `${channelPath(account)}/memos/${enc(id)}`),
};
