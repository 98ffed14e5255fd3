// The event form's repeat choices and the RFC 5545 RRULE text the server stores (docs/web-contract.md, "Annual
// clock"). ruleOf() writes a choice's rule; choiceOf() recognises a rule the server sent back (its canonical text:
// parts in a fixed order, INTERVAL=1 left out); a rule no choice writes is "advanced" and edited as text.

export const PRESETS = ['once', 'monthly', 'every-n-months', 'quarterly', 'yearly', 'nth-weekday', 'last-day', 'advanced'];
export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
// The week of the month of "the Nth weekday": 1st–4th or the last (-1). A 5th is not in every month (refused).
export const ORDINALS = [1, 2, 3, 4, -1];

// The rule of `choice` ({ preset, months, ordinal, weekday, rule }); null for a single date.
export function ruleOf(choice) {
  switch (choice.preset) {
    case 'once': return null;
    case 'monthly': return 'FREQ=MONTHLY';
    case 'every-n-months': return Number(choice.months) === 1 ? 'FREQ=MONTHLY' : `FREQ=MONTHLY;INTERVAL=${choice.months}`;
    case 'quarterly': return 'FREQ=MONTHLY;INTERVAL=3';
    case 'yearly': return 'FREQ=YEARLY';
    case 'nth-weekday': return `FREQ=MONTHLY;BYDAY=${choice.ordinal}${choice.weekday}`;
    case 'last-day': return 'FREQ=MONTHLY;BYMONTHDAY=-1';
    default: return choice.rule.trim();
  }
}

// The choice that writes `rule` (null: once); anything else is { preset: 'advanced', rule }.
export function choiceOf(rule) {
  if (rule == null) return { preset: 'once' };
  const parts = Object.fromEntries(rule.toUpperCase().split(';').map((part) => part.split('=')));
  const names = Object.keys(parts).sort().join(',');
  if (parts.FREQ === 'YEARLY' && names === 'FREQ') return { preset: 'yearly' };
  if (parts.FREQ === 'MONTHLY') {
    if (names === 'FREQ') return { preset: 'monthly' };
    if (names === 'FREQ,INTERVAL') {
      return parts.INTERVAL === '3' ? { preset: 'quarterly' } : { preset: 'every-n-months', months: Number(parts.INTERVAL) };
    }
    if (names === 'BYMONTHDAY,FREQ' && parts.BYMONTHDAY === '-1') return { preset: 'last-day' };
    const nth = names === 'BYDAY,FREQ' && parts.BYDAY.match(/^(-1|[1-4])(MO|TU|WE|TH|FR|SA|SU)$/);
    if (nth) return { preset: 'nth-weekday', ordinal: Number(nth[1]), weekday: nth[2] };
  }
  return { preset: 'advanced', rule };
}

// "The Nth weekday" that `isoDate` is: { ordinal, weekday }, the last one for a date in the month's last week
// past the 28th.
export function nthWeekdayOf(isoDate) {
  const [year, month, day] = isoDate.split('-').map(Number);
  const date = new Date(year, month - 1, day);
  const week = Math.ceil(day / 7);
  return { ordinal: week > 4 ? -1 : week, weekday: WEEKDAYS[(date.getDay() + 6) % 7] };
}
