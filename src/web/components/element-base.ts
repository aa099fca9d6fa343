// What both zklight elements share: a base class that exists during server-side rendering
// (no HTMLElement there), the `max-age` attribute, age formatting, events, and one style
// sheet adopted by every shadow root (no inline styles, so a strict CSP needs no 'unsafe-inline').

/** HTMLElement in a browser; a stand-in where it does not exist, so importing this module never throws. */
export const ElementBase = (globalThis.HTMLElement ?? class {}) as typeof HTMLElement

/** Used when `max-age` is absent or unreadable: a trading view must not show older data as current. */
export const DEFAULT_MAX_AGE_MS = 15_000

/** `max-age`: milliseconds, or with a unit ("500ms", "15s"). */
export function parseMaxAge(value: string | null): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$/.exec(value ?? '')
  if (!m) return DEFAULT_MAX_AGE_MS
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1)
}

export function formatAge(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return 'unknown age'
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s old` : `${Math.round(ms / 1000)} s old`
}

/** Events bubble out of the shadow root, so a page can listen on any ancestor. */
export function emit(el: Element, type: 'verified' | 'stale' | 'halted' | 'error', detail: unknown): void {
  el.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }))
}

const CSS = `
:host { display: inline-block; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
[part~="root"] { color: #59636e; }
[part~="root"][data-state="verified"] { color: #1f7a3d; }
[part~="root"][data-state="stale"], [part~="root"][data-state="error"] { color: #9a6700; }
[part~="root"][data-state="halted"] { color: #b3261e; font-weight: 600; }
[part~="meta"] { margin-left: 0.5em; font-size: 0.9em; }
`

let sheet: CSSStyleSheet | undefined

/** Opens the shadow root with a `root` span holding a `value` and a `meta` span (styled through ::part). */
export function openShadow(host: HTMLElement): { root: HTMLElement; value: HTMLElement; meta: HTMLElement } {
  const shadow = host.shadowRoot ?? host.attachShadow({ mode: 'open' })
  if (typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype && 'adoptedStyleSheets' in shadow) {
    if (!sheet) {
      sheet = new CSSStyleSheet()
      sheet.replaceSync(CSS)
    }
    shadow.adoptedStyleSheets = [sheet]
  }
  const root = document.createElement('span')
  root.setAttribute('part', 'root')
  const value = document.createElement('span')
  value.setAttribute('part', 'value')
  const meta = document.createElement('span')
  meta.setAttribute('part', 'meta')
  root.append(value, meta)
  shadow.replaceChildren(root)
  return { root, value, meta }
}
