// Live line charts in plain SVG: fixed DOM nodes whose path data is rewritten at most a
// few times a second (a render is a handful of string joins, no layout-heavy work), so
// charting never makes a long task on the page's main thread, which also runs libp2p.
import { h } from './dom.ts'

const SVG = 'http://www.w3.org/2000/svg'
/** Least time between two renders of one chart. */
export const CHART_MIN_INTERVAL_MS = 500
const W = 320
const H = 120
const PAD = { left: 44, right: 6, top: 8, bottom: 18 }

export interface SeriesSpec {
  name: string
  /** Line colour: at least 3:1 against the white card (non-text contrast). */
  colour: string
  dash?: string
}

interface Point {
  t: number
  v: number
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string> = {}): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag)
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v)
  return el
}

export class LineChart {
  private readonly points: Point[][]
  private readonly paths: SVGPathElement[]
  private readonly maxLabel: SVGTextElement
  private readonly minLabel: SVGTextElement
  private readonly spanLabel: SVGTextElement
  private readonly svgEl: SVGSVGElement
  private readonly latest: HTMLElement
  private timer: ReturnType<typeof setTimeout> | undefined
  private lastRender = 0
  /** How many renders ran (tests read it through the element's data-renders). */
  private renders = 0

  constructor(
    container: HTMLElement,
    private readonly opts: { id: string; title: string; unit: string; series: SeriesSpec[]; windowMs: number; format?: (v: number) => string },
  ) {
    this.points = opts.series.map(() => [])
    this.svgEl = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${opts.id}-title ${opts.id}-latest`, preserveAspectRatio: 'none' })
    this.svgEl.append(svg('rect', { x: String(PAD.left), y: String(PAD.top), width: String(W - PAD.left - PAD.right), height: String(H - PAD.top - PAD.bottom), class: 'chart-frame' }))
    this.maxLabel = svg('text', { x: String(PAD.left - 4), y: String(PAD.top + 8), 'text-anchor': 'end', class: 'chart-label' })
    this.minLabel = svg('text', { x: String(PAD.left - 4), y: String(H - PAD.bottom), 'text-anchor': 'end', class: 'chart-label' })
    this.spanLabel = svg('text', { x: String(W - PAD.right), y: String(H - 4), 'text-anchor': 'end', class: 'chart-label' })
    this.svgEl.append(this.maxLabel, this.minLabel, this.spanLabel)
    this.paths = opts.series.map((s) => {
      const p = svg('path', { fill: 'none', stroke: s.colour, 'stroke-width': '2', 'vector-effect': 'non-scaling-stroke', ...(s.dash ? { 'stroke-dasharray': s.dash } : {}) })
      this.svgEl.append(p)
      return p
    })
    const legend = h(
      'ul',
      { class: 'chart-legend' },
      ...opts.series.map((s) => {
        const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' })
        // Through the CSSOM, not a style attribute: a strict CSP (style-src 'self') refuses those.
        swatch.style.borderTop = `3px ${s.dash ? 'dashed' : 'solid'} ${s.colour}`
        return h('li', {}, swatch, s.name)
      }),
    )
    this.latest = h('p', { id: `${opts.id}-latest`, class: 'chart-latest' }, 'no data yet')
    const figure = h('figure', { class: 'chart', id: opts.id }, h('figcaption', { id: `${opts.id}-title` }, opts.title), this.svgEl, legend, this.latest)
    container.append(figure)
  }

  /** Adds a point to series `i`; points older than the window are dropped. */
  add(i: number, t: number, v: number): void {
    const list = this.points[i]
    if (!list || !Number.isFinite(v)) return
    list.push({ t, v })
    while (list.length > 0 && (list[0] as Point).t < t - this.opts.windowMs) list.shift()
    this.schedule()
  }

  private schedule(): void {
    if (this.timer !== undefined) return
    const wait = Math.max(0, this.lastRender + CHART_MIN_INTERVAL_MS - performance.now())
    this.timer = setTimeout(() => {
      this.timer = undefined
      requestAnimationFrame(() => this.render())
    }, wait)
  }

  private render(): void {
    this.lastRender = performance.now()
    this.renders++
    const all = this.points.flat()
    if (all.length === 0) return
    const now = Math.max(...all.map((p) => p.t))
    // The x axis spans the data until it fills the window, then the window: a fresh page's chart is not a sliver at the right.
    const t0 = Math.max(now - this.opts.windowMs, Math.min(...all.map((p) => p.t)))
    const span = Math.max(1, now - t0)
    let lo = Math.min(...all.map((p) => p.v))
    let hi = Math.max(...all.map((p) => p.v))
    if (hi === lo) {
      hi += 1
      lo = Math.max(0, lo - 1)
    }
    const x = (t: number) => PAD.left + ((t - t0) / span) * (W - PAD.left - PAD.right)
    const y = (v: number) => H - PAD.bottom - ((v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom)
    this.points.forEach((list, i) => {
      const d = list.map((p, k) => `${k === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)} ${y(p.v).toFixed(1)}`).join(' ')
      this.paths[i]?.setAttribute('d', d)
    })
    const fmt = this.opts.format ?? ((v: number) => `${Math.round(v)}`)
    this.spanLabel.textContent = span < 60_000 ? `last ${Math.round(span / 1000)} s` : `last ${Math.round(span / 60_000)} min`
    this.maxLabel.textContent = fmt(hi)
    this.minLabel.textContent = fmt(lo)
    const last = this.opts.series.map((s, i) => {
      const p = this.points[i]?.at(-1)
      return p ? `${s.name}: ${fmt(p.v)} ${this.opts.unit}` : undefined
    })
    this.latest.textContent = `Latest: ${last.filter(Boolean).join('; ')}`
    this.svgEl.parentElement?.setAttribute('data-renders', String(this.renders))
    this.svgEl.parentElement?.setAttribute('data-points', String(all.length))
  }
}
