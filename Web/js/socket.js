// The WebSocket client (docs/web-contract.md, "WebSocket /ws").
//
// socket.on(name, listener) returns a function that removes the listener. Names:
//   'state'  – connection state: 'online' | 'connecting' | 'offline'
//   'hello'  – the server's hello frame
//   'reset'  – { channel }: events were missed beyond replay; reload that channel's data
//   'event'  – every event frame; or an event kind such as 'membership.removed'
//
// socket.subscribe([{ channel, after }]) returns a release function. Subscriptions are
// reference-counted, so two views can want the same channel. The last seq seen per channel
// is kept in memory and sent as `after` when resubscribing after a reconnect.

const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 30000;
const PING_INTERVAL_MS = 25000;

class Socket {
  #ws = null;
  #state = 'offline';
  #running = false;
  #attempt = 0;
  #retryTimer = null;
  #pingTimer = null;
  #awaitingPong = false;
  #personId = null;
  #nextId = 1;
  #pending = new Map(); // request id → { resolve, reject }
  #channels = new Map(); // channel → { refs, seq }
  #listeners = new Map(); // name → Set of listeners

  constructor() {
    // Coming back online: retry now instead of waiting out the back-off.
    window.addEventListener('online', () => {
      if (this.#running && !this.#ws) this.#connect();
    });
  }

  get state() {
    return this.#state;
  }

  on(name, listener) {
    if (!this.#listeners.has(name)) this.#listeners.set(name, new Set());
    this.#listeners.get(name).add(listener);
    return () => this.#listeners.get(name).delete(listener);
  }

  start() {
    if (this.#running) return;
    this.#running = true;
    this.#attempt = 0;
    this.#connect();
  }

  stop() {
    this.#running = false;
    clearTimeout(this.#retryTimer);
    const ws = this.#ws;
    this.#dropConnection();
    ws?.close(1000);
    this.#channels.clear();
    this.#setState('offline');
  }

  subscribe(entries) {
    const mine = [];
    const fresh = [];
    for (const { channel, after } of entries) {
      let sub = this.#channels.get(channel);
      if (sub) {
        sub.refs += 1;
      } else {
        sub = { refs: 1, seq: after ?? null };
        this.#channels.set(channel, sub);
        fresh.push(channel);
      }
      mine.push([channel, sub]);
    }
    if (fresh.length > 0 && this.#state === 'online') this.#sendSubscribe(fresh);

    let released = false;
    return () => {
      if (released) return;
      released = true;
      const gone = [];
      for (const [channel, sub] of mine) {
        if (this.#channels.get(channel) !== sub) continue; // already dropped
        sub.refs -= 1;
        if (sub.refs === 0) {
          this.#channels.delete(channel);
          gone.push(channel);
        }
      }
      if (gone.length > 0 && this.#state === 'online') {
        this.request({ type: 'unsubscribe', channels: gone }).catch(() => {});
      }
    };
  }

  // Sends a frame with a fresh request id; resolves with the reply's result.
  request(frame) {
    if (this.#ws?.readyState !== WebSocket.OPEN) return Promise.reject(new Error('offline'));
    const id = `r${this.#nextId++}`;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#ws.send(JSON.stringify({ ...frame, id }));
    });
  }

  #emit(name, payload) {
    for (const listener of this.#listeners.get(name) ?? []) {
      try {
        listener(payload);
      } catch (error) {
        console.error(error);
      }
    }
  }

  #setState(state) {
    if (state === this.#state) return;
    this.#state = state;
    this.#emit('state', state);
  }

  #connect() {
    clearTimeout(this.#retryTimer);
    this.#setState('connecting');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/ws`);
    this.#ws = ws;
    ws.addEventListener('message', (event) => {
      if (ws === this.#ws) this.#onFrame(event.data);
    });
    // 'error' is always followed by 'close'.
    ws.addEventListener('close', () => {
      if (ws === this.#ws) this.#onClosed();
    });
  }

  // Forgets the current connection without waiting for its close handshake.
  #dropConnection() {
    this.#ws = null;
    clearInterval(this.#pingTimer);
    this.#awaitingPong = false;
    for (const { reject } of this.#pending.values()) reject(new Error('disconnected'));
    this.#pending.clear();
  }

  #onClosed() {
    this.#dropConnection();
    if (!this.#running) return;
    this.#setState('offline');
    // Exponential back-off with jitter: a random delay in [cap/2, cap], cap ≤ 30 s.
    const cap = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** this.#attempt);
    this.#attempt += 1;
    this.#retryTimer = setTimeout(() => this.#connect(), cap / 2 + Math.random() * (cap / 2));
  }

  #onFrame(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    switch (frame.type) {
      case 'hello':
        this.#onHello(frame);
        break;
      case 'reply': {
        const pending = this.#pending.get(frame.id);
        if (!pending) break;
        this.#pending.delete(frame.id);
        if (frame.ok) pending.resolve(frame.result);
        else pending.reject(Object.assign(new Error(frame.error?.message ?? 'error'), { code: frame.error?.code }));
        break;
      }
      case 'event':
        this.#onEvent(frame);
        break;
      case 'error':
        console.warn('Kanava socket:', frame.error);
        break;
    }
  }

  #onHello(frame) {
    this.#personId = frame.person?.id ?? null;
    this.#attempt = 0;
    this.#setState('online');
    this.#emit('hello', frame);
    if (this.#channels.size > 0) this.#sendSubscribe([...this.#channels.keys()]);
    this.#pingTimer = setInterval(() => this.#ping(), PING_INTERVAL_MS);
  }

  // A ping left unanswered for a whole interval means a dead connection (common on phones).
  #ping() {
    if (this.#awaitingPong) {
      const ws = this.#ws;
      this.#onClosed();
      ws?.close();
      return;
    }
    this.#awaitingPong = true;
    this.request({ type: 'ping' }).then(() => {
      this.#awaitingPong = false;
    }, () => {});
  }

  #sendSubscribe(names) {
    const channels = names.map((channel) => {
      const seq = this.#channels.get(channel)?.seq;
      return seq == null ? { channel } : { channel, after: seq };
    });
    this.request({ type: 'subscribe', channels }).then((result) => {
      for (const entry of result?.channels ?? []) {
        const sub = this.#channels.get(entry.channel);
        if (!sub) continue;
        if (entry.error) {
          this.#channels.delete(entry.channel);
        } else if (entry.reset) {
          sub.seq = entry.head;
          this.#emit('reset', { channel: entry.channel });
        } else if (sub.seq == null) {
          sub.seq = entry.head; // subscribed "from now"
        }
      }
    }, () => {}); // connection lost: everything is resubscribed after the next hello
  }

  #onEvent(frame) {
    const sub = this.#channels.get(frame.channel);
    if (sub) {
      if (sub.seq != null && frame.seq <= sub.seq) return; // already seen
      sub.seq = frame.seq;
    }
    // The server stops sending a channel to a removed member; forget it so it is not resubscribed.
    if (frame.kind === 'membership.removed' && frame.data?.person?.id === this.#personId) {
      this.#channels.delete(frame.channel);
    }
    this.#emit('event', frame);
    this.#emit(frame.kind, frame);
  }
}

export const socket = new Socket();
