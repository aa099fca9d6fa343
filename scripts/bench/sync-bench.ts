// The web app itself in Chromium, syncing the cached proven bench chain from a Node
// host over WebRTC-Direct on loopback: cold sync from genesis (fresh profile each
// run) along each of several client paths, runs alternating between the paths so all
// see the same machine load, and warm resume (reload with the IndexedDB checkpoint at
// the head). The wire bytes of each path's catch-up come from the codecs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from '@playwright/test'
import { encodeAddress } from '../../src/core/address.ts'
import { bytesToHex, equalBytes } from '../../src/core/bytes.ts'
import { encodeTrustAnchor } from '../../src/core/codec.ts'
import { MAX_PROOFS_RESPONSE_BYTES } from '../../src/net/constants.ts'
import { HEADER_PROOFS } from '../../src/net/header-proofs-messages.ts'
import { encodeProofsResponse } from '../../src/net/messages.ts'
import { DEFAULT_TUNING } from '../../src/client/options.ts'
import { hashHeader } from '../../src/core/header.ts'
import { createNodeHost } from '../../src/net/host.ts'
import { PeerPenalties } from '../../src/net/rpc.ts'
import { systemClock } from '../../src/client/deps.ts'
import { ChainState } from '../../src/node/chain.ts'
import { genesisHash, type ChainSpec } from '../../src/node/chain-spec.ts'
import { serveWire } from '../../src/node/wire-service.ts'
import { SubmitLimiter } from '../../src/node/submit-limiter.ts'
import { CHROMIUM_ARGS, serve } from './browser.ts'
import type { BenchChain } from './chain.ts'
import { BUSY_TRACE_CATEGORIES, threadBusy, topSelfTime, type CpuProfile } from './thread-busy.ts'

/** A way the web app can sync, picked by its URL (src/web/page-options.ts). */
export interface SyncPath {
  name: string
  label: string
  /** The page's query string. */
  query: string
  /** Whether the client catches up below the body window with header-proofs. */
  bodiesFree: boolean
}

/**
 * The paths compared in one run: the client as issue 14 found it (ffjavascript verifier,
 * proofs-by-range for every block one round of ranges at a time, a pool that splits every
 * batch across its workers at once, workers started with the client), the changes added
 * one by one, and the client now (mcl-wasm, header-proofs below the body window with the
 * next ranges asked for while the last ones verify, a pool that sends the batches waiting
 * for a busy worker together, workers started first thing on the page).
 */
export const SYNC_PATHS: SyncPath[] = [
  {
    name: 'before',
    label: 'before: reference verifier, proofs-by-range one round at a time, the pool splits every batch, workers with the client',
    query: '?verifier=reference&sync=proofs&workers=late&pool=split',
    bodiesFree: false,
  },
  {
    name: 'mcl',
    label: 'mcl verifier; proofs-by-range one round at a time, the pool splits every batch, workers with the client',
    query: '?sync=proofs&workers=late&pool=split',
    bodiesFree: false,
  },
  { name: 'mcl+sync', label: 'mcl verifier, header-proofs, pipelined rounds, coalescing pool; workers with the client', query: '?workers=late', bodiesFree: true },
  { name: 'now', label: 'now: mcl verifier, header-proofs, pipelined rounds, coalescing pool, workers first thing', query: '', bodiesFree: true },
]

export interface PathFigures {
  path: SyncPath
  /** Navigation start → client synced at the chain's head (fresh profile). */
  coldFromNavigationMs: number[]
  /** Client started → synced (excludes page load and crypto set-up). */
  coldFromClientStartMs: number[]
  /** Navigation start → the first dial to a peer. */
  firstDialMs: number[]
  /** Navigation start → the client started (page code, key, libp2p and workers set up). */
  clientStartedMs: number[]
  /** Wire payload of the catch-up from genesis to the head, and per block. */
  bytes: { total: number; perBlock: number }
}

export interface SyncFigures {
  blocks: number
  proofs: number
  paths: PathFigures[]
  /** Reload → verified balance, with the IndexedDB checkpoint at the head (the last path's profile). */
  warmBalanceMs: number[]
  warmDetail: Record<string, number>
  importMs: number
}

/**
 * The answers' bytes (frame payloads, as the codecs encode them) of a cold catch-up of the
 * whole chain in ranges of `chunk`: with `bodiesFree`, header-proofs for the ranges below
 * the body window (the last `bodyWindow` blocks) and proofs-by-range for the window;
 * otherwise proofs-by-range for everything. The node sends a certificate on every block
 * of a proofs answer, one per header-proofs answer.
 */
export function catchUpBytes(chain: BenchChain, bodiesFree: boolean, chunk = DEFAULT_TUNING.chunk, bodyWindow = DEFAULT_TUNING.bodyWindow): number {
  const head = chain.blocks.length
  const bodiesFrom = head - bodyWindow + 1
  let total = 0
  for (let from = 1; from <= head;) {
    let count = Math.min(chunk, head - from + 1)
    if (bodiesFree && from < bodiesFrom && from + count - 1 >= bodiesFrom) count = bodiesFrom - from
    const range = chain.blocks.slice(from - 1, from - 1 + count)
    if (bodiesFree && from + count - 1 < bodiesFrom) {
      const last = range[range.length - 1] as BenchChain['blocks'][number]
      total += HEADER_PROOFS.encodeResponse({
        kind: 'header-proofs',
        entries: range.map((b) => ({ header: b.block.header, proof: b.block.transfers.length > 0 ? b.proof : null })),
        qc: last.qc,
      }).length
    } else {
      total += encodeProofsResponse({ entries: range.map((b) => ({ block: b.block, proof: b.block.transfers.length > 0 ? b.proof : null, qc: b.qc })) }, MAX_PROOFS_RESPONSE_BYTES).length
    }
    from += count
  }
  return total
}

type Metrics = Record<string, number | undefined>

/** A run's start-up marks and metrics in time order, for the log. */
const timeline = (m: Metrics) =>
  Object.entries(m)
    .filter((e): e is [string, number] => typeof e[1] === 'number')
    .sort((a, b) => a[1] - b[1])
    .map(([k, v]) => `${k} ${v.toFixed(0)}`)
    .join(', ')

/** Serves `chain` from a Node host and drives the built web app (dist/) against it. */
export async function benchBrowserSync(
  chain: BenchChain,
  vk: Record<string, unknown>,
  distDir: string,
  opts: {
    coldRuns: number
    warmRuns: number
    log: (m: string) => void
    paths?: SyncPath[]
    /** Trace each cold run and log how busy each page thread and this process (the host) were from the first dial on. */
    busy?: boolean
    /** Profile the page thread of each cold run and log the functions it spent most time in. */
    profile?: boolean
  },
): Promise<SyncFigures> {
  const paths = opts.paths ?? SYNC_PATHS
  const { log } = opts
  const spec: ChainSpec = {
    profile: chain.profile,
    genesisTime: chain.genesisHeader.timestamp,
    validators: chain.validatorSet,
    accounts: chain.genesis.map((g) => ({ index: g.index, pubKey: g.account.pubKey, balance: g.account.balance })),
    vk,
    networkId: chain.anchor.params.networkId,
    setup: { setupClass: chain.anchor.params.setupClass, contributions: chain.anchor.params.contributions, transcriptHash: chain.anchor.params.transcriptHash },
  }
  if (!equalBytes(genesisHash(spec), hashHeader(chain.genesisHeader))) throw new Error('bench genesis does not match its chain spec')
  const dir = mkdtempSync(join(tmpdir(), 'zklight-sync-bench-'))
  const t0 = performance.now()
  const state = await ChainState.open(dir, spec)
  for (const b of chain.blocks) {
    await state.append(b.block, b.qc)
    await state.putProof(b.block.header.height, b.proof)
  }
  const importMs = performance.now() - t0
  log(`sync bench: ${chain.blocks.length} blocks imported into a node store in ${(importMs / 1000).toFixed(1)} s`)
  const host = await createNodeHost({ tcpPort: null, wsPort: null, webrtcDirectPort: 0, relayServer: false })
  await serveWire(host, { chain: state, submit: async () => ({ ok: false, reason: 'no-upstream' }), penalties: new PeerPenalties(), limiter: new SubmitLimiter(systemClock) })
  const multiaddrs = host.getMultiaddrs().map(String)
  const first = chain.genesis[0] as BenchChain['genesis'][number]
  const bootstrap = JSON.stringify({
    chainId: chain.genesisHeader.chainId,
    anchor: bytesToHex(encodeTrustAnchor(chain.anchor)),
    multiaddrs,
    vkUrl: './vk.json',
    accounts: [{ address: encodeAddress(first.index, first.account.pubKey) }],
  })
  const { server, url } = await serve(distDir, { '/bootstrap.json': () => bootstrap, '/vk.json': () => JSON.stringify(vk) })
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS })
  const head = chain.blocks.length
  const proofs = chain.blocks.filter((b) => b.block.transfers.length > 0).length
  const figures: SyncFigures = {
    blocks: head,
    proofs,
    paths: paths.map((path) => {
      const total = catchUpBytes(chain, path.bodiesFree)
      return { path, coldFromNavigationMs: [], coldFromClientStartMs: [], firstDialMs: [], clientStartedMs: [], bytes: { total, perBlock: total / head } }
    }),
    warmBalanceMs: [],
    warmDetail: {},
    importMs,
  }
  try {
    const metrics = async (page: import('@playwright/test').Page, key: string): Promise<Metrics> => {
      await page.waitForFunction((k) => (globalThis as any).zklight?.metrics?.[k] !== undefined, key, { timeout: 300_000, polling: 20 })
      return page.evaluate(() => {
        const marks = Object.fromEntries(
          performance
            .getEntriesByType('mark')
            .filter((m) => m.name.startsWith('zklight:'))
            .map((m) => [m.name.slice(8), m.startTime]),
        )
        return { ...(globalThis as any).zklight.metrics, ...marks } as Metrics
      })
    }
    // Each round runs every path once, in turn, so a change of load touches all of them.
    for (let run = 0; run < opts.coldRuns; run++) {
      for (const [i, pf] of figures.paths.entries()) {
        const context = await browser.newContext() // a fresh profile: empty IndexedDB
        const page = await context.newPage()
        page.on('pageerror', (e) => log(`[page] ${e.message}`))
        if (opts.busy) await browser.startTracing(page, { categories: BUSY_TRACE_CATEGORIES })
        const cpu0 = process.cpuUsage()
        await page.goto(`${url}/index.html${pf.path.query}`, opts.profile ? { waitUntil: 'commit' } : {})
        const cdp = opts.profile ? await page.context().newCDPSession(page) : undefined
        if (cdp) {
          await cdp.send('Profiler.enable')
          await cdp.send('Profiler.setSamplingInterval', { interval: 250 })
          await cdp.send('Profiler.start')
        }
        await page.waitForFunction((h) => (globalThis as any).zklight?.metrics?.lastHeadHeight === h, head, { timeout: 300_000, polling: 50 })
        if (cdp) {
          const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile }
          const top = topSelfTime(profile, 25).map((f) => `${f.ms.toFixed(0)} ms ${f.fn}`)
          const file = join(tmpdir(), `zklight-sync-${pf.path.name}-${run + 1}.cpuprofile`)
          writeFileSync(file, JSON.stringify(profile))
          log(`sync bench: page thread profile, run ${run + 1}, ${pf.path.name} (self time, from the first commit to the head; whole profile in ${file}, for Chrome DevTools):\n  ${top.join('\n  ')}`)
          await cdp.detach()
        }
        if (opts.busy) {
          const hostCpu = process.cpuUsage(cpu0)
          const b = threadBusy((await browser.stopTracing()).toString(), 'zklight:first-dial')
          const threads = b.threads.filter((t) => t.busyMs >= 5).map((t) => `${t.thread} ${t.busyMs.toFixed(0)}`)
          log(
            `sync bench: busy run ${run + 1}, ${pf.path.name}: ${b.windowMs.toFixed(0)} ms from first dial to trace end; busy ms: ${threads.join(', ')}; host process CPU from navigation ${((hostCpu.user + hostCpu.system) / 1000).toFixed(0)}`,
          )
        }
        const m = await metrics(page, 'lastHeadMs')
        const synced = m.lastHeadMs as number
        pf.coldFromNavigationMs.push(synced)
        pf.coldFromClientStartMs.push(synced - (m.clientStartedMs as number))
        pf.firstDialMs.push(m['first-dial'] as number)
        pf.clientStartedMs.push(m.clientStartedMs as number)
        log(
          `sync bench: cold run ${run + 1}, ${pf.path.name}: synced ${head} blocks ${synced.toFixed(0)} ms after navigation (${(synced - (m.clientStartedMs as number)).toFixed(0)} ms after client start; first dial at ${(m['first-dial'] ?? NaN).toFixed(0)} ms, workers started at ${(m.workersStartedMs ?? m['verifier-created'] ?? NaN).toFixed(0)} ms) ${timeline(m)}`,
        )
        if (run === opts.coldRuns - 1 && i === figures.paths.length - 1) {
          // Warm resume in the same profile: the checkpoint at the head is in IndexedDB.
          await page.waitForTimeout(2_000)
          for (let w = 0; w < opts.warmRuns; w++) {
            await page.reload()
            const wm = await metrics(page, 'firstVerifiedBalanceMs')
            await page.waitForFunction(() => typeof (globalThis as any).zklight?.origin === 'string', null, { timeout: 60_000 })
            const origin = await page.evaluate(() => (globalThis as any).zklight.origin as string)
            if (!origin.includes('IndexedDB')) throw new Error(`warm run did not start from IndexedDB: ${origin}`)
            figures.warmBalanceMs.push(wm.firstVerifiedBalanceMs as number)
            figures.warmDetail = Object.fromEntries(Object.entries(wm).map(([k, v]) => [k, Math.round(v ?? 0)]))
            log(`sync bench: warm run ${w + 1}: verified balance ${(wm.firstVerifiedBalanceMs as number).toFixed(0)} ms after navigation ${JSON.stringify(figures.warmDetail)}`)
          }
        }
        await context.close()
      }
    }
  } finally {
    await browser.close()
    server.close()
    await host.stop()
    await state.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return figures
}
