// Keeps the socket subscribed to every channel of the signed-in person for the whole session, so that what
// concerns them (urgent notices, reminders, acknowledgements made in another tab) arrives wherever they are in the
// app, not only on that channel's page. Also knows the channels' names (for the urgent-notice banner).
import { api } from './api.js';
import { socket } from './socket.js';

const names = new Map(); // account id → name
let release = () => {};
let loadId = 0;
let ready = Promise.resolve(); // the list being loaded

export function accountName(id) {
  return names.get(id) ?? id;
}

// Resolves once the channels being loaded are known (their names), also when loading them failed.
export function channelsKnown() {
  return ready;
}

// Returns the function that stops watching (at sign-out).
export function watchMyChannels(person) {
  let failed = false;

  function load() {
    ready = loadChannels();
  }

  async function loadChannels() {
    const id = ++loadId;
    try {
      const { accounts } = await api.accounts();
      if (id !== loadId) return;
      failed = false;
      names.clear();
      for (const account of accounts) names.set(account.id, account.name);
      // Subscribe anew before letting go of the old set, so a channel in both is never dropped in between.
      const previous = release;
      release = socket.subscribe(accounts.map((account) => ({ channel: account.id, after: account.head })));
      previous();
    } catch {
      if (id === loadId) failed = true; // tried again when the connection is back
    }
  }

  const aboutMe = (event) => event.data?.person?.id === person.id;
  const unlisten = [
    socket.on('membership.added', (event) => aboutMe(event) && load()),
    socket.on('membership.removed', (event) => aboutMe(event) && load()),
    socket.on('account.updated', (event) => names.set(event.channel, event.data?.name ?? accountName(event.channel))),
    socket.on('state', (state) => state === 'online' && failed && load()),
  ];
  load();

  return () => {
    loadId += 1;
    unlisten.forEach((off) => off());
    release();
    release = () => {};
    names.clear();
  };
}
