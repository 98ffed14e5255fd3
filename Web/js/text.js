// Text helpers shared by views.

// For matching only: case-insensitive, and ä→a, ö→o, å→a (any diacritic is dropped).
export function fold(text) {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

// Characters as the server counts them (user-perceived characters, so "ä" is one however it is encoded), after
// the trimming the server does; line breaks count as one.
export function characterCount(text) {
  let count = 0;
  for (const _ of graphemes.segment(text.replace(/\r\n?/g, '\n').trim())) count += 1;
  return count;
}
