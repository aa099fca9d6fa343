// `zklight prover`: a separate proving process for a block-producing node. It learns the
// node's circuit, loads the matching keys, then loops lease → prove (worker threads) →
// submit until SIGTERM; one JSON ready line on stdout, progress on stderr. Only the spec
// is here: the implementation (libp2p, snarkjs) loads in run() (cli-prover-run.ts).
import type { CommandSpec } from './cli-options.ts'

export const DEFAULT_PROVER_KEY = 'prover.key'

export const proverCommand: CommandSpec = {
  brief: 'prove blocks for a producing node: lease jobs, prove in worker threads, return proofs',
  usage: 'prover --peer MULTIADDR [--workers N] [--key FILE] [--artifacts DIR | --ceremony DIR] | prover --print-id [--key FILE]',
  summary:
    'Proves blocks for the node at --peer: asks it for its circuit profile and key hash, loads the matching\n' +
    "circuit keys (this machine's cache, --artifacts DIR holding a copy of the node's circuit folder, or a\n" +
    'finalized --ceremony DIR), then leases jobs, proves each in a worker thread and hands the proof back, until\n' +
    "SIGTERM. The node must list this prover's peer id (--print-id) with --prover-peer. Reconnects with back-off.",
  options: {
    peer: { type: 'string', arg: 'MULTIADDR', help: 'the producing node, ending in /p2p/<peer id>' },
    workers: { type: 'string', arg: 'N', help: 'proofs computed at once, one worker thread each (about one per free core)', default: '1' },
    key: { type: 'string', arg: 'FILE', help: "this prover's libp2p key (created 0600 when missing): its peer id is what the node allows", default: DEFAULT_PROVER_KEY },
    artifacts: { type: 'string', arg: 'DIR', help: "a copy of the node's circuit folder (final.zkey, main_js/main.wasm, vk.json)" },
    ceremony: { type: 'string', arg: 'DIR', help: "the finalized `zklight ceremony` folder the node's keys come from" },
    'print-id': { type: 'boolean', help: 'print {"peerId": …} for --key (creating it) and exit' },
  },
  async run(values) {
    const { runProver } = await import('./cli-prover-run.ts')
    return runProver(values)
  },
}
