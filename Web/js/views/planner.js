// The planner, below the `planner` section's text: buckets as columns (stacked on a phone) of task cards with the
// assignee, due date (overdue highlighted), checklist progress and labels. Filters: mine, overdue, one bucket. Editors
// move cards by dragging them (HTML5 drag and drop), with a card's "Move…" control (bucket and place), or with
// Alt + arrow keys on a card. A card opens the task dialog (planner-task.js); the director manages buckets and applies
// templates (planner-template.js). The channel's planner.* events update the board in place (event()).
import { api } from '../api.js';
import { el, fill } from '../dom.js';
import { describeError, formatDate, t } from '../i18n.js';
import { showLoadError } from '../load-error.js';
import { plannerApi } from '../planner-api.js';
import { openTaskDialog } from './planner-task.js';
import { createTemplateForm } from './planner-template.js';

const RELOAD_DELAY_MS = 150;
const MAX_TITLE_CHARS = 200;

// Overdue: not done, and due before today in Finland (`asOf`, from the server).
const isOverdue = (task, asOf) => task.status !== 'done' && task.dueDate != null && task.dueDate < asOf;

const byPosition = (a, b) => a.position - b.position || a.id - b.id;

export function createPlanner({ accountId, person }) {
  const filterMine = el('input', { type: 'checkbox', id: 'planner-filter-mine' });
  const filterOverdue = el('input', { type: 'checkbox', id: 'planner-filter-overdue' });
  const filterBucket = el('select', { id: 'planner-filter-bucket' });
  const actions = el('div', { class: 'planner-actions' });
  const toolbar = el('div', { class: 'planner-toolbar', hidden: true },
    el('div', { class: 'planner-filters', role: 'group', 'aria-label': t('planner.filters') },
      el('label', { class: 'check' }, filterMine, ' ', t('planner.filterMine')),
      el('label', { class: 'check' }, filterOverdue, ' ', t('planner.filterOverdue')),
      el('label', { class: 'planner-filter-bucket' }, el('span', {}, t('planner.filterBucket')), filterBucket)),
    actions);
  const formSlot = el('div', { class: 'planner-form-slot' });
  const flash = el('p', { class: 'flash', role: 'status' });
  const announce = el('p', { id: 'planner-announce', class: 'sr-only', 'aria-live': 'polite' });
  const status = el('p', { class: 'muted', role: 'status' }, t('common.loading'));
  const boardNode = el('div', { id: 'planner-board', class: 'planner-board' });
  const hint = el('p', { class: 'hint planner-hint', hidden: true }, t('planner.moveHint'));
  const element = el('section', { id: 'planner', class: 'planner-part', 'aria-labelledby': 'planner-heading' },
    el('h3', { id: 'planner-heading', class: 'sr-only' }, t('planner.title')),
    toolbar, formSlot, flash, announce, status, hint, boardNode);

  let alive = true;
  let loadId = 0;
  let board = null; // GET …/planner's answer, kept up to date by events
  let account = null; // the account (its start date) and members, for forms and the dialog
  let members = [];
  const filters = { mine: false, overdue: false, bucket: '' };
  let moving = null; // { task, bucket, index }: the card whose "Move…" form is open
  let toolsOpen = null; // id of the bucket whose tools are open
  let dragged = null; // id of the task being dragged
  let dialog = null;
  let openForm = null; // 'bucket' | 'task' | 'template'
  let reloadTimer = null;
  let flashTimer = null;

  function showFlash(text) {
    flash.textContent = text;
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => {
      flash.textContent = '';
    }, 6000);
  }

  const bucketOf = (id) => board.buckets.find((bucket) => bucket.id === id);
  const taskOf = (id) => board.tasks.find((task) => task.id === id);
  const tasksIn = (bucketId) => board.tasks.filter((task) => task.bucket === bucketId).sort(byPosition);
  const isShown = (task) => (!filters.mine || task.assignee?.id === person.id) && (!filters.overdue || isOverdue(task, board.asOf));

  // MARK: - Keeping the board up to date

  function upsertTask(task) {
    const index = board.tasks.findIndex((candidate) => candidate.id === task.id);
    if (index >= 0) board.tasks[index] = task;
    else board.tasks.push(task);
  }

  function applyOrder(order) {
    for (const { bucket, tasks } of order) {
      tasks.forEach((id, position) => {
        const task = taskOf(id);
        if (task) Object.assign(task, { bucket, position });
      });
    }
  }

  function removeTask(id) {
    const task = taskOf(id);
    board.tasks = board.tasks.filter((candidate) => candidate.id !== id);
    if (task) tasksIn(task.bucket).forEach((other, position) => { other.position = position; });
    if (moving?.task === id) moving = null;
  }

  function upsertBucket(bucket) {
    const index = board.buckets.findIndex((candidate) => candidate.id === bucket.id);
    if (index >= 0) board.buckets[index] = bucket;
    else board.buckets.push(bucket);
    board.buckets.sort(byPosition);
  }

  function applyBucketOrder(order) {
    order.forEach((id, position) => {
      const bucket = bucketOf(id);
      if (bucket) bucket.position = position;
    });
    board.buckets.sort(byPosition);
  }

  // MARK: - Drawing

  // Where the keyboard focus is inside the planner, to find the same control in the redrawn board.
  function rememberFocus() {
    const active = document.activeElement;
    if (!active || !boardNode.contains(active)) return () => {};
    const card = active.closest('[data-task-id]');
    const column = active.closest('[data-bucket-id]');
    let selector = null;
    if (active.id) selector = `#${CSS.escape(active.id)}`;
    else if (card && active.dataset.action) selector = `[data-task-id="${card.dataset.taskId}"] [data-action="${active.dataset.action}"]`;
    else if (column && active.dataset.action) selector = `[data-bucket-id="${column.dataset.bucketId}"] [data-action="${active.dataset.action}"]`;
    return () => {
      if (selector && !boardNode.contains(document.activeElement)) boardNode.querySelector(selector)?.focus({ preventScroll: true });
    };
  }

  function drawToolbar() {
    toolbar.hidden = false;
    const chosen = filters.bucket;
    fill(filterBucket, el('option', { value: '' }, t('planner.allBuckets')),
      board.buckets.map((bucket) => el('option', { value: String(bucket.id) }, bucket.name)));
    filters.bucket = board.buckets.some((bucket) => String(bucket.id) === chosen) ? chosen : '';
    filterBucket.value = filters.bucket;
    fill(actions,
      board.canEditTasks && board.buckets.length > 0 && el('button', {
        type: 'button', id: 'planner-new-task', class: 'button primary small', 'aria-expanded': String(openForm === 'task'),
        onclick: () => (openForm === 'task' ? closeForm() : showTaskForm(null)),
      }, t('planner.newTask')),
      board.canManage && el('button', {
        type: 'button', id: 'planner-new-bucket', class: 'button small', 'aria-expanded': String(openForm === 'bucket'),
        onclick: () => (openForm === 'bucket' ? closeForm() : showBucketForm()),
      }, t('planner.newBucket')),
      board.canManage && el('button', {
        type: 'button', id: 'planner-apply-template', class: 'button small', 'aria-expanded': String(openForm === 'template'),
        onclick: () => (openForm === 'template' ? closeForm() : showTemplateForm()),
      }, t('planner.applyTemplate')));
  }

  function card(task) {
    const checklistDone = task.checklist.filter((item) => item.done).length;
    const overdue = isOverdue(task, board.asOf);
    const node = el('li', {
      class: `planner-card${overdue ? ' is-overdue' : ''}${task.status === 'done' ? ' is-done' : ''}`, id: `planner-task-${task.id}`,
      'data-task-id': String(task.id), 'data-status': task.status, draggable: board.canEditTasks ? 'true' : null,
    },
    el('button', { type: 'button', class: 'planner-card-title', 'data-action': 'open', onclick: () => showTask(task.id) }, task.title),
    el('div', { class: 'planner-card-meta' },
      el('span', { class: `badge planner-status status-${task.status}` }, t(`planner.status.${task.status}`)),
      el('span', { class: 'planner-assignee' }, task.assignee?.name ?? t('planner.unassigned')),
      task.dueDate && el('span', { class: `planner-due${overdue ? ' overdue' : ''}`, 'data-due': task.dueDate },
        t(overdue ? 'planner.overdueOn' : 'planner.dueOn', { date: formatDate(task.dueDate) })),
      task.checklist.length > 0 && el('span', { class: 'planner-progress', 'data-done': String(checklistDone), 'data-total': String(task.checklist.length) },
        t('planner.checklistProgress', { done: checklistDone, total: task.checklist.length })),
      task.commentCount > 0 && el('span', { class: 'planner-comment-count' }, t('planner.commentCount', { count: task.commentCount }))),
    task.labels.length > 0 && el('ul', { class: 'planner-labels', 'aria-label': t('planner.labels') },
      task.labels.map((label) => el('li', {}, label))),
    board.canEditTasks && el('button', {
      type: 'button', class: 'button small planner-move', 'data-action': 'move', 'aria-expanded': String(moving?.task === task.id),
      onclick: () => toggleMoveForm(task),
    }, t('planner.move')),
    moving?.task === task.id && moveForm(task));
    if (board.canEditTasks) {
      node.addEventListener('dragstart', (event) => {
        dragged = task.id;
        event.dataTransfer.setData('text/plain', String(task.id));
        event.dataTransfer.effectAllowed = 'move';
        node.classList.add('is-dragging');
      });
      node.addEventListener('dragend', () => {
        dragged = null;
        node.classList.remove('is-dragging');
        clearDropMarks();
      });
      node.addEventListener('keydown', (event) => moveByKey(event, task));
    }
    return node;
  }

  // MARK: Moving by the "Move…" form

  function toggleMoveForm(task) {
    moving = moving?.task === task.id ? null : { task: task.id, bucket: task.bucket, index: task.position };
    draw();
    if (moving) boardNode.querySelector('#planner-move-bucket')?.focus();
  }

  function positionOptions(select, taskId, bucketId, index) {
    const count = tasksIn(bucketId).filter((other) => other.id !== taskId).length;
    fill(select, Array.from({ length: count + 1 }, (_, place) => el('option', { value: String(place) },
      place === count && count > 0 ? t('planner.placeLast', { place: place + 1 }) : t('planner.place', { place: place + 1 }))));
    select.value = String(Math.min(index, count));
  }

  function moveForm(task) {
    const bucketSelect = el('select', { id: 'planner-move-bucket' },
      board.buckets.map((bucket) => el('option', { value: String(bucket.id) }, bucket.name)));
    bucketSelect.value = String(moving.bucket);
    const placeSelect = el('select', { id: 'planner-move-place' });
    positionOptions(placeSelect, task.id, moving.bucket, moving.index);
    bucketSelect.addEventListener('change', () => {
      moving.bucket = Number(bucketSelect.value);
      moving.index = tasksIn(moving.bucket).filter((other) => other.id !== task.id).length;
      positionOptions(placeSelect, task.id, moving.bucket, moving.index);
    });
    placeSelect.addEventListener('change', () => {
      moving.index = Number(placeSelect.value);
    });
    const form = el('form', { class: 'planner-move-form', 'aria-label': t('planner.moveTitle', { title: task.title }) },
      el('div', { class: 'field' }, el('label', { for: 'planner-move-bucket' }, t('planner.moveBucket')), bucketSelect),
      el('div', { class: 'field' }, el('label', { for: 'planner-move-place' }, t('planner.movePlace')), placeSelect),
      el('div', { class: 'actions' },
        el('button', { type: 'submit', id: 'planner-move-save', class: 'button primary small' }, t('planner.moveSave')),
        el('button', {
          type: 'button', class: 'button small', 'data-action': 'move-cancel',
          onclick: () => {
            moving = null;
            draw();
            focusCard(task.id, 'move');
          },
        }, t('common.cancel'))));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const target = { ...moving };
      moving = null;
      moveTask(task.id, target.bucket, target.index);
    });
    return form;
  }

  // MARK: Moving by keyboard: Alt + ↑/↓ within the bucket, Alt + ←/→ to the bucket before or after

  function moveByKey(event, task) {
    if (!event.altKey || event.ctrlKey || event.metaKey || !event.key.startsWith('Arrow')) return;
    const current = taskOf(task.id);
    if (!current) return;
    const column = board.buckets.findIndex((bucket) => bucket.id === current.bucket);
    const count = tasksIn(current.bucket).length;
    let target = null;
    if (event.key === 'ArrowUp' && current.position > 0) target = [current.bucket, current.position - 1];
    if (event.key === 'ArrowDown' && current.position < count - 1) target = [current.bucket, current.position + 1];
    if (event.key === 'ArrowLeft' && column > 0) target = [board.buckets[column - 1].id, current.position];
    if (event.key === 'ArrowRight' && column < board.buckets.length - 1) target = [board.buckets[column + 1].id, current.position];
    event.preventDefault();
    if (target) moveTask(task.id, target[0], target[1]);
  }

  // MARK: Moving by dragging

  function clearDropMarks() {
    for (const node of boardNode.querySelectorAll('.drop-before, .drop-at-end')) node.classList.remove('drop-before', 'drop-at-end');
  }

  // The place a drop at `clientY` in `list` stands for: before the first card whose middle is below it; else after the
  // last card shown (with a filter on, cards not shown keep their places around it).
  function dropPlace(list, bucketId, clientY) {
    const cards = [...list.querySelectorAll('.planner-card:not(.is-dragging)')];
    const before = cards.find((node) => {
      const box = node.getBoundingClientRect();
      return clientY < box.top + box.height / 2;
    });
    const order = tasksIn(bucketId).filter((task) => task.id !== dragged).map((task) => task.id);
    if (before) return { node: before, index: order.indexOf(Number(before.dataset.taskId)) };
    const last = cards.at(-1);
    return { node: null, index: last ? order.indexOf(Number(last.dataset.taskId)) + 1 : order.length };
  }

  function dropZone(list, bucketId) {
    if (!board.canEditTasks) return;
    list.addEventListener('dragover', (event) => {
      if (dragged == null) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'move';
      clearDropMarks();
      const { node } = dropPlace(list, bucketId, event.clientY);
      if (node) node.classList.add('drop-before');
      else list.classList.add('drop-at-end');
    });
    list.addEventListener('dragleave', (event) => {
      if (!list.contains(event.relatedTarget)) clearDropMarks();
    });
    list.addEventListener('drop', (event) => {
      event.preventDefault();
      const id = Number(event.dataTransfer.getData('text/plain')) || dragged;
      const { index } = dropPlace(list, bucketId, event.clientY);
      clearDropMarks();
      dragged = null;
      if (taskOf(id)) moveTask(id, bucketId, index);
    });
  }

  async function moveTask(id, bucketId, index) {
    try {
      const move = await plannerApi.moveTask(accountId, id, bucketId, index);
      if (!alive) return;
      upsertTask(move.task);
      applyOrder(move.order);
      draw();
      focusCard(id);
      announce.textContent = t('planner.moved', {
        title: move.task.title, bucket: bucketOf(move.task.bucket)?.name ?? '', place: move.task.position + 1,
      });
    } catch (error) {
      if (!alive) return;
      draw();
      showFlash(describeError(error));
    }
  }

  function focusCard(id, action = 'open') {
    boardNode.querySelector(`[data-task-id="${id}"] [data-action="${action}"]`)?.focus();
  }

  // MARK: Columns

  function bucketTools(bucket, index) {
    const name = el('input', { type: 'text', id: `planner-bucket-name-${bucket.id}`, maxlength: String(MAX_TITLE_CHARS), value: bucket.name });
    const error = el('p', { class: 'form-error', role: 'alert' });
    const rename = el('form', { class: 'planner-rename' },
      el('label', { for: `planner-bucket-name-${bucket.id}` }, t('planner.bucketName')),
      el('div', { class: 'planner-inline' }, name, el('button', { type: 'submit', class: 'button small', 'data-action': 'rename' }, t('planner.rename'))));
    rename.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!name.value.trim()) return name.focus();
      try {
        const answer = await plannerApi.renameBucket(accountId, bucket.id, name.value.trim());
        if (!alive) return;
        upsertBucket(answer.bucket);
        draw();
      } catch (failure) {
        error.textContent = describeError(failure);
      }
    });
    const shift = async (to) => {
      try {
        const move = await plannerApi.moveBucket(accountId, bucket.id, to);
        if (!alive) return;
        applyBucketOrder(move.order);
        draw();
      } catch (failure) {
        error.textContent = describeError(failure);
      }
    };
    const remove = el('button', { type: 'button', class: 'button small danger-outline', 'data-action': 'delete-bucket' }, t('planner.deleteBucket'));
    remove.addEventListener('click', async () => {
      try {
        await plannerApi.deleteBucket(accountId, bucket.id);
        if (!alive) return;
        board.buckets = board.buckets.filter((candidate) => candidate.id !== bucket.id);
        toolsOpen = null;
        showFlash(t('planner.bucketDeleted', { name: bucket.name }));
        draw();
      } catch (failure) {
        error.textContent = describeError(failure);
      }
    });
    return el('div', { class: 'planner-bucket-tools' }, rename,
      el('div', { class: 'actions' },
        el('button', {
          type: 'button', class: 'button small', 'data-action': 'bucket-earlier', disabled: index === 0,
          onclick: () => shift(index - 1),
        }, t('planner.bucketEarlier')),
        el('button', {
          type: 'button', class: 'button small', 'data-action': 'bucket-later', disabled: index === board.buckets.length - 1,
          onclick: () => shift(index + 1),
        }, t('planner.bucketLater')),
        remove),
      error);
  }

  function column(bucket, index) {
    const all = tasksIn(bucket.id);
    const shown = all.filter(isShown);
    const list = el('ol', { class: 'planner-tasks', 'data-bucket-id': String(bucket.id), 'aria-labelledby': `planner-bucket-title-${bucket.id}` },
      shown.map(card));
    dropZone(list, bucket.id);
    const count = shown.length === all.length ? String(all.length) : t('planner.shownOf', { shown: shown.length, total: all.length });
    return el('section', { class: 'planner-bucket', 'data-bucket-id': String(bucket.id), 'aria-labelledby': `planner-bucket-title-${bucket.id}` },
      el('header', { class: 'planner-bucket-head' },
        el('h4', { id: `planner-bucket-title-${bucket.id}` }, bucket.name, ' ', el('span', { class: 'planner-count' }, `(${count})`)),
        board.canManage && el('button', {
          type: 'button', class: 'button small', 'data-action': 'bucket-tools', 'aria-expanded': String(toolsOpen === bucket.id),
          'aria-label': t('planner.bucketTools', { name: bucket.name }),
          onclick: () => {
            toolsOpen = toolsOpen === bucket.id ? null : bucket.id;
            draw();
          },
        }, '⋯')),
      toolsOpen === bucket.id && bucketTools(bucket, index),
      list,
      shown.length === 0 && el('p', { class: 'muted planner-empty-bucket' }, t(all.length === 0 ? 'planner.emptyBucket' : 'planner.noneShown')),
      board.canEditTasks && el('button', {
        type: 'button', class: 'link-button planner-add-here', 'data-action': 'add-task', onclick: () => showTaskForm(bucket.id),
      }, t('planner.addTaskHere')));
  }

  function draw() {
    if (!board) return;
    const restoreFocus = rememberFocus();
    drawToolbar();
    const buckets = filters.bucket ? board.buckets.filter((bucket) => String(bucket.id) === filters.bucket) : board.buckets;
    hint.hidden = !board.canEditTasks || board.tasks.length === 0;
    fill(boardNode, board.buckets.length === 0
      ? el('p', { class: 'muted planner-empty' }, t(board.canManage ? 'planner.emptyManager' : 'planner.empty'))
      : buckets.map((bucket) => column(bucket, board.buckets.indexOf(bucket))));
    restoreFocus();
  }

  // MARK: - Forms above the board

  function closeForm() {
    const was = openForm;
    openForm = null;
    formSlot.replaceChildren();
    if (!board) return;
    drawToolbar();
    const button = { bucket: '#planner-new-bucket', task: '#planner-new-task', template: '#planner-apply-template' }[was];
    if (button) element.querySelector(button)?.focus();
  }

  function showForm(name, form, focus) {
    openForm = name;
    formSlot.replaceChildren(form);
    drawToolbar();
    form.scrollIntoView({ block: 'nearest' });
    focus?.focus();
  }

  function showBucketForm() {
    const name = el('input', { type: 'text', id: 'planner-bucket-new-name', maxlength: String(MAX_TITLE_CHARS), autocomplete: 'off' });
    const error = el('p', { class: 'form-error', role: 'alert' });
    const form = el('form', { id: 'planner-bucket-form', class: 'planner-form', novalidate: true },
      el('div', { class: 'field' }, el('label', { for: 'planner-bucket-new-name' }, t('planner.bucketName')), name),
      error,
      el('div', { class: 'actions' },
        el('button', { type: 'submit', id: 'planner-bucket-save', class: 'button primary' }, t('planner.addBucket')),
        el('button', { type: 'button', class: 'button', onclick: closeForm }, t('common.cancel'))));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      if (!name.value.trim()) {
        error.textContent = t('planner.needName');
        return name.focus();
      }
      try {
        const { bucket } = await plannerApi.createBucket(accountId, name.value.trim());
        if (!alive) return;
        upsertBucket(bucket);
        showFlash(t('planner.bucketAdded', { name: bucket.name }));
        closeForm();
        draw();
      } catch (failure) {
        error.textContent = describeError(failure);
      }
    });
    showForm('bucket', form, name);
  }

  function showTaskForm(bucketId) {
    const bucket = el('select', { id: 'planner-task-new-bucket' }, board.buckets.map((candidate) => el('option', { value: String(candidate.id) }, candidate.name)));
    bucket.value = String(bucketId ?? board.buckets[0]?.id ?? '');
    const title = el('input', { type: 'text', id: 'planner-task-new-title', maxlength: String(MAX_TITLE_CHARS), autocomplete: 'off' });
    const assignee = el('select', { id: 'planner-task-new-assignee' }, el('option', { value: '' }, t('planner.unassigned')),
      members.map((member) => el('option', { value: String(member.person.id) }, member.person.name)));
    const due = el('input', { type: 'date', id: 'planner-task-new-due' });
    const error = el('p', { class: 'form-error', role: 'alert' });
    const form = el('form', { id: 'planner-task-form', class: 'planner-form', novalidate: true },
      el('div', { class: 'field-row' },
        el('div', { class: 'field' }, el('label', { for: 'planner-task-new-bucket' }, t('planner.bucket')), bucket),
        el('div', { class: 'field' }, el('label', { for: 'planner-task-new-assignee' }, t('planner.assignee')), assignee),
        el('div', { class: 'field' }, el('label', { for: 'planner-task-new-due' }, t('planner.dueDate')), due)),
      el('div', { class: 'field' }, el('label', { for: 'planner-task-new-title' }, t('planner.taskTitle')), title),
      error,
      el('div', { class: 'actions' },
        el('button', { type: 'submit', id: 'planner-task-save', class: 'button primary' }, t('planner.addTask')),
        el('button', { type: 'button', class: 'button', onclick: closeForm }, t('common.cancel'))));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      if (!title.value.trim()) {
        error.textContent = t('planner.needTitle');
        return title.focus();
      }
      const fields = { bucket: Number(bucket.value), title: title.value.trim() };
      if (assignee.value) fields.assignee = Number(assignee.value);
      if (due.value) fields.dueDate = due.value;
      try {
        const { task } = await plannerApi.createTask(accountId, fields);
        if (!alive) return;
        upsertTask(task);
        draw();
        showFlash(t('planner.taskAdded', { title: task.title }));
        // Ready for the next one.
        title.value = '';
        title.focus();
      } catch (failure) {
        error.textContent = describeError(failure);
      }
    });
    showForm('task', form, title);
  }

  function showTemplateForm() {
    const form = createTemplateForm({
      accountId, startDate: account?.startDate ?? null,
      onApplied: (result) => {
        for (const bucket of result.buckets) upsertBucket(bucket);
        for (const task of result.tasks) upsertTask(task);
        showFlash(result.alreadyApplied
          ? t('planner.alreadyApplied') : t('planner.applied', { count: result.tasks.length }));
        closeForm();
        draw();
      },
      onCancel: closeForm,
    });
    showForm('template', form.element);
    form.focus();
  }

  // MARK: - The task dialog

  function showTask(id) {
    dialog?.close();
    const opened = openTaskDialog({
      accountId, taskId: id, members,
      bucketName: (bucketId) => bucketOf(bucketId)?.name ?? '',
      onChanged: (task) => {
        upsertTask(task);
        draw();
      },
      onDeleted: (task) => {
        removeTask(task.id);
        showFlash(t('planner.taskDeleted', { title: task.title }));
        draw();
      },
      // A dialog's close event comes a moment after close(): only the dialog still open gives the focus back.
      onClosed: () => {
        if (dialog !== opened) return;
        dialog = null;
        focusCard(id);
      },
    });
    dialog = opened;
  }

  // MARK: - Loading

  async function load() {
    const id = ++loadId;
    try {
      const [answer, detail] = await Promise.all([plannerApi.board(accountId), api.account(accountId)]);
      if (!alive || id !== loadId) return;
      board = answer;
      account = detail.account;
      members = detail.members;
      status.hidden = true;
      if (!board.canManage && (openForm === 'bucket' || openForm === 'template')) closeForm();
      if (!board.canEditTasks && openForm === 'task') closeForm();
      if (moving && !taskOf(moving.task)) moving = null;
      draw();
    } catch (error) {
      if (!alive || id !== loadId) return;
      showLoadError(status, error, load);
    }
  }

  filterMine.addEventListener('change', () => {
    filters.mine = filterMine.checked;
    draw();
  });
  filterOverdue.addEventListener('change', () => {
    filters.overdue = filterOverdue.checked;
    draw();
  });
  filterBucket.addEventListener('change', () => {
    filters.bucket = filterBucket.value;
    draw();
  });

  function scheduleReload() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(load, RELOAD_DELAY_MS);
  }

  load();
  return {
    element,
    // A planner.* event of the channel: applied in place (its data is what the server stored).
    event({ kind, data }) {
      if (!board) return scheduleReload();
      switch (kind) {
        case 'planner.bucket.created':
        case 'planner.bucket.updated':
          upsertBucket(data);
          break;
        case 'planner.bucket.moved':
          upsertBucket(data.bucket);
          applyBucketOrder(data.order);
          break;
        case 'planner.bucket.deleted':
          board.buckets = board.buckets.filter((bucket) => bucket.id !== data.id);
          break;
        case 'planner.task.created':
        case 'planner.task.updated':
          upsertTask(data);
          dialog?.changed(data);
          break;
        case 'planner.task.moved':
          upsertTask(data.task);
          applyOrder(data.order);
          dialog?.changed(data.task);
          break;
        case 'planner.task.deleted':
          removeTask(data.id);
          dialog?.deleted(data.id);
          break;
        case 'planner.comment.added': {
          const task = taskOf(data.comment.task);
          if (task) task.commentCount = data.commentCount;
          dialog?.commentAdded(data);
          break;
        }
        default:
          return scheduleReload(); // planner.template.applied and kinds this page does not know
      }
      draw();
    },
    reload: load,
    destroy() {
      alive = false;
      clearTimeout(reloadTimer);
      clearTimeout(flashTimer);
      dialog?.close();
    },
  };
}
