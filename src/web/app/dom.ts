// DOM helpers for the app's views: required elements by id, and a tiny element builder
// (text goes in as text, never as HTML, so nothing a peer sends can become markup).

export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id)
  if (!el) throw new Error(`missing #${id}`)
  return el as T
}

type Child = Node | string | number | bigint | null | undefined | false

/** `h('li', { class: 'x', 'data-peer': id }, 'text', child)`; attributes whose value is undefined are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | number | boolean | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue
    el.setAttribute(k, v === true ? '' : String(v))
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue
    el.append(c instanceof Node ? c : String(c))
  }
  return el
}

/** Sets text only when it changed: a view refreshed several times a second does no needless layout work. */
export function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text
}
