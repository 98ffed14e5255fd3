// The banner of urgent notices the person must still acknowledge, part of the page header, so it is there on every
// page (also on a phone) until each is acknowledged. Filled from GET /api/notices/open at sign-in and again when
// an urgent notice is posted in any of the person's channels (my-channels.js keeps them all subscribed); a reminder
// (`notice.reminder` about the person) makes its notice flash and be read out again; an acknowledgement here, or in
// another tab (`notice.acknowledged` about the person), or a withdrawal removes it. New notices and reminders are
// announced through an assertive live region.
import { noticeApi } from '../chat-api.js';
import { el, fill, serverHtml } from '../dom.js';
import { describeError, formatDateTime, onLanguageChange, t } from '../i18n.js';
import { accountName, channelsKnown } from '../my-channels.js';
import { paths } from '../router.js';
import { socket } from '../socket.js';

const RELOAD_DELAY_MS = 200;

const banner = () => document.getElementById('urgent-banner');
const announcer = () => document.getElementById('urgent-announcer');

// Says `text` to screen readers (emptied first, so the same text is said again).
function announce(text) {
  const region = announcer();
  region.textContent = '';
  setTimeout(() => {
    region.textContent = text;
  }, 50);
}

// Returns the function that stops the banner (at sign-out).
export function startUrgentBanner(person) {
  let notices = [];
  const expanded = new Set(); // notice ids whose text is shown
  const errors = new Map(); // notice id → why acknowledging failed
  const busy = new Set(); // notice ids being acknowledged
  let loadId = 0;
  let loaded = false;
  let reloadTimer = null;

  function item(notice) {
    const open = expanded.has(notice.id);
    const textId = `urgent-text-${notice.id}`;
    return el('li', { class: 'urgent-item', 'data-notice-id': String(notice.id), 'data-account': notice.account },
      el('p', { class: 'urgent-line' },
        el('span', { class: 'urgent-label' }, t('banner.urgent')), ' ',
        el('strong', { id: `urgent-title-${notice.id}`, class: 'urgent-title' }, notice.title), ' ',
        el('span', { class: 'urgent-meta' }, accountName(notice.account),
          el('span', { class: 'urgent-time' }, ` · ${formatDateTime(notice.createdAt)}`))),
      open && serverHtml('div', { id: textId, class: 'urgent-text prose' }, notice.html),
      errors.has(notice.id) && el('p', { class: 'form-error', role: 'alert' }, errors.get(notice.id)),
      el('div', { class: 'urgent-actions' },
        el('button', {
          type: 'button', class: 'button small primary urgent-ack', 'data-action': 'ack', disabled: busy.has(notice.id),
          'aria-label': t('banner.acknowledgeLabel', { title: notice.title }), onclick: () => acknowledge(notice),
        }, t(busy.has(notice.id) ? 'banner.acknowledging' : 'banner.acknowledge')),
        el('button', {
          type: 'button', class: 'button small urgent-toggle', 'data-action': 'toggle', 'aria-expanded': String(open),
          'aria-controls': open ? textId : null, 'aria-describedby': `urgent-title-${notice.id}`, onclick: () => toggle(notice.id),
        }, t(open ? 'banner.hide' : 'banner.show')),
        el('a', { class: 'urgent-open', href: paths.notices(notice.account) }, t('banner.open'))));
  }

  function draw() {
    const node = banner();
    const focused = node.contains(document.activeElement)
      ? [document.activeElement.closest('[data-notice-id]')?.dataset.noticeId, document.activeElement.dataset.action] : null;
    node.hidden = notices.length === 0;
    fill(node, notices.length > 0 && [
      el('h2', { id: 'urgent-banner-title', class: 'urgent-heading' }, t('banner.title', { count: notices.length })),
      el('ul', { class: 'urgent-list' }, notices.map(item)),
    ]);
    node.setAttribute('aria-labelledby', 'urgent-banner-title');
    if (focused) {
      const [id, action] = focused;
      (node.querySelector(`[data-notice-id="${id}"] [data-action="${action}"]`) ?? node.querySelector('[data-action="ack"]'))?.focus();
    }
  }

  function remove(id) {
    if (!notices.some((notice) => notice.id === id)) return;
    notices = notices.filter((notice) => notice.id !== id);
    expanded.delete(id);
    errors.delete(id);
    draw();
  }

  async function load() {
    const id = ++loadId;
    try {
      const answer = await noticeApi.open();
      await channelsKnown(); // for the channels' names
      if (id !== loadId) return;
      const known = new Set(notices.map((notice) => notice.id));
      const fresh = answer.notices.filter((notice) => !known.has(notice.id));
      notices = answer.notices;
      draw();
      // At sign-in the banner speaks for itself; later, a new notice is read out.
      if (loaded && fresh.length > 0) announce(fresh.map((notice) => t('banner.announceNew', { title: notice.title, account: accountName(notice.account) })).join(' '));
      loaded = true;
    } catch {
      // kept as it was; the next event or reconnection loads again
    }
  }

  function scheduleLoad() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(load, RELOAD_DELAY_MS);
  }

  function toggle(id) {
    if (expanded.has(id)) expanded.delete(id);
    else expanded.add(id);
    draw();
  }

  async function acknowledge(notice) {
    busy.add(notice.id);
    errors.delete(notice.id);
    draw();
    try {
      await noticeApi.acknowledge(notice.account, notice.id);
      busy.delete(notice.id);
      remove(notice.id);
      announce(t('banner.acknowledged', { title: notice.title }));
    } catch (error) {
      busy.delete(notice.id);
      errors.set(notice.id, describeError(error));
      draw();
    }
  }

  // A reminder: the notice flashes (the animation restarts) and is read out again.
  function remind(data) {
    const node = banner().querySelector(`[data-notice-id="${data.notice}"]`);
    if (!node) return scheduleLoad();
    node.classList.remove('is-reminded');
    void node.offsetWidth; // restart the animation
    node.classList.add('is-reminded');
    announce(t('banner.announceReminder', { title: data.title }));
  }

  const unlisten = [
    socket.on('notice.posted', (event) => {
      if (event.data?.priority === 'urgent' && event.data.author?.id !== person.id) scheduleLoad();
    }),
    socket.on('notice.acknowledged', (event) => {
      if (event.data?.person?.id === person.id) remove(event.data.notice);
    }),
    socket.on('notice.withdrawn', (event) => remove(event.data?.notice)),
    socket.on('notice.reminder', (event) => {
      if (event.data?.person === person.id) remind(event.data);
    }),
    socket.on('membership.added', (event) => event.data?.person?.id === person.id && scheduleLoad()),
    socket.on('membership.removed', (event) => event.data?.person?.id === person.id && scheduleLoad()),
    socket.on('reset', scheduleLoad),
    socket.on('state', (state) => state === 'online' && loaded && scheduleLoad()),
    onLanguageChange(draw),
  ];
  load();

  return () => {
    loadId += 1;
    clearTimeout(reloadTimer);
    unlisten.forEach((off) => off());
    notices = [];
    draw();
  };
}
