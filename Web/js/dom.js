// Builds DOM nodes without innerHTML, so text from the server always stays text.
// el('a', { href: '#/x', class: 'link', onclick: fn }, 'label', child)
export function el(tag, props = {}, ...children) {
  return build(document.createElement(tag), props, children);
}

// An SVG element, built like el(): svg('circle', { cx: 10, cy: 10, r: 4, class: 'dot' }).
export function svg(tag, props = {}, ...children) {
  return build(document.createElementNS('http://www.w3.org/2000/svg', tag), props, children);
}

function build(node, props, children) {
  for (const [key, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  node.append(...children.flat(Infinity).filter((child) => child != null && child !== false));
  return node;
}

// Replaces a node's children like el() adds them: null, undefined and false are left out.
export function fill(node, ...children) {
  node.replaceChildren(...children.flat(Infinity).filter((child) => child != null && child !== false));
  return node;
}

// A node holding HTML that the server rendered from Markdown and sanitised (only safe tags, http/https/mailto
// links, no images, raw HTML in the text kept as text): only for a message's or notice's `html` field, never for
// anything else (snippets, names and titles are text).
export function serverHtml(tag, props, html) {
  const node = el(tag, props);
  node.innerHTML = html ?? '';
  return node;
}
