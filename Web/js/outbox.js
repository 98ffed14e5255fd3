// Chat messages on their way to the server over the WebSocket (docs/web-contract.md, "WebSocket requests for chat
// and notices"). Each gets a fresh clientId and is shown as "sending" until the server's reply, which comes only
// once the message is stored. When the connection is lost first, the message waits here and is sent again with the
// SAME clientId when the socket is back, so the server stores it once however often it is retried. A refusal by the
// server (too long, no longer a member, …) marks it failed with the reason: the person may try again or discard it.
//
// outbox.on(listener) tells of every change: { type: 'changed', item } or { type: 'sent', item, message }.
import { socket } from './socket.js';

const items = new Map(); // clientId → Item, in the order written
const listeners = new Set();

function emit(change) {
  for (const listener of listeners) {
    try {
      listener(change);
    } catch (error) {
      console.error(error);
    }
  }
}

function setState(item, state, error = null) {
  item.state = state; // 'sending' | 'waiting' (for the connection) | 'failed'
  item.error = error;
  emit({ type: 'changed', item });
}

async function attempt(item) {
  if (socket.state !== 'online') return setState(item, 'waiting');
  setState(item, 'sending');
  const frame = { type: 'send', channel: item.channel, clientId: item.clientId, body: item.body };
  if (item.threadRoot != null) frame.threadRoot = item.threadRoot;
  if (item.privateWith != null) frame.privateWith = item.privateWith;
  try {
    const result = await socket.request(frame);
    if (!items.has(item.clientId)) return; // discarded meanwhile
    items.delete(item.clientId);
    emit({ type: 'sent', item, message: result.message });
  } catch (error) {
    if (!items.has(item.clientId)) return;
    // A reply with an error code is the server's answer; anything else is a lost connection: wait and resend.
    if (error.code) setState(item, 'failed', error);
    else setState(item, 'waiting');
  }
}

socket.on('state', (state) => {
  if (state !== 'online') return;
  for (const item of items.values()) {
    if (item.state === 'waiting') attempt(item);
  }
});

// A reload would lose what has not reached the server: the browser asks first.
window.addEventListener('beforeunload', (event) => {
  if ([...items.values()].some((item) => item.state !== 'failed')) event.preventDefault();
});

export const outbox = {
  // A reply in the thread of `threadRoot`, or a message in the "ask the director" conversation of `privateWith`;
  // neither: the open chat. Returns the new item.
  send(channel, body, { threadRoot = null, privateWith = null } = {}) {
    const item = { clientId: crypto.randomUUID(), channel, body, threadRoot, privateWith, state: 'waiting', error: null };
    items.set(item.clientId, item);
    attempt(item);
    return item;
  },

  retry(clientId) {
    const item = items.get(clientId);
    if (item?.state === 'failed') attempt(item);
  },

  discard(clientId) {
    const item = items.get(clientId);
    if (!item) return;
    items.delete(clientId);
    emit({ type: 'changed', item: { ...item, state: 'discarded' } });
  },

  // The items of one channel that `matches` accepts, oldest first.
  pending(channel, matches) {
    return [...items.values()].filter((item) => item.channel === channel && matches(item));
  },

  // Another person signs in at this browser: nothing of the last one's stays.
  clear() {
    items.clear();
  },

  on(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
