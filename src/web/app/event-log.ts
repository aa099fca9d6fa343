// The Events card: newest first, each line with its UTC time (no list numbers: with the
// newest prepended they counted the wrong way and were cut off past 99).
import { $, h } from './dom.ts'

const KEEP = 200

export function logEvent(text: string, kind: 'info' | 'verified' | 'pending' | 'problem' = 'info'): void {
  const list = $('log')
  const now = new Date()
  list.prepend(h('li', { 'data-kind': kind }, h('time', { datetime: now.toISOString() }, now.toISOString().slice(11, 23)), ' ', text))
  while (list.children.length > KEEP) list.lastElementChild?.remove()
}
