// A planner task in a modal dialog: editors change everything (title, description, assignee among the members, dates,
// status, labels, checklist) and delete it; its assignee changes the status and ticks the checklist; everyone reads it
// and comments. Live: another person's change shows at once, unless the editor has unsaved changes (then a note says
// so); comments arrive as they are written.
import { api } from '../api.js';
import { el, fill } from '../dom.js';
import { describeError, formatDate, formatDateTime, t } from '../i18n.js';
import { plannerApi } from '../planner-api.js';

const STATUSES = ['not_started', 'in_progress', 'done'];
const MAX_CHECKLIST = 50;
const MAX_LABELS = 10;

const splitLabels = (text) => [...new Set(text.split(',').map((label) => label.trim()).filter(Boolean))];

export function openTaskDialog({ accountId, taskId, members, bucketName, onChanged, onDeleted, onClosed }) {
  const heading = el('h2', { id: 'planner-dialog-title', tabindex: '-1' }, t('common.loading'));
  const closeButton = el('button', { type: 'button', id: 'planner-dialog-close', class: 'button small', 'aria-label': t('planner.close') }, '×');
  const note = el('div', { class: 'planner-dialog-note' });
  const main = el('div', { class: 'planner-dialog-main' });
  const commentList = el('ol', { id: 'planner-comments', class: 'planner-comments' });
  const commentBody = el('textarea', { id: 'planner-comment-body', rows: '3', maxlength: '4000' });
  const commentError = el('p', { class: 'form-error', role: 'alert' });
  const commentForm = el('form', { id: 'planner-comment-form', class: 'planner-comment-form', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: 'planner-comment-body' }, t('planner.commentLabel')), commentBody),
    commentError,
    el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'planner-comment-send', class: 'button small primary' }, t('planner.commentSend'))));
  const comments = el('section', { class: 'planner-dialog-comments', 'aria-labelledby': 'planner-comments-heading' },
    el('h3', { id: 'planner-comments-heading' }, t('planner.comments')), commentList, commentForm);
  const node = el('dialog', { id: 'planner-task-dialog', class: 'planner-dialog', 'aria-labelledby': 'planner-dialog-title' },
    el('div', { class: 'planner-dialog-head' }, heading, closeButton), note, main, comments);

  let detail = null; // GET …/tasks/{id}: { task, comments, canEdit, canUpdateProgress }
  let dirty = false; // the edit form has changes not saved
  let gone = false;
  let people = members;

  closeButton.addEventListener('click', () => node.close());
  node.addEventListener('close', () => {
    node.remove();
    onClosed?.();
  });
  document.body.append(node);
  node.showModal();

  // MARK: - Reading

  function drawComments() {
    fill(commentList, detail.comments.length === 0 && el('li', { class: 'muted' }, t('planner.noComments')),
      detail.comments.map((comment) => el('li', { 'data-comment-id': String(comment.id) },
        el('p', { class: 'planner-comment-meta' }, el('strong', {}, comment.author?.name ?? t('section.unknownAuthor')), ' · ',
          formatDateTime(comment.createdAt)),
        el('p', { class: 'planner-comment-body' }, comment.body))));
  }

  function facts(task) {
    const rows = [
      [t('planner.bucket'), bucketName(task.bucket)],
      [t('planner.assignee'), task.assignee?.name ?? t('planner.unassigned')],
      task.startDate && [t('planner.startDate'), formatDate(task.startDate)],
      task.dueDate && [t('planner.dueDate'), formatDate(task.dueDate)],
      task.labels.length > 0 && [t('planner.labels'), task.labels.join(', ')],
      task.createdBy && [t('planner.createdBy'), t('planner.createdByText', { name: task.createdBy.name, time: formatDateTime(task.createdAt) })],
    ].filter(Boolean);
    return el('dl', { class: 'facts planner-facts' }, rows.map(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
  }

  function statusSelect(id, value) {
    const select = el('select', { id }, STATUSES.map((status) => el('option', { value: status }, t(`planner.status.${status}`))));
    select.value = value;
    return select;
  }

  // The assignee who is not an editor: the status and the checklist's ticks, saved as they change.
  function progressView(task) {
    const error = el('p', { class: 'form-error', role: 'alert' });
    const status = statusSelect('planner-progress-status', task.status);
    status.addEventListener('change', () => save(() => plannerApi.updateTask(accountId, taskId, { status: status.value }), error));
    return [
      facts(task),
      task.description && el('p', { class: 'planner-description' }, task.description),
      el('div', { class: 'field' }, el('label', { for: 'planner-progress-status' }, t('planner.statusLabel')), status),
      task.checklist.length > 0 && el('fieldset', { class: 'planner-checklist' }, el('legend', {}, t('planner.checklist')),
        el('ul', {}, task.checklist.map((item) => {
          const box = el('input', { type: 'checkbox', id: `planner-check-${item.id}`, checked: item.done });
          box.addEventListener('change', () => save(() => plannerApi.check(accountId, taskId, item.id, box.checked), error));
          return el('li', {}, el('label', { class: 'check', for: `planner-check-${item.id}` }, box, ' ', item.text));
        }))),
      error,
    ];
  }

  function readView(task) {
    return [
      facts(task),
      el('p', {}, el('span', { class: `badge planner-status status-${task.status}` }, t(`planner.status.${task.status}`))),
      task.description && el('p', { class: 'planner-description' }, task.description),
      task.checklist.length > 0 && el('ul', { class: 'planner-checklist-read', 'aria-label': t('planner.checklist') },
        task.checklist.map((item) => el('li', { 'data-done': String(item.done) }, el('span', { 'aria-hidden': 'true' }, item.done ? '☑ ' : '☐ '),
          el('span', { class: item.done ? 'is-done' : null }, item.text), item.done && el('span', { class: 'sr-only' }, ` (${t('planner.itemDone')})`)))),
    ];
  }

  // MARK: - Editing

  function checklistRow(item, rows) {
    const box = el('input', { type: 'checkbox', checked: item.done, 'aria-label': t('planner.itemDone') });
    const text = el('input', { type: 'text', value: item.text, maxlength: '200', 'aria-label': t('planner.itemText') });
    const row = el('li', { class: 'planner-checklist-row' }, box, text);
    row.append(el('button', {
      type: 'button', class: 'button small', 'aria-label': t('planner.removeItem', { text: item.text }),
      onclick: () => {
        rows.splice(rows.findIndex((candidate) => candidate.row === row), 1);
        row.remove();
        dirty = true;
      },
    }, '×'));
    rows.push({ id: item.id ?? null, box, text, row });
    return row;
  }

  function editForm(task) {
    const title = el('input', { type: 'text', id: 'planner-edit-title', maxlength: '200', value: task.title });
    const description = el('textarea', { id: 'planner-edit-description', rows: '4' });
    description.value = task.description;
    const assigneeChoices = [...people.map((member) => member.person)];
    if (task.assignee && !assigneeChoices.some((candidate) => candidate.id === task.assignee.id)) assigneeChoices.push(task.assignee);
    const assignee = el('select', { id: 'planner-edit-assignee' }, el('option', { value: '' }, t('planner.unassigned')),
      assigneeChoices.map((candidate) => el('option', { value: String(candidate.id) }, candidate.name)));
    assignee.value = task.assignee ? String(task.assignee.id) : '';
    const status = statusSelect('planner-edit-status', task.status);
    const start = el('input', { type: 'date', id: 'planner-edit-start', value: task.startDate ?? '' });
    const due = el('input', { type: 'date', id: 'planner-edit-due', value: task.dueDate ?? '' });
    const labels = el('input', { type: 'text', id: 'planner-edit-labels', value: task.labels.join(', '), 'aria-describedby': 'planner-edit-labels-hint' });
    const rows = [];
    const list = el('ul', { id: 'planner-edit-checklist', class: 'planner-checklist-edit' }, task.checklist.map((item) => checklistRow(item, rows)));
    const newItem = el('input', { type: 'text', id: 'planner-edit-new-item', maxlength: '200', autocomplete: 'off' });
    const addItem = () => {
      if (!newItem.value.trim()) return;
      list.append(checklistRow({ text: newItem.value.trim(), done: false }, rows));
      newItem.value = '';
      dirty = true;
      newItem.focus();
    };
    newItem.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        addItem();
      }
    });
    const error = el('p', { id: 'planner-edit-error', class: 'form-error', role: 'alert' });
    const confirmSlot = el('div');
    const form = el('form', { id: 'planner-edit-form', class: 'planner-edit-form', novalidate: true },
      el('div', { class: 'field' }, el('label', { for: 'planner-edit-title' }, t('planner.taskTitle')), title),
      el('div', { class: 'field' }, el('label', { for: 'planner-edit-description' }, t('planner.description')), description),
      el('div', { class: 'field-row' },
        el('div', { class: 'field' }, el('label', { for: 'planner-edit-assignee' }, t('planner.assignee')), assignee),
        el('div', { class: 'field' }, el('label', { for: 'planner-edit-status' }, t('planner.statusLabel')), status)),
      el('div', { class: 'field-row' },
        el('div', { class: 'field' }, el('label', { for: 'planner-edit-start' }, t('planner.startDate')), start),
        el('div', { class: 'field' }, el('label', { for: 'planner-edit-due' }, t('planner.dueDate')), due)),
      el('div', { class: 'field' }, el('label', { for: 'planner-edit-labels' }, t('planner.labels')), labels,
        el('p', { class: 'hint', id: 'planner-edit-labels-hint' }, t('planner.labelsHint'))),
      el('fieldset', { class: 'planner-checklist' }, el('legend', {}, t('planner.checklist')), list,
        el('div', { class: 'planner-inline' },
          el('label', { class: 'sr-only', for: 'planner-edit-new-item' }, t('planner.newItem')), newItem,
          el('button', { type: 'button', id: 'planner-edit-add-item', class: 'button small', onclick: addItem }, t('planner.addItem')))),
      error,
      el('div', { class: 'actions' },
        el('button', { type: 'submit', id: 'planner-edit-save', class: 'button primary' }, t('common.save')),
        el('button', { type: 'button', id: 'planner-delete', class: 'button danger-outline', onclick: () => confirmDelete(confirmSlot) }, t('planner.deleteTask'))),
      confirmSlot);
    form.addEventListener('input', () => {
      dirty = true;
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      error.textContent = '';
      const labelList = splitLabels(labels.value);
      let problem = null;
      if (!title.value.trim()) problem = ['planner.needTitle', title];
      else if (start.value && due.value && due.value < start.value) problem = ['planner.dueBeforeStart', due];
      else if (labelList.length > MAX_LABELS) problem = ['planner.tooManyLabels', labels];
      else if (rows.length > MAX_CHECKLIST) problem = ['planner.tooManyItems', newItem];
      if (problem) {
        error.textContent = t(problem[0], { max: problem[0] === 'planner.tooManyLabels' ? MAX_LABELS : MAX_CHECKLIST });
        return problem[1].focus();
      }
      save(() => plannerApi.updateTask(accountId, taskId, {
        title: title.value.trim(), description: description.value, assignee: assignee.value ? Number(assignee.value) : null,
        startDate: start.value || null, dueDate: due.value || null, status: status.value, labels: labelList,
        checklist: rows.filter((row) => row.text.value.trim()).map((row) => ({
          ...(row.id != null ? { id: row.id } : {}), text: row.text.value.trim(), done: row.box.checked,
        })),
      }), error, { saved: true });
    });
    return form;
  }

  function confirmDelete(slot) {
    const error = el('p', { class: 'form-error', role: 'alert' });
    const yes = el('button', { type: 'button', id: 'planner-delete-confirm', class: 'button danger small' }, t('planner.deleteTask'));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await plannerApi.deleteTask(accountId, taskId);
        const task = detail.task;
        gone = true;
        node.close();
        onDeleted(task);
      } catch (failure) {
        yes.disabled = false;
        error.textContent = describeError(failure);
      }
    });
    slot.replaceChildren(el('div', { class: 'confirm', role: 'alert' },
      el('p', {}, t('planner.deleteQuestion', { title: detail.task.title })), error,
      el('div', { class: 'actions' }, yes, el('button', { type: 'button', class: 'button small', onclick: () => slot.replaceChildren() }, t('common.cancel')))));
    yes.focus();
  }

  async function save(call, error, { saved = false } = {}) {
    error.textContent = '';
    try {
      const { task } = await call();
      if (gone) return;
      dirty = false;
      detail.task = task;
      onChanged(task);
      draw();
      if (saved) note.replaceChildren(el('p', { class: 'flash', role: 'status' }, t('planner.saved')));
    } catch (failure) {
      if (gone) return;
      error.textContent = describeError(failure);
    }
  }

  // MARK: - Drawing

  function draw() {
    const { task } = detail;
    heading.textContent = task.title;
    const focused = main.contains(document.activeElement) ? document.activeElement.id : null;
    if (detail.canEdit) fill(main, editForm(task));
    else if (detail.canUpdateProgress) fill(main, progressView(task));
    else fill(main, readView(task));
    if (focused) main.querySelector(`#${CSS.escape(focused)}`)?.focus();
  }

  async function load({ focus = false } = {}) {
    try {
      const [answer, account] = await Promise.all([plannerApi.task(accountId, taskId), api.account(accountId)]);
      if (gone) return;
      detail = answer;
      people = account.members;
      dirty = false;
      note.replaceChildren();
      draw();
      drawComments();
      if (focus) heading.focus();
    } catch (failure) {
      if (gone) return;
      heading.textContent = t('planner.taskMissing');
      fill(main, el('p', { class: 'load-error' }, describeError(failure)));
      comments.hidden = true;
    }
  }

  commentForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    commentError.textContent = '';
    if (!commentBody.value.trim()) {
      commentError.textContent = t('planner.needComment');
      return commentBody.focus();
    }
    try {
      const added = await plannerApi.comment(accountId, taskId, commentBody.value);
      if (gone) return;
      commentBody.value = '';
      receiveComment(added);
      commentBody.focus();
    } catch (failure) {
      commentError.textContent = describeError(failure);
    }
  });

  function receiveComment({ comment, commentCount }) {
    if (!detail || detail.comments.some((candidate) => candidate.id === comment.id)) return;
    detail.comments.push(comment);
    detail.task.commentCount = commentCount;
    drawComments();
  }

  load({ focus: true });

  return {
    // The task as another change left it (a planner.task.* event).
    changed(task) {
      if (gone || !detail || task.id !== taskId) return;
      if (detail.canEdit && dirty) {
        note.replaceChildren(el('div', { class: 'stale-box', role: 'status' },
          el('p', {}, t('planner.changedElsewhere', { time: formatDateTime(task.updatedAt ?? task.createdAt) })),
          el('button', { type: 'button', id: 'planner-dialog-reload', class: 'button small', onclick: () => load() }, t('planner.loadNewest'))));
        return;
      }
      detail.task = task;
      draw();
    },
    deleted(id) {
      if (gone || id !== taskId) return;
      gone = true;
      heading.textContent = t('planner.taskMissing');
      fill(main, el('p', { class: 'note', role: 'status' }, t('planner.deletedElsewhere')));
      comments.hidden = true;
    },
    commentAdded: receiveComment,
    close() {
      gone = true;
      if (node.open) node.close();
    },
  };
}
