// An account's last twelve months on the board overview, as a small inline SVG: a square per month in the card's
// status (its symbol's colour; an empty outline where no card was submitted) and below them the customer
// satisfaction score (1–5) as a sparkline, broken where a month has none. Its accessible name says the same in words.
import { svg } from '../dom.js';
import { monthName, t } from '../i18n.js';

const CELL = 10; // one month's width
const SQUARE = 8;
const TOP = 1;
const LINE_TOP = 13; // the sparkline's band: 13 (score 5) … 29 (score 1)
const LINE_HEIGHT = 16;
const WIDTH = CELL * 12;
const HEIGHT = LINE_TOP + LINE_HEIGHT + 2;

const y = (score) => LINE_TOP + ((5 - score) / 4) * LINE_HEIGHT;

function describe(point) {
  const [year, month] = point.month.split('-').map(Number);
  const status = t(`card.status.${point.status ?? 'none'}`);
  const score = point.customerSatisfaction == null ? '' : `, ${t('board.trendScore', { score: point.customerSatisfaction })}`;
  return `${monthName(month, 'short')} ${year}: ${status}${score}`;
}

// `trend`: the overview's twelve { month, status?, customerSatisfaction? }, oldest first.
export function trendChart(trend, accountName) {
  const segments = [];
  let current = [];
  trend.forEach((point, index) => {
    if (point.customerSatisfaction == null) {
      if (current.length > 0) segments.push(current);
      current = [];
    } else {
      current.push([index * CELL + CELL / 2, y(point.customerSatisfaction)]);
    }
  });
  if (current.length > 0) segments.push(current);
  const label = `${t('board.trendLabel', { account: accountName })}: ${trend.map(describe).join('; ')}`;
  return svg('svg', {
    class: 'card-trend', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, role: 'img', 'aria-label': label, focusable: 'false',
  },
  svg('title', {}, label),
  trend.map((point, index) => svg('rect', {
    class: `trend-month status-${point.status ?? 'none'}`, 'data-month': point.month, 'data-status': point.status ?? 'none',
    x: index * CELL + (CELL - SQUARE) / 2, y: TOP, width: SQUARE, height: SQUARE, rx: 1,
  })),
  svg('line', { class: 'trend-axis', x1: 0, x2: WIDTH, y1: y(1), y2: y(1) }),
  segments.map((points) => (points.length === 1
    ? svg('circle', { class: 'trend-dot', cx: points[0][0], cy: points[0][1], r: 1.6 })
    : svg('polyline', { class: 'trend-line', points: points.map(([px, py]) => `${px},${py.toFixed(1)}`).join(' ') }))));
}
