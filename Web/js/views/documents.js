// The documents pinned to a section (below its text): files and links, contracts with their status and validity,
// every version downloadable; editors pin files and links, add versions, change a contract's status, unpin.
import { content } from '../content-api.js';
import { el } from '../dom.js';
import { currentLanguage, describeError, formatDate, formatDateTime, t } from '../i18n.js';
import { showLoadError } from '../load-error.js';

const ACCEPT = '.pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.pptx,.doc,.xls,.txt,.csv';
const STATUS_BADGE = { in_force: 'badge-ok', draft: 'badge-warning', superseded: 'badge-neutral', expired: 'badge-neutral' };

// Today's date in this browser, as YYYY-MM-DD.
export function today() {
  const now = new Date();
  const pad = (number) => String(number).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

// 12,3 kt / 12.3 KB
export function formatSize(bytes) {
  const units = ['b', 'kb', 'mb', 'gb'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const number = new Intl.NumberFormat(currentLanguage(), { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
  return t(`documents.size.${units[unit]}`, { n: number });
}

// "PDF", "Word", "Kuva"… from a stored file's checked type.
function typeLabel(contentType = '') {
  if (contentType === 'application/pdf') return 'PDF';
  if (contentType.startsWith('image/')) return t('documents.types.image');
  if (contentType.includes('wordprocessing') || contentType === 'application/msword') return 'Word';
  if (contentType.includes('spreadsheet') || contentType === 'application/vnd.ms-excel') return 'Excel';
  if (contentType.includes('presentation')) return 'PowerPoint';
  if (contentType === 'text/csv') return 'CSV';
  if (contentType.startsWith('text/')) return t('documents.types.text');
  return t('documents.types.file');
}

function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function validity(doc) {
  if (!doc.validFrom) return null;
  const until = doc.validUntil ? formatDate(doc.validUntil) : t('documents.untilFurtherNotice');
  return t('documents.validity', { from: formatDate(doc.validFrom), until });
}

// An upload's or link's refusal in words: too large, a type that is not allowed, a name that does not match the bytes.
export function uploadError(error, fileName) {
  if (error.status === 413) return [t('documents.tooLarge')];
  const message = error.message ?? '';
  if (error.status === 400 && message.startsWith('file:')) {
    const lead = /not an allowed type/.test(message) ? t('documents.typeNotAllowed', { name: fileName })
      : /is empty/.test(message) ? t('documents.emptyFile', { name: fileName })
        : t('documents.typeMismatch', { name: fileName });
    return [lead, t('documents.serverSays', { message })];
  }
  if (error.status === 400 && message.startsWith('url:')) return [t('documents.badUrl'), t('documents.serverSays', { message })];
  return [describeError(error)];
}

function showError(target, error, fileName) {
  const [lead, detail] = uploadError(error, fileName);
  target.replaceChildren(lead, detail ? el('span', { class: 'error-detail' }, detail) : '');
}

function field(id, label, input, hint) {
  return el('div', { class: 'field' }, el('label', { for: id }, label), input, hint && el('p', { class: 'hint', id: `${id}-hint` }, hint));
}

function select(id, options, value) {
  const node = el('select', { id }, options.map(([optionValue, label]) => el('option', { value: optionValue }, label)));
  node.value = value;
  return node;
}

const statusOptions = () => [['in_force', t('documents.status.in_force')], ['draft', t('documents.status.draft')],
  ['superseded', t('documents.status.superseded')]];

export function createDocuments({ accountId, key }) {
  const heading = el('h3', { id: 'documents-heading' }, t('documents.title'));
  const addButtonSlot = el('div');
  const status = el('p', { class: 'muted documents-status', role: 'status' }, t('common.loading'));
  const list = el('ul', { id: 'documents', class: 'document-list' });
  const formSlot = el('div', { class: 'document-form-slot' });
  const element = el('section', { class: 'documents-part', 'aria-labelledby': 'documents-heading' },
    el('div', { class: 'part-head' }, heading, addButtonSlot), formSlot, status, list);

  let alive = true;
  let loadId = 0;
  let canEdit = false;
  let documents = [];
  const expanded = new Set(); // ids whose versions are shown
  let busyItems = 0; // inline forms open in the list: reloads wait for them
  let reloadPending = false;

  // MARK: - List

  function item(doc) {
    const latest = doc.latest;
    const href = doc.source === 'link' ? latest.url : content.downloadPath(accountId, doc.id, latest.number);
    const titleLink = doc.source === 'link'
      ? el('a', { class: 'document-title', href, target: '_blank', rel: 'noopener noreferrer' }, doc.title,
        el('span', { class: 'sr-only' }, ` (${t('documents.opensNewTab')})`))
      : el('a', { class: 'document-title', href, download: latest.file?.name ?? '' }, doc.title);
    const what = doc.source === 'link'
      ? [t('documents.types.link'), hostOf(latest.url)]
      : [typeLabel(latest.file?.contentType), latest.file?.name, latest.file ? formatSize(latest.file.size) : null];
    const extra = el('div', { class: 'document-extra' });
    const versionsButton = el('button', {
      type: 'button', class: 'button small', 'aria-expanded': String(expanded.has(doc.id)),
      'data-action': 'versions',
    }, t('documents.versions', { count: latest.number }));
    const node = el('li', {
      class: `document-item document-${doc.status ?? doc.kind}`,
      'data-document-id': String(doc.id),
      'data-status': doc.status ?? null,
      'data-kind': doc.kind,
    },
    el('div', { class: 'document-main' },
      titleLink,
      el('div', { class: 'badges' },
        doc.kind === 'contract' && el('span', { class: 'badge badge-neutral' }, t('documents.kind.contract')),
        doc.status && el('span', { class: `badge ${STATUS_BADGE[doc.status] ?? 'badge-neutral'} document-status` },
          t(`documents.status.${doc.status}`))),
      validity(doc) && el('p', { class: 'document-validity' }, validity(doc)),
      el('p', { class: 'document-meta' }, what.filter(Boolean).join(' · ')),
      el('p', { class: 'document-meta' }, t('documents.added', {
        version: latest.number, who: latest.addedBy?.name ?? t('section.unknownAuthor'), time: formatDateTime(latest.addedAt),
      }))),
    el('div', { class: 'document-actions' },
      versionsButton,
      canEdit && el('button', { type: 'button', class: 'button small', 'data-action': 'new-version', onclick: () => newVersionForm(doc, extra) },
        t('documents.newVersion')),
      canEdit && doc.kind === 'contract' && el('button', {
        type: 'button', class: 'button small', 'data-action': 'change', onclick: () => changeForm(doc, extra),
      }, t('documents.change')),
      canEdit && el('button', {
        type: 'button', class: 'button small danger-outline', 'data-action': 'unpin', onclick: () => unpinConfirm(doc, extra),
      }, t('documents.unpin'))),
    extra);
    versionsButton.addEventListener('click', () => toggleVersions(doc, versionsButton, node));
    if (expanded.has(doc.id)) showVersions(doc, node);
    return node;
  }

  function draw() {
    list.replaceChildren(...documents.map(item));
    status.hidden = documents.length > 0;
    status.textContent = documents.length === 0 ? t('documents.empty') : '';
    addButtonSlot.replaceChildren(canEdit ? el('button', {
      type: 'button', id: 'document-add', class: 'button small', 'aria-expanded': String(formSlot.firstChild != null),
      'aria-controls': 'document-form', onclick: toggleAddForm,
    }, t('documents.add')) : '');
  }

  async function load() {
    if (busyItems > 0) {
      reloadPending = true;
      return;
    }
    const id = ++loadId;
    try {
      const answer = await content.documents(accountId, key);
      if (!alive || id !== loadId) return;
      canEdit = answer.canEdit;
      documents = answer.documents;
      for (const docId of expanded) if (!documents.some((doc) => doc.id === docId)) expanded.delete(docId);
      if (!canEdit) formSlot.replaceChildren();
      draw();
    } catch (error) {
      if (!alive || id !== loadId) return;
      showLoadError(status, error, load);
    }
  }

  // An inline form in a list item: the list is not redrawn under it.
  function openInline(extra, node) {
    if (!extra.dataset.busy) busyItems += 1;
    extra.dataset.busy = 'true';
    extra.replaceChildren(node);
  }

  function closeInline(extra) {
    if (extra.dataset.busy) busyItems -= 1;
    delete extra.dataset.busy;
    extra.replaceChildren();
    if (busyItems === 0 && reloadPending) {
      reloadPending = false;
      load();
    }
  }

  function toggleVersions(doc, button, node) {
    if (expanded.has(doc.id)) {
      expanded.delete(doc.id);
      node.querySelector('.version-list-wrap')?.remove();
    } else {
      expanded.add(doc.id);
      showVersions(doc, node);
    }
    button.setAttribute('aria-expanded', String(expanded.has(doc.id)));
  }

  async function showVersions(doc, node) {
    const wrap = el('div', { class: 'version-list-wrap' }, el('p', { class: 'muted' }, t('common.loading')));
    node.querySelector('.document-main').append(wrap);
    try {
      const detail = await content.document(accountId, doc.id);
      wrap.replaceChildren(el('h4', { class: 'sr-only' }, t('documents.versionsOf', { title: doc.title })),
        el('ol', { class: 'version-list', reversed: true }, [...detail.versions].reverse().map((version) => el('li', {
          'data-version': String(version.number),
        },
        version.file
          ? el('a', { href: content.downloadPath(accountId, doc.id, version.number), download: version.file.name },
            t('documents.versionFile', { version: version.number, name: version.file.name }))
          : el('a', { href: version.url, target: '_blank', rel: 'noopener noreferrer' }, t('documents.versionLink', { version: version.number, host: hostOf(version.url) })),
        el('span', { class: 'version-meta' }, [
          version.file && formatSize(version.file.size), version.addedBy?.name, formatDateTime(version.addedAt),
        ].filter(Boolean).join(' · '))))));
    } catch (error) {
      wrap.replaceChildren(el('p', { class: 'load-error' }, describeError(error)));
    }
  }

  // MARK: - Changes to one document

  function newVersionForm(doc, extra) {
    const id = `version-input-${doc.id}`;
    const input = doc.source === 'link'
      ? el('input', { id, type: 'url', inputmode: 'url', autocomplete: 'off', placeholder: 'https://…' })
      : el('input', { id, type: 'file', accept: ACCEPT });
    const error = el('p', { class: 'form-error', role: 'alert' });
    const submit = el('button', { type: 'submit', class: 'button primary small' }, t('documents.addVersion'));
    const form = el('form', { class: 'inline-form', novalidate: true },
      field(id, t(doc.source === 'link' ? 'documents.newUrl' : 'documents.newFile', { title: doc.title }), input),
      error,
      el('div', { class: 'actions' }, submit,
        el('button', { type: 'button', class: 'button small', onclick: () => closeInline(extra) }, t('common.cancel'))));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      const file = input.files?.[0];
      if (doc.source === 'file' && !file) return void (error.textContent = t('documents.chooseFile'));
      if (doc.source === 'link' && !input.value.trim()) return void (error.textContent = t('documents.giveUrl'));
      submit.disabled = true;
      submit.textContent = t('documents.uploading');
      try {
        if (file) await content.uploadVersion(accountId, doc.id, file);
        else await content.addLinkVersion(accountId, doc.id, input.value.trim());
        if (!alive) return;
        closeInline(extra);
        load();
      } catch (failure) {
        submit.disabled = false;
        submit.textContent = t('documents.addVersion');
        showError(error, failure, file?.name ?? '');
      }
    });
    openInline(extra, form);
    input.focus();
  }

  function changeForm(doc, extra) {
    const prefix = `change-${doc.id}`;
    const title = el('input', { id: `${prefix}-title`, type: 'text', maxlength: '200' });
    title.value = doc.title;
    const state = select(`${prefix}-status`, statusOptions(), doc.status === 'expired' ? 'in_force' : doc.status);
    const from = el('input', { id: `${prefix}-from`, type: 'date' });
    from.value = doc.validFrom ?? '';
    const until = el('input', { id: `${prefix}-until`, type: 'date' });
    until.value = doc.validUntil ?? '';
    const error = el('p', { class: 'form-error', role: 'alert' });
    const submit = el('button', { type: 'submit', class: 'button primary small' }, t('common.save'));
    const form = el('form', { class: 'inline-form', novalidate: true },
      field(`${prefix}-title`, t('documents.titleLabel'), title),
      el('div', { class: 'field-row' },
        field(`${prefix}-status`, t('documents.statusLabel'), state),
        field(`${prefix}-from`, t('documents.validFrom'), from),
        field(`${prefix}-until`, t('documents.validUntil'), until)),
      el('p', { class: 'hint' }, t('documents.inForceHint')),
      error,
      el('div', { class: 'actions' }, submit,
        el('button', { type: 'button', class: 'button small', onclick: () => closeInline(extra) }, t('common.cancel'))));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const change = {};
      if (title.value.trim() !== doc.title) change.title = title.value.trim();
      if (state.value !== doc.status) change.status = state.value;
      if (from.value && from.value !== doc.validFrom) change.validFrom = from.value;
      if ((until.value || null) !== (doc.validUntil ?? null)) change.validUntil = until.value || null;
      if (Object.keys(change).length === 0) return closeInline(extra);
      submit.disabled = true;
      try {
        await content.updateDocument(accountId, doc.id, change);
        if (!alive) return;
        closeInline(extra);
        load();
      } catch (failure) {
        submit.disabled = false;
        error.textContent = describeError(failure);
      }
    });
    openInline(extra, form);
    title.focus();
  }

  function unpinConfirm(doc, extra) {
    const error = el('p', { class: 'form-error', role: 'alert' });
    const yes = el('button', { type: 'button', class: 'button danger small' }, t('documents.unpinConfirm'));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await content.removeDocument(accountId, doc.id);
        if (!alive) return;
        closeInline(extra);
        load();
      } catch (failure) {
        yes.disabled = false;
        error.textContent = describeError(failure);
      }
    });
    openInline(extra, el('div', { class: 'confirm', role: 'alert' },
      el('p', {}, t('documents.unpinQuestion', { title: doc.title })),
      error,
      el('div', { class: 'actions' }, yes,
        el('button', { type: 'button', class: 'button small', onclick: () => closeInline(extra) }, t('common.cancel')))));
    yes.focus();
  }

  // MARK: - Pinning a new doc

  function toggleAddForm() {
    if (formSlot.firstChild) {
      formSlot.replaceChildren();
      draw();
      document.getElementById('document-add')?.focus();
      return;
    }
    formSlot.replaceChildren(addForm());
    draw();
    document.getElementById('document-file')?.focus();
  }

  function addForm() {
    const fileChoice = el('input', { type: 'radio', name: 'document-source', id: 'document-source-file', value: 'file', checked: true });
    const linkChoice = el('input', { type: 'radio', name: 'document-source', id: 'document-source-link', value: 'link' });
    const file = el('input', { id: 'document-file', type: 'file', accept: ACCEPT, 'aria-describedby': 'document-file-hint' });
    const url = el('input', { id: 'document-url', type: 'url', inputmode: 'url', autocomplete: 'off', placeholder: 'https://…' });
    const title = el('input', { id: 'document-title', type: 'text', maxlength: '200', autocomplete: 'off' });
    const kind = select('document-kind', [['general', t('documents.kind.general')], ['contract', t('documents.kind.contract')]], 'general');
    const state = select('document-status', statusOptions(), 'in_force');
    const from = el('input', { id: 'document-valid-from', type: 'date' });
    from.value = today();
    const until = el('input', { id: 'document-valid-until', type: 'date', 'aria-describedby': 'document-valid-until-hint' });
    const error = el('p', { id: 'document-error', class: 'form-error', role: 'alert' });
    const submit = el('button', { type: 'submit', id: 'document-upload', class: 'button primary' }, t('documents.upload'));

    const fileField = field('document-file', t('documents.file'), file, t('documents.fileHint'));
    const urlField = field('document-url', t('documents.url'), url);
    urlField.hidden = true;
    const contract = el('fieldset', { class: 'contract-fields', hidden: true },
      el('legend', {}, t('documents.contractLegend')),
      el('div', { class: 'field-row' },
        field('document-status', t('documents.statusLabel'), state),
        field('document-valid-from', t('documents.validFrom'), from),
        field('document-valid-until', t('documents.validUntil'), until, t('documents.validUntilHint'))),
      el('p', { class: 'hint' }, t('documents.inForceHint')));

    const isLink = () => linkChoice.checked;
    const sync = () => {
      fileField.hidden = isLink();
      urlField.hidden = !isLink();
      contract.hidden = kind.value !== 'contract';
      submit.textContent = t(isLink() ? 'documents.addLink' : 'documents.upload');
    };
    for (const control of [fileChoice, linkChoice, kind]) control.addEventListener('change', sync);

    const form = el('form', { id: 'document-form', class: 'document-form', novalidate: true },
      el('fieldset', { class: 'choice' },
        el('legend', {}, t('documents.what')),
        el('label', { class: 'choice-option' }, fileChoice, t('documents.aFile')),
        el('label', { class: 'choice-option' }, linkChoice, t('documents.aLink'))),
      fileField, urlField,
      field('document-title', t('documents.titleOptional'), title),
      field('document-kind', t('documents.kindLabel'), kind),
      contract,
      error,
      el('div', { class: 'actions' }, submit,
        el('button', { type: 'button', class: 'button', onclick: toggleAddForm }, t('common.cancel'))));

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.replaceChildren();
      const chosen = file.files?.[0];
      if (!isLink() && !chosen) return void (error.textContent = t('documents.chooseFile'));
      if (isLink() && !url.value.trim()) return void (error.textContent = t('documents.giveUrl'));
      const meta = { title: title.value.trim(), kind: kind.value };
      if (kind.value === 'contract') {
        if (!from.value) return void (error.textContent = t('documents.needValidFrom'));
        Object.assign(meta, { status: state.value, validFrom: from.value, validUntil: until.value });
      }
      submit.disabled = true;
      submit.textContent = t('documents.uploading');
      try {
        if (isLink()) await content.addLink(accountId, key, url.value.trim(), meta);
        else await content.uploadDocument(accountId, key, chosen, meta);
        if (!alive) return;
        formSlot.replaceChildren();
        load();
        document.getElementById('document-add')?.focus();
      } catch (failure) {
        submit.disabled = false;
        sync();
        showError(error, failure, chosen?.name ?? '');
      }
    });
    return form;
  }

  load();
  return {
    element,
    reload: load,
    destroy() {
      alive = false;
    },
  };
}
