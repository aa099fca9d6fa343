// How the app writes numbers, times and hashes for people: durations in s/min/h, ages,
// shortened hex with the full value kept for copying, and transport names.
import type { TransportKind } from '../../client/index.ts'

/** "850 ms", "3.2 s", "4 min 05 s", "2 h 03 min"; "—" for a value that is not known (Infinity, NaN). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  if (ms < 1_000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const s = Math.round(ms / 1000)
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`
}

export function shortHex(hex: string, keep = 10): string {
  const clean = hex.startsWith('0x') ? hex.slice(2) : hex
  return clean.length <= 2 * keep + 1 ? `0x${clean}` : `0x${clean.slice(0, keep)}…${clean.slice(-6)}`
}

export const fieldHex = (x: bigint): string => `0x${x.toString(16).padStart(64, '0')}`

export function shortId(id: string): string {
  return id.length > 18 ? `${id.slice(0, 8)}…${id.slice(-6)}` : id
}

export const TRANSPORT_NAMES: Record<TransportKind, string> = {
  'webrtc-direct': 'WebRTC-Direct',
  websockets: 'WebSockets',
  webrtc: 'browser-to-browser WebRTC',
  tcp: 'TCP',
  other: 'other',
}

export function formatClock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19)
}
