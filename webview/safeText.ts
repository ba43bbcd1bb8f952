// Model output is untrusted text. It is only ever placed with textContent; this
// also makes invisible characters visible (bidi overrides could disguise what a
// reviewer reads) and cuts enormous strings to a size the page can lay out.

const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

export function visibleText(text: string): string {
  return text.replace(INVISIBLE, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

export const DISPLAY_LIMIT = 100_000;

/** An element showing `text` safely; long text is cut with a note and a way to see more. */
export function textBlock(text: string, className = 'text'): HTMLElement {
  const pre = document.createElement('pre');
  pre.className = className;
  let shown = Math.min(text.length, DISPLAY_LIMIT);
  pre.textContent = visibleText(text.slice(0, shown));
  if (shown < text.length) {
    const wrap = document.createElement('div');
    const more = document.createElement('button');
    more.className = 'link-button';
    const label = () => `Show more (${(text.length - shown).toLocaleString()} more characters)`;
    more.textContent = label();
    more.addEventListener('click', () => {
      const next = Math.min(text.length, shown + DISPLAY_LIMIT);
      pre.append(document.createTextNode(visibleText(text.slice(shown, next))));
      shown = next;
      if (shown >= text.length) more.remove();
      else more.textContent = label();
    });
    wrap.append(pre, more);
    return wrap;
  }
  return pre;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = visibleText(text);
  return node;
}
