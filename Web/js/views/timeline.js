// A scrolling list of chat messages: the newest page first, older pages as the person scrolls up (or presses "load
// older"), live `message.*` events of the channel, and the person's own messages still on their way (outbox.js),
// shown as "sending" below the others. Messages are kept by id, so one that arrives twice (an event and a history
// page, or an event and the send's reply) is shown once.
//
// `source`: { load(paging) → { messages, hasMore }, accepts(message), pendingMatch(outboxItem) } says which messages
// belong here (the open chat, one thread, one conversation). `target`: a message id to scroll to and mark.
import { el, fill } from '../dom.js';
import { describeError, t } from '../i18n.js';
import { showLoadError } from '../load-error.js';
import { outbox } from '../outbox.js';
import { socket } from '../socket.js';
import { asDeleted, createMessageItem } from './message.js';

const PAGE_SIZE = 50;
const NEAR_EDGE_PX = 80;
const MAX_TARGET_PAGES = 10; // pages searched back for a linked message before giving up

export function createTimeline({ accountId, person, canManage, source, threadLink = null, target = null, onChange = () => {}, onTargetMissing = () => {} }) {
  const older = el('button', { type: 'button', class: 'button small timeline-older', hidden: true }, t('chat.older'));
  const status = el('p', { class: 'muted timeline-status', role: 'status' }, t('common.loading'));
  const list = el('ol', { class: 'message-list' });
  const pendingList = el('ol', { class: 'message-list pending-list', 'aria-label': t('chat.pending') });
  // A log: screen readers read out messages as they arrive (not while a page of history loads: aria-busy).
  const scroller = el('div', { class: 'timeline-scroll', role: 'log', tabindex: '0', 'aria-label': t('chat.messages') }, older, status, list, pendingList);

  const items = new Map(); // message id → message item
  const delivered = new Set(); // clientIds already shown as stored messages
  let hasMore = false;
  let oldestId = null;
  let loading = false;
  let loaded = false;
  let alive = true;
  let loadId = 0;

  const atBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_EDGE_PX;
  const scrollToBottom = () => {
    scroller.scrollTop = scroller.scrollHeight;
  };

  // The message item that comes after `id` in the list (ids grow with time), or null for the end.
  function nextNode(id) {
    let best = null;
    for (const [otherId, item] of items) {
      if (otherId > id && (best == null || otherId < best[0])) best = [otherId, item];
    }
    return best?.[1].node ?? null;
  }

  // Adds or updates a message; returns true when it was new.
  function put(message) {
    if (message.clientId) delivered.add(message.clientId);
    const known = items.get(message.id);
    if (known) {
      known.update(message);
      return false;
    }
    const item = createMessageItem(message, { accountId, person, canManage, threadLink });
    list.insertBefore(item.node, nextNode(message.id));
    items.set(message.id, item);
    return true;
  }

  function setLoading(value) {
    loading = value;
    scroller.setAttribute('aria-busy', String(value));
  }

  function drawStatus() {
    status.hidden = items.size > 0 || !loaded;
    if (loaded && items.size === 0) status.textContent = t('chat.none');
    older.hidden = !hasMore;
    older.disabled = loading;
  }

  // MARK: - Own messages on their way

  function pendingItem(item) {
    const failed = item.state === 'failed';
    return el('li', { class: 'message is-pending', 'data-client-id': item.clientId, 'data-state': item.state },
      el('p', { class: 'message-head' },
        el('span', { class: 'message-author' }, person.name), ' ',
        el('span', { class: 'message-sending' }, t(failed ? 'chat.failed' : item.state === 'waiting' ? 'chat.waiting' : 'chat.sending'))),
      // What was typed, as text: the server renders it once it is stored.
      el('p', { class: 'message-pending-text' }, item.body),
      failed && el('p', { class: 'form-error' }, describeError(item.error)),
      failed && el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'button small', 'data-action': 'retry', onclick: () => outbox.retry(item.clientId) }, t('chat.retry')),
        el('button', { type: 'button', class: 'button small', 'data-action': 'discard', onclick: () => outbox.discard(item.clientId) }, t('chat.discard'))));
  }

  function drawPending() {
    const wasAtBottom = atBottom();
    fill(pendingList, outbox.pending(accountId, source.pendingMatch).filter((item) => !delivered.has(item.clientId)).map(pendingItem));
    if (wasAtBottom) scrollToBottom();
  }

  // MARK: - Loading

  async function loadOlder() {
    if (loading || !hasMore) return;
    setLoading(true);
    drawStatus();
    const id = loadId;
    const heightBefore = scroller.scrollHeight;
    const topBefore = scroller.scrollTop;
    try {
      const page = await source.load({ before: oldestId, limit: PAGE_SIZE });
      if (!alive || id !== loadId) return;
      page.messages.forEach(put);
      hasMore = page.hasMore;
      oldestId = page.messages[0]?.id ?? oldestId;
      // Keep what the person was reading where it was.
      scroller.scrollTop = topBefore + (scroller.scrollHeight - heightBefore);
    } catch (error) {
      if (alive && id === loadId) showLoadError(status, error, loadOlder);
    } finally {
      if (id === loadId) setLoading(false);
      if (alive) drawStatus();
    }
  }

  async function load() {
    const id = ++loadId;
    setLoading(true);
    try {
      const page = await source.load({ limit: PAGE_SIZE });
      if (!alive || id !== loadId) return;
      items.clear();
      list.replaceChildren();
      page.messages.forEach(put);
      hasMore = page.hasMore;
      oldestId = page.messages[0]?.id ?? null;
      loaded = true;
      setLoading(false);
      drawStatus();
      drawPending();
      if (target != null) await showTarget(id);
      else scrollToBottom();
      onChange();
    } catch (error) {
      if (!alive || id !== loadId) return;
      setLoading(false);
      showLoadError(status, error, load);
    }
  }

  // Scrolls to the linked message, loading older pages until it is there.
  async function showTarget(id) {
    for (let pages = 0; !items.has(target) && hasMore && pages < MAX_TARGET_PAGES; pages += 1) {
      await loadOlder();
      if (!alive || id !== loadId) return;
    }
    const item = items.get(target);
    if (!item) {
      scrollToBottom();
      return onTargetMissing(target);
    }
    item.node.classList.add('is-target');
    item.node.scrollIntoView({ block: 'center' });
    item.node.focus({ preventScroll: true });
  }

  // MARK: - Live events

  function changeReplies(rootId, by, at = null) {
    const root = items.get(rootId);
    if (!root) return;
    const message = root.message;
    root.update({ ...message, replyCount: Math.max(0, message.replyCount + by), lastReplyAt: at ?? message.lastReplyAt });
  }

  function onPosted(message) {
    // A reply counts on its root once: a reply no later than the root's last known one is already counted.
    if (message.threadRoot != null) {
      const root = items.get(message.threadRoot)?.message;
      if (root && !items.has(message.id) && (root.lastReplyAt == null || message.createdAt > root.lastReplyAt)) {
        changeReplies(message.threadRoot, 1, message.createdAt);
      }
    }
    if (!source.accepts(message)) return;
    const mine = message.author?.id === person.id;
    const wasAtBottom = atBottom();
    put(message);
    drawStatus();
    drawPending();
    if (mine || wasAtBottom) scrollToBottom();
    onChange();
  }

  const forThisChannel = (handler) => (event) => {
    if (event.channel === accountId && loaded) handler(event.data);
  };
  const unlisten = [
    socket.on('message.posted', forThisChannel(onPosted)),
    socket.on('message.edited', forThisChannel((message) => {
      if (items.has(message.id)) items.get(message.id).update(message);
    })),
    socket.on('message.deleted', forThisChannel((data) => {
      const item = items.get(data.id);
      if (item && !item.message.deletedAt) item.update(asDeleted(item.message, data.deletedAt, canManage));
      if (data.threadRoot != null) changeReplies(data.threadRoot, -1);
    })),
    socket.on('reset', (event) => {
      if (event.channel === accountId) load();
    }),
    outbox.on((change) => {
      if (change.item.channel !== accountId || !source.pendingMatch(change.item)) return;
      if (change.type === 'sent') {
        onPosted(change.message);
      } else {
        drawPending();
      }
    }),
  ];

  scroller.addEventListener('scroll', () => {
    if (scroller.scrollTop < NEAR_EDGE_PX) loadOlder();
  }, { passive: true });
  older.addEventListener('click', loadOlder);

  load();
  return {
    element: scroller,
    // The newest message shown (for the read marker), or null.
    newestId() {
      let newest = null;
      for (const id of items.keys()) if (newest == null || id > newest) newest = id;
      return newest;
    },
    destroy() {
      alive = false;
      unlisten.forEach((off) => off());
    },
  };
}
