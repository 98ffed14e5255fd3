// The clock face: an SVG dial of the twelve months (January at the top, clockwise), one ring per owner role with
// the year's occurrences as marks at their dates' angles, and today's position as a hand. Marks are buttons
// (focusable, Enter or Space) named like "15.3. Asiakastapaaminen — asiakkuusjohtaja — suunniteltu", in date order.
import { svg } from '../dom.js';
import { formatDate, formatDayMonth, monthName, t } from '../i18n.js';
import { markShape, occurrenceLabel, ownersIn } from './clock-marks.js';

const SIZE = 400;
const C = SIZE / 2;
const LABEL_R = 184; // month names
const OUTER_R = 168; // the dial's edge
const INNER_R = 56; // the centre disc
const PAD = 6; // room around the month names

// Each month gets 30°, its days spread evenly over them, so marks line up with the month names.
function angleOf(isoDate) {
  const [year, month, day] = isoDate.split('-').map(Number);
  const days = new Date(year, month, 0).getDate();
  return (month - 1) * 30 + ((day - 0.5) / days) * 30;
}

function point(degrees, radius) {
  const radians = (degrees * Math.PI) / 180;
  return [C + radius * Math.sin(radians), C - radius * Math.cos(radians)];
}

const xy = ([x, y]) => `${x.toFixed(2)} ${y.toFixed(2)}`;

function sector(month, currentMonth) {
  const from = (month - 1) * 30;
  const to = month * 30;
  const d = `M${xy(point(from, OUTER_R))} A${OUTER_R} ${OUTER_R} 0 0 1 ${xy(point(to, OUTER_R))}`
    + ` L${xy(point(to, INNER_R))} A${INNER_R} ${INNER_R} 0 0 0 ${xy(point(from, INNER_R))} Z`;
  const classes = ['clock-sector', month % 2 === 0 && 'is-even', month === currentMonth && 'is-current'].filter(Boolean).join(' ');
  return svg('path', { class: classes, d });
}

function monthLabel(month) {
  const [x, y] = point((month - 0.5) * 30, LABEL_R);
  return svg('text', { class: 'clock-month-label', x: x.toFixed(1), y: y.toFixed(1), 'text-anchor': 'middle', 'dominant-baseline': 'central' },
    monthName(month, 'short'));
}

function divider(month) {
  return svg('line', { class: 'clock-divider', ...lineAttributes(point(month * 30, INNER_R), point(month * 30, OUTER_R)) });
}

function lineAttributes([x1, y1], [x2, y2]) {
  return { x1: x1.toFixed(2), y1: y1.toFixed(2), x2: x2.toFixed(2), y2: y2.toFixed(2) };
}

// Today's hand from the centre past the dial's edge, ending in a tip.
function hand(today) {
  const angle = angleOf(today);
  const [x, y] = point(angle, OUTER_R + 6);
  return svg('g', { id: 'clock-today', class: 'clock-hand', 'data-date': today },
    svg('line', lineAttributes([C, C], point(angle, OUTER_R - 2))),
    svg('polygon', { points: `0,-7 -5,3 5,3`, transform: `translate(${x.toFixed(2)} ${y.toFixed(2)}) rotate(${angle.toFixed(2)})` }));
}

// The rings' radii (outer first) and the marks' size for `count` owner roles.
function rings(count) {
  const band = Math.min(30, (OUTER_R - INNER_R - 6) / Math.max(count, 1));
  return { radii: Array.from({ length: count }, (_, i) => OUTER_R - 3 - band * (i + 0.5)), mark: Math.min(7, band * 0.3) };
}

// Angles for one ring's marks: their dates' angles, except where marks would overlap: such a group is spread
// evenly around the middle of its dates (merging with neighbours it then reaches).
function spread(items, radius, mark) {
  const gap = (((2 * mark + 2.5) / radius) * 180) / Math.PI;
  const groups = [];
  for (const item of [...items].sort((a, b) => a.angle - b.angle)) {
    groups.push({ items: [item], start: item.angle });
    while (groups.length > 1) {
      const [before, last] = groups.slice(-2);
      if (before.start + gap * before.items.length <= last.start) break;
      const merged = [...before.items, ...last.items];
      const middle = merged.reduce((sum, { angle }) => sum + angle, 0) / merged.length;
      groups.splice(-2, 2, { items: merged, start: middle - (gap * (merged.length - 1)) / 2 });
    }
  }
  return groups.flatMap((group) => group.items.map((item, i) => ({ ...item, angle: group.start + gap * i })));
}

// `entries`: the clock's events with their occurrences (GET …/clock); `today`: YYYY-MM-DD; `selectedKey`:
// "event/date" of the occurrence whose details are open; `onSelect(entry, occurrence)`.
export function renderClockFace({ year, entries, today, selectedKey, onSelect }) {
  const owners = ownersIn(entries);
  const { radii, mark } = rings(owners.length);
  const isThisYear = Number(today.slice(0, 4)) === year;
  const currentMonth = isThisYear ? Number(today.slice(5, 7)) : null;

  const placed = owners.flatMap((owner, ring) => {
    const items = entries.filter((entry) => entry.event.owner === owner)
      .flatMap((entry, order) => entry.occurrences.map((occurrence) => ({ entry, occurrence, order, angle: angleOf(occurrence.date) })));
    return spread(items, radii[ring], mark).map((item) => ({ ...item, radius: radii[ring] }));
  });
  // Tab order: by date, then in the clock's event order.
  placed.sort((a, b) => a.occurrence.date.localeCompare(b.occurrence.date) || a.order - b.order);

  const marks = placed.map(({ entry, occurrence, angle, radius }) => {
    const key = `${entry.event.id}/${occurrence.date}`;
    const [x, y] = point(angle, radius);
    const select = () => onSelect(entry, occurrence);
    return svg('g', {
      class: `clock-marker owner-${entry.event.owner} status-${occurrence.status}${key === selectedKey ? ' is-selected' : ''}`,
      role: 'button', tabindex: '0', 'aria-label': occurrenceLabel(entry.event, occurrence),
      'aria-expanded': String(key === selectedKey), 'aria-controls': key === selectedKey ? 'clock-details' : null,
      'data-occurrence': key, 'data-event-id': entry.event.id, 'data-date': occurrence.date, 'data-status': occurrence.status,
      transform: `translate(${x.toFixed(2)} ${y.toFixed(2)})`,
      onclick: select,
      onkeydown: (event) => {
        if (event.key !== 'Enter' && event.key !== ' ') return;
        event.preventDefault();
        select();
      },
    },
    svg('circle', { class: 'mark-hit', r: Math.max(mark + 4, 10) }),
    svg('circle', { class: 'mark-focus', r: mark + 4 }),
    markShape(entry.event.owner, occurrence.status, mark));
  });

  const months = Array.from({ length: 12 }, (_, i) => i + 1);
  const centre = [
    svg('circle', { class: 'clock-centre', cx: C, cy: C, r: INNER_R - 2 }),
    svg('text', { class: 'clock-year-label', x: C, y: isThisYear ? C - 8 : C, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, String(year)),
    isThisYear && svg('text', { class: 'clock-today-label', x: C, y: C + 16, 'text-anchor': 'middle', 'dominant-baseline': 'central' },
      t('clock.todayShort', { date: formatDayMonth(today) })),
  ];
  const label = isThisYear ? t('clock.faceLabelToday', { year, today: formatDate(today) }) : t('clock.faceLabel', { year });
  return svg('svg', { id: 'clock-face', class: 'clock-face', viewBox: `${-PAD} ${-PAD} ${SIZE + 2 * PAD} ${SIZE + 2 * PAD}`, role: 'group', 'aria-label': label },
    svg('g', { 'aria-hidden': 'true' },
      months.map((month) => sector(month, currentMonth)),
      radii.map((radius, ring) => svg('circle', { class: `clock-ring owner-${owners[ring]}`, cx: C, cy: C, r: radius.toFixed(2) })),
      months.map(divider),
      months.map(monthLabel),
      isThisYear && hand(today),
      centre),
    marks);
}
