// One conversation in the chat column: a heading, its messages (timeline.js) and the composer. The open chat, a
// thread (replies go to its root) and an "ask the director" conversation (`privateWith` the member) differ only in
// where messages come from and go to. While it is on screen it tells the server what has been read.
import { chatApi } from '../chat-api.js';
import { el } from '../dom.js';
import { describeError } from '../i18n.js';
import { outbox } from '../outbox.js';
import { navigate, paths } from '../router.js';
import { socket } from '../socket.js';
import { createComposer } from './composer.js';
import { createTimeline } from './timeline.js';

// Which messages a kind of view shows and where its new ones go.
function sourceOf(kind, accountId, { root, member }) {
  if (kind === 'thread') {
    return {
      load: (paging) => chatApi.thread(accountId, root, paging),
      accepts: (message) => message.id === root || message.threadRoot === root,
      pendingMatch: (item) => item.threadRoot === root,
      where: { threadRoot: root },
    };
  }
  if (kind === 'conversation') {
    return {
      load: (paging) => chatApi.conversation(accountId, member, paging),
      accepts: (message) => message.privateWith === member,
      pendingMatch: (item) => item.privateWith === member && item.threadRoot == null,
      where: { privateWith: member },
    };
  }
  return {
    load: (paging) => chatApi.messages(accountId, paging),
    accepts: (message) => message.threadRoot == null && message.privateWith == null,
    pendingMatch: (item) => item.threadRoot == null && item.privateWith == null,
    where: {},
  };
}

// `kind`: 'chat' | 'thread' (with `root`) | 'conversation' (with `member`, a person id). `heading`: the view's
// title element (focused on navigation); `intro`: optional nodes under it. `isVisible()`: whether the person can
// see it now (the chat column may be a hidden tab on a phone).
export function createChatView({ accountId, person, canManage, members, kind, root = null, member = null, target = null, heading, intro = null, composerLabel, isVisible }) {
  const source = sourceOf(kind, accountId, { root, member });
  let lastRead = 0;

  function markRead() {
    const newest = timeline.newestId();
    if (newest == null || newest <= lastRead || !isVisible() || socket.state !== 'online') return;
    lastRead = newest;
    socket.request({ type: 'read', channel: accountId, upTo: newest }).catch(() => {
      lastRead = 0; // tried again on the next change
    });
  }

  const timeline = createTimeline({
    accountId, person, canManage, source, target,
    threadLink: kind === 'chat' ? (message) => paths.thread(accountId, message.id) : null,
    onChange: markRead,
    // Not within the pages searched: its thread shows it as the first message.
    onTargetMissing: (id) => {
      if (kind === 'chat') navigate(paths.thread(accountId, id), { replace: true });
    },
  });
  const composer = createComposer({
    idPrefix: `composer-${kind}`,
    draftKey: `${person.id}/${accountId}/${kind}/${root ?? member ?? ''}`,
    label: composerLabel,
    members: () => members().filter((candidate) => candidate.person.id !== person.id),
    onSend: (text) => outbox.send(accountId, text, source.where),
  });
  const element = el('section', { class: `chat-view chat-view-${kind}`, 'data-kind': kind, 'aria-labelledby': heading.id },
    heading, intro, timeline.element, composer.element);

  // A refusal from the server is said next to the composer too (the message itself shows it and offers a retry).
  const unlisten = [
    outbox.on((change) => {
      if (change.item.channel === accountId && source.pendingMatch(change.item) && change.item.state === 'failed') {
        composer.showError(describeError(change.item.error));
      }
    }),
    socket.on('state', (state) => {
      if (state === 'online') markRead();
    }),
  ];
  const onVisibility = () => markRead();
  document.addEventListener('visibilitychange', onVisibility);

  return {
    element,
    focusComposer: () => composer.focus(),
    // The chat column was shown (e.g. its tab chosen on a phone).
    shown: markRead,
    destroy() {
      timeline.destroy();
      unlisten.forEach((off) => off());
      document.removeEventListener('visibilitychange', onVisibility);
    },
  };
}
