// The Sync card and the live charts: while catching up, a progress bar (blocks verified
// of the target, blocks/s, time left); then the verified head with its age counting up.
// Certified heads whose proofs are not verified yet are listed apart, never as verified.
import type { BatchEvent, Health, HeadEvent, LightClientView } from '../../client/index.ts'
import { LineChart } from './charts.ts'
import { $, h, setText } from './dom.ts'
import { fieldHex, formatDuration } from './format.ts'

/** Text refresh period: the head's age counts up visibly without redrawing more than needed. */
const TICK_MS = 250
/** Chart samples (data age, heights) once a second; verification times per batch as they come. */
const SAMPLE_MS = 1_000
/** Blocks/s is measured over this recent window of verified batches. */
const RATE_WINDOW_MS = 10_000
const CHART_WINDOW_MS = 2 * 60_000
/** More certified blocks than this beyond the verified head, after being synced, is a new catch-up (a tab that slept, a lost peer). */
const FALL_BEHIND_BLOCKS = 32

type Client = Pick<LightClientView, 'on' | 'health'>

export class SyncView {
  private startHeight: number
  /** Whether the client has been synced since the page started: after that, a few certified blocks ahead is following, not catching up. */
  private caughtUp = false
  private readonly recent: { t: number; blocks: number }[] = []
  private readonly pending = new Map<number, string>()
  private readonly verifyChart: LineChart
  private readonly ageChart: LineChart
  private readonly heightChart: LineChart
  private readonly timers: ReturnType<typeof setInterval>[] = []

  constructor(private readonly client: Client) {
    this.startHeight = client.health().verifiedHeight
    const charts = $('charts')
    this.verifyChart = new LineChart(charts, {
      id: 'chart-verify',
      title: 'Verification time per batch',
      unit: 'ms',
      windowMs: CHART_WINDOW_MS,
      series: [{ name: 'proofs of one range, hand-off to verdict', colour: '#1f5fbf' }],
    })
    this.ageChart = new LineChart(charts, {
      id: 'chart-age',
      title: 'Data age (now − verified head timestamp)',
      unit: 's',
      windowMs: CHART_WINDOW_MS,
      format: (v) => v.toFixed(1),
      series: [{ name: 'age of the verified state', colour: '#a34b00' }],
    })
    this.heightChart = new LineChart(charts, {
      id: 'chart-heights',
      title: 'Verified vs best certified height',
      unit: '',
      windowMs: CHART_WINDOW_MS,
      series: [
        { name: 'verified (proven) height', colour: '#1f7a3d' },
        { name: 'best certified height seen', colour: '#6b4fbb', dash: '4 3' },
      ],
    })
    client.on('batch', (b) => this.onBatch(b))
    client.on('head', (e) => this.onHead(e))
    client.on('pending', (p) => {
      this.pending.set(p.height, p.hash)
      this.renderPending()
    })
    client.on('dropped', (d) => {
      this.pending.delete(d.height)
      this.renderPending()
    })
    this.timers.push(setInterval(() => this.render(), TICK_MS))
    this.timers.push(setInterval(() => this.sample(), SAMPLE_MS))
    this.render()
  }

  private onBatch(b: BatchEvent): void {
    const now = performance.now()
    this.recent.push({ t: now, blocks: b.to - b.from + 1 })
    if (b.proofs > 0) this.verifyChart.add(0, Date.now(), b.verifyMs)
  }

  private onHead(e: HeadEvent): void {
    for (const height of [...this.pending.keys()]) if (height <= e.height) this.pending.delete(height)
    setText($('state-root'), fieldHex(e.stateRoot))
    this.renderPending()
  }

  private sample(): void {
    const h = this.client.health()
    const t = Date.now()
    if (Number.isFinite(h.lagMs)) this.ageChart.add(0, t, h.lagMs / 1000)
    this.heightChart.add(0, t, h.verifiedHeight)
    this.heightChart.add(1, t, h.bestSeenHeight)
  }

  private rate(): number {
    const now = performance.now()
    while (this.recent.length > 0 && (this.recent[0] as { t: number }).t < now - RATE_WINDOW_MS) this.recent.shift()
    const blocks = this.recent.reduce((n, r) => n + r.blocks, 0)
    const first = this.recent[0]
    if (!first || blocks === 0) return 0
    return blocks / Math.max(1, (now - first.t) / 1000)
  }

  render(): void {
    const h = this.client.health()
    setText($('verified-height'), String(h.verifiedHeight))
    setText($('best-height'), String(h.bestSeenHeight))
    setText($('peers'), String(h.peers))
    setText($('lag'), describeLag(h))
    setText($('head-age'), Number.isFinite(h.lagMs) ? formatDuration(h.lagMs) : 'not known yet (waiting for the checkpoint header from a peer)')
    $('head-age').dataset.ageMs = Number.isFinite(h.lagMs) ? String(Math.round(h.lagMs)) : ''
    const pill = $('status')
    pill.dataset.status = h.status
    setText(pill, h.reason ? `${h.status} (${h.reason})` : h.status)
    this.renderProgress(h)
  }

  private renderProgress(h: Health): void {
    const bar = $<HTMLProgressElement>('sync-progress')
    const text = $('sync-text')
    const box = $('sync')
    // A view that fell behind after being synced starts a new catch-up from where it stood.
    if (h.verifiedHeight < this.startHeight) this.startHeight = h.verifiedHeight
    const total = Math.max(0, h.bestSeenHeight - this.startHeight)
    const done = Math.min(total, h.verifiedHeight - this.startHeight)
    const behind = h.bestSeenHeight - h.verifiedHeight
    if (h.status === 'synced') this.caughtUp = true
    // Once synced, certified blocks waiting for their proofs are the normal state of a live
    // chain (proving takes seconds); a real fall-behind (a long pause) is a catch-up again.
    if (this.caughtUp && behind > FALL_BEHIND_BLOCKS) {
      this.caughtUp = false
      this.startHeight = h.verifiedHeight
    }
    const catchingUp = !this.caughtUp && behind > 0 && h.peers > 0
    box.dataset.phase = catchingUp ? 'catching-up' : this.caughtUp ? 'synced' : h.peers === 0 ? 'connecting' : 'waiting'
    bar.max = Math.max(1, total)
    bar.value = total === 0 ? (this.caughtUp ? 1 : 0) : done
    bar.setAttribute('aria-valuetext', total === 0 ? 'nothing to catch up' : `${done} of ${total} blocks verified`)
    if (catchingUp) {
      const rate = this.rate()
      const left = rate > 0 ? formatDuration((behind / rate) * 1000) : 'unknown'
      setText(text, `Catching up: verified ${done} of ${total} blocks (${Math.floor((100 * done) / Math.max(1, total))}%) · ${rate.toFixed(1)} blocks/s · time left ${left}`)
    } else if (this.caughtUp) {
      const waiting = behind > 0 ? `; ${behind} certified block${behind === 1 ? '' : 's'} waiting for ${behind === 1 ? 'its proof' : 'their proofs'}` : ''
      setText(text, `Up to date: verified head ${h.verifiedHeight}, ${formatDuration(h.lagMs)} old${waiting}`)
    } else if (h.peers === 0) setText(text, behind > 0 ? `No zklight peer connected: waiting for one to verify the ${behind} certified blocks seen` : 'Connecting to peers…')
    else setText(text, `Waiting for a newer proven block (verified head ${h.verifiedHeight}, ${formatDuration(h.lagMs)} old)`)
  }

  private renderPending(): void {
    const heights = [...this.pending.keys()].sort((a, b) => a - b)
    const el = $('pending-heads')
    el.replaceChildren(...(heights.length === 0 ? ['none'] : [h('span', {}, heights.slice(-8).join(', ')), heights.length > 8 ? ` (and ${heights.length - 8} more)` : '']))
  }
}

function describeLag(h: Health): string {
  const age = Number.isFinite(h.lagMs) ? `data ${formatDuration(h.lagMs)} old` : 'data age not known yet'
  return `${h.lagBlocks} certified block${h.lagBlocks === 1 ? '' : 's'} not yet proven · ${age}`
}
