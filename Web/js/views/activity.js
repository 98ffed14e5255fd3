// #/activity: the most active members of a year in each channel the person directs (admins: every channel), a table
// per channel (messages, urgent-notice acknowledgements, feedback, total), with a year picker and a print button (the
// print style leaves out everything but the tables). The year shown is kept in the address (?year=) without a reload.
import { feedbackApi } from '../feedback-api.js';
import { el, fill } from '../dom.js';
import { describeError, roleName, t } from '../i18n.js';
import { paths } from '../router.js';

const FIRST_YEAR = 2000;
const COLUMNS = ['messages', 'acknowledgements', 'feedback', 'total'];

function channelTable(channel, index) {
  const headingId = `activity-channel-${index}`;
  const head = el('tr', {},
    el('th', { scope: 'col' }, t('activity.rank')),
    el('th', { scope: 'col' }, t('activity.person')),
    el('th', { scope: 'col' }, t('activity.role')),
    COLUMNS.map((column) => el('th', { scope: 'col', class: 'col-number' }, t(`activity.${column}`))));
  const rows = channel.members.map((member, rank) => el('tr', { 'data-person-id': String(member.person.id) },
    el('td', { class: 'col-number', 'data-label': t('activity.rank') }, String(rank + 1)),
    el('td', { 'data-label': t('activity.person') }, member.person.name),
    el('td', { class: 'col-role', 'data-label': t('activity.role') }, roleName(member.role)),
    COLUMNS.map((column) => el('td', { class: `col-number col-${column}`, 'data-label': t(`activity.${column}`) }, String(member[column])))));
  return el('section', { class: 'activity-channel', 'data-account-id': channel.account.id, 'aria-labelledby': headingId },
    el('h2', { id: headingId }, el('a', { href: paths.channel(channel.account.id) }, channel.account.name), ' ',
      el('span', { class: 'muted activity-account-id' }, channel.account.id)),
    channel.members.length === 0
      ? el('p', { class: 'muted' }, t('activity.noneInChannel'))
      : el('div', { class: 'table-wrap' }, el('table', { class: 'data-table activity-table' }, el('thead', {}, head), el('tbody', {}, rows))));
}

export function renderActivity(root, { route }) {
  const yearSelect = el('select', { id: 'activity-year' });
  const print = el('button', { type: 'button', id: 'activity-print', class: 'button', onclick: () => window.print() }, t('activity.print'));
  const status = el('p', { class: 'muted', role: 'status' }, t('common.loading'));
  const results = el('div', { id: 'activity-results', class: 'activity-results' });
  const toolbar = el('div', { class: 'activity-toolbar', hidden: true },
    el('div', { class: 'field' }, el('label', { for: 'activity-year' }, t('activity.year')), yearSelect), print);
  root.append(el('main', { class: 'page activity-page' },
    el('h1', { tabindex: '-1' }, t('activity.title')),
    el('p', { class: 'activity-intro' }, t('activity.intro')),
    toolbar, status, results));

  let alive = true;
  let loadId = 0;
  let thisYear = null; // the server's "this year", from the first answer

  function fillYears(selected) {
    const years = [];
    for (let year = thisYear; year >= FIRST_YEAR; year -= 1) years.push(year);
    yearSelect.replaceChildren(...years.map((year) => el('option', { value: String(year) }, String(year))));
    yearSelect.value = String(selected);
  }

  async function load(year) {
    const id = ++loadId;
    status.hidden = false;
    status.textContent = t('common.loading');
    try {
      let report;
      try {
        report = await feedbackApi.activity(year);
      } catch (error) {
        // A year from an old link that is out of range: this year instead.
        if (error.status !== 400 || year == null) throw error;
        report = await feedbackApi.activity(null);
      }
      if (!alive || id !== loadId) return;
      if (thisYear == null) thisYear = year == null ? report.year : Math.max(report.year, new Date().getFullYear());
      fillYears(report.year);
      toolbar.hidden = false;
      history.replaceState(null, '', paths.activity(report.year));
      status.textContent = report.channels.length === 0 ? t('activity.noChannels') : t('activity.summary', { year: report.year });
      fill(results, report.channels.map(channelTable));
    } catch (error) {
      if (!alive || id !== loadId) return;
      toolbar.hidden = true;
      results.replaceChildren();
      status.textContent = error.status === 403 ? t('activity.forbidden') : describeError(error);
    }
  }

  yearSelect.addEventListener('change', () => load(Number(yearSelect.value)));
  load(route.year);

  return () => {
    alive = false;
  };
}
