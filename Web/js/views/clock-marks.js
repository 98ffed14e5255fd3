// How an annual-clock occurrence is drawn, on the clock face, in the list and in the legend: the owner role gives
// the colour (CSS: .owner-<role>) and a shape of its own, so that colour is not the only cue; the status gives the
// fill (planned: outlined, done: filled with a check, cancelled: pale and struck through). Also the occurrence's name.
import { svg } from '../dom.js';
import { formatDayMonth, roleName, t } from '../i18n.js';

// The owner roles in the clock's order (outer ring first), each with its shape.
export const OWNERS = ['account_director', 'supervisor', 'regional_director', 'manager', 'instructor', 'sales', 'board'];
const SHAPES = {
  account_director: 'circle',
  supervisor: 'square',
  regional_director: 'diamond',
  manager: 'triangle',
  instructor: 'triangle-down',
  sales: 'hexagon',
  board: 'star',
};
export const STATUSES = ['planned', 'done', 'cancelled'];

// A regular polygon's points around (0, 0), the first at `startDegrees` (0 = up), `n` corners.
function polygon(n, radius, startDegrees = 0, inner = null) {
  const corners = inner == null ? n : n * 2;
  return Array.from({ length: corners }, (_, i) => {
    const r = inner != null && i % 2 === 1 ? inner : radius;
    const angle = ((startDegrees + (360 / corners) * i) * Math.PI) / 180;
    return `${(r * Math.sin(angle)).toFixed(2)},${(-r * Math.cos(angle)).toFixed(2)}`;
  }).join(' ');
}

// The owner's shape around (0, 0), about `r` from the centre to the edge.
function shape(owner, r) {
  switch (SHAPES[owner] ?? 'circle') {
    case 'square': return svg('rect', { class: 'mark-shape', x: -r * 0.85, y: -r * 0.85, width: r * 1.7, height: r * 1.7 });
    case 'diamond': return svg('polygon', { class: 'mark-shape', points: polygon(4, r * 1.15) });
    case 'triangle': return svg('polygon', { class: 'mark-shape', points: polygon(3, r * 1.2) });
    case 'triangle-down': return svg('polygon', { class: 'mark-shape', points: polygon(3, r * 1.2, 180) });
    case 'hexagon': return svg('polygon', { class: 'mark-shape', points: polygon(6, r * 1.05, 30) });
    case 'star': return svg('polygon', { class: 'mark-shape', points: polygon(5, r * 1.25, 0, r * 0.6) });
    default: return svg('circle', { class: 'mark-shape', r });
  }
}

// The mark of an occurrence around (0, 0): shape, and a check (done) or a strike (cancelled).
export function markShape(owner, status, r) {
  const s = r / 7;
  return [
    shape(owner, r),
    status === 'done' && svg('path', { class: 'mark-check', d: `M${-3.5 * s},${0.2 * s} L${-1 * s},${2.8 * s} L${3.6 * s},${-2.6 * s}` }),
    status === 'cancelled' && svg('line', { class: 'mark-strike', x1: -r - 2, y1: r + 2, x2: r + 2, y2: -r - 2 }),
  ];
}

// A small stand-alone mark (list rows, legend): decorative, the text next to it says the same.
export function markSymbol(owner, status = 'planned') {
  return svg('svg', { class: `mark-symbol owner-${owner} status-${status}`, viewBox: '-10 -10 20 20', width: 20, height: 20, 'aria-hidden': 'true', focusable: 'false' },
    markShape(owner, status, 6.5));
}

// An occurrence's name for screen readers and the list: "15.3. Asiakastapaaminen — asiakkuusjohtaja — suunniteltu".
export function occurrenceLabel(event, occurrence) {
  return t('clock.markerLabel', {
    date: formatDayMonth(occurrence.date), title: event.title, owner: roleName(event.owner), status: t(`clock.status.${occurrence.status}`),
  });
}

// The owner roles that have an occurrence among `entries` (the clock's events of a year), in the clock's order.
export function ownersIn(entries) {
  return OWNERS.filter((owner) => entries.some((entry) => entry.event.owner === owner && entry.occurrences.length > 0));
}
