// @mentions for a text area: typing "@" and the start of a name lists the channel's members who match; the arrow
// keys choose, Enter or Tab (or a click) writes "@Full Name " in place of what was typed. The server finds mentions
// by exactly that text (docs/web-contract.md, "Chat"). A combobox in the ARIA sense: the text area owns a listbox.
import { el } from '../dom.js';
import { roleName } from '../i18n.js';
import { fold } from '../text.js';

const MAX_SHOWN = 8;
const MAX_QUERY = 40; // characters after "@" still taken as a name being typed

// The "@name" being typed just before the caret: { start, query } or null.
function typedMention(textarea) {
  const caret = textarea.selectionStart;
  if (caret !== textarea.selectionEnd) return null;
  const before = textarea.value.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0 || caret - at - 1 > MAX_QUERY) return null;
  // "@" starts a word (not an e-mail address), and the name so far is on one line.
  if (at > 0 && /[\p{L}\p{N}._-]/u.test(before[at - 1])) return null;
  const query = before.slice(at + 1);
  if (/[\n@]/.test(query) || /^\s/.test(query)) return null;
  return { start: at, query };
}

// Members whose name starts with the query, or has a word that does (ä matches a), by name.
function matching(members, query) {
  const wanted = fold(query);
  return members
    .filter((member) => {
      const name = fold(member.person.name);
      return name.startsWith(wanted) || (!/\s/.test(wanted) && name.split(/\s+/).some((word) => word.startsWith(wanted)));
    })
    .slice(0, MAX_SHOWN);
}

// `members()`: the channel's members (GET /api/accounts/{id}), without the writer.
export function attachMentionPicker(textarea, { idPrefix, members }) {
  const listId = `${idPrefix}-mentions`;
  const list = el('ul', { id: listId, class: 'mention-list', role: 'listbox', hidden: true });
  textarea.setAttribute('role', 'combobox');
  textarea.setAttribute('aria-autocomplete', 'list');
  textarea.setAttribute('aria-controls', listId);
  textarea.setAttribute('aria-expanded', 'false');

  let typed = null;
  let options = [];
  let active = 0;

  function close() {
    typed = null;
    options = [];
    list.hidden = true;
    list.replaceChildren();
    textarea.setAttribute('aria-expanded', 'false');
    textarea.removeAttribute('aria-activedescendant');
  }

  function draw() {
    list.replaceChildren(...options.map((member, index) => {
      const option = el('li', {
        id: `${listId}-${index}`, class: 'mention-option', role: 'option', 'aria-selected': String(index === active),
        'data-person-id': String(member.person.id),
      }, el('span', { class: 'mention-name' }, member.person.name), ' ', el('span', { class: 'mention-role' }, roleName(member.role)));
      // mousedown, not click: the text area keeps the focus (and the caret) while the choice is made.
      option.addEventListener('mousedown', (event) => {
        event.preventDefault();
        choose(index);
      });
      return option;
    }));
    list.hidden = false;
    textarea.setAttribute('aria-expanded', 'true');
    textarea.setAttribute('aria-activedescendant', `${listId}-${active}`);
  }

  function update() {
    typed = typedMention(textarea);
    options = typed ? matching(members(), typed.query) : [];
    if (options.length === 0) return close();
    active = Math.min(active, options.length - 1);
    draw();
  }

  function choose(index) {
    const member = options[index];
    if (!member || !typed) return;
    const inserted = `@${member.person.name} `;
    const caret = textarea.selectionStart;
    textarea.setRangeText(inserted, typed.start, caret, 'end');
    close();
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  }

  textarea.addEventListener('input', () => {
    active = 0;
    update();
  });
  textarea.addEventListener('click', update);
  textarea.addEventListener('blur', close);
  // Runs before the composer's own keydown handler (capture), so Enter chooses instead of sending.
  textarea.addEventListener('keydown', (event) => {
    if (list.hidden) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      active = (active + (event.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length;
      draw();
    } else if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      event.stopImmediatePropagation();
      choose(active);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopImmediatePropagation();
      close();
    }
  }, { capture: true });

  return list;
}
