// The web app itself in Chromium, syncing the cached proven bench chain from a Node
// host over WebRTC-Direct on loopback: cold sync from genesis (fresh profile each
// run) and warm resume (reload with the IndexedDB checkpoint at the head).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from '@playwright/test'
import { encodeAddress } from '../../src/core/address.ts'
import { bytesToHex, equalBytes } from '../../src/core/bytes.ts'
import { encodeTrustAnchor } from '../../src/core/codec.ts'
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

export interface SyncFigures {
  blocks: number
  proofs: number
  /** Navigation start → client synced at the chain's head (fresh profile). */
  coldFromNavigationMs: number[]
  /** Client started → synced (excludes page load and crypto set-up). */
  coldFromClientStartMs: number[]
  /** Reload → verified balance, with the IndexedDB checkpoint at the head. */
  warmBalanceMs: number[]
  warmDetail: Record<string, number>
  importMs: number
}

type Metrics = Record<string, number | undefined>

/** Serves `chain` from a Node host and drives the built web app (dist/) against it. */
export async function benchBrowserSync(chain: BenchChain, vk: Record<string, unknown>, distDir: string, opts: { coldRuns: number; warmRuns: number; log: (m: string) => void }): Promise<SyncFigures> {
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
  const figures: SyncFigures = { blocks: head, proofs: chain.blocks.length, coldFromNavigationMs: [], coldFromClientStartMs: [], warmBalanceMs: [], warmDetail: {}, importMs }
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
    for (let run = 0; run < opts.coldRuns; run++) {
      const context = await browser.newContext() // a fresh profile: empty IndexedDB
      const page = await context.newPage()
      page.on('pageerror', (e) => log(`[page] ${e.message}`))
      await page.goto(`${url}/index.html`)
      await page.waitForFunction((h) => (globalThis as any).zklight?.metrics?.lastHeadHeight === h, head, { timeout: 300_000, polling: 50 })
      const m = await metrics(page, 'lastHeadMs')
      m.syncedMs = m.lastHeadMs
      figures.coldFromNavigationMs.push(m.syncedMs as number)
      figures.coldFromClientStartMs.push((m.syncedMs as number) - (m.clientStartedMs as number))
      log(
        `sync bench: cold run ${run + 1}: synced ${head} blocks ${(m.syncedMs as number).toFixed(0)} ms after navigation (${((m.syncedMs as number) - (m.clientStartedMs as number)).toFixed(0)} ms after client start)`,
      )
      if (run === opts.coldRuns - 1) {
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
  } finally {
    await browser.close()
    server.close()
    await host.stop()
    await state.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return figures
}
