// Quorum vectors: deterministic votes from fixed-seed keys, certificate checks (one
// case per QuorumReason, plus exact thresholds) and equivocation detection.
import { bytesToHex } from '../../src/core/bytes.ts'
import { hashHeader } from '../../src/core/header.ts'
import { detectEquivocation, qcMessage, signVote, validatorPublicKey, verifyQuorumCertificate } from '../../src/core/quorum.ts'
import type { Header, QuorumCertificate, QuorumReason, ValidatorSet, Vote } from '../../src/core/types.ts'
import { certify, SAMPLE_GENESIS_HASH, sampleChild, sampleGenesis, seedBytes, validatorKeys, type ValidatorKeys } from '../../test/fixtures/core-samples.ts'
import { toVectorJson, type Json } from '../../test/fixtures/vector-json.ts'
import { VectorMismatchError, expected, type VectorFile } from './vector-file.ts'

function vote(name: string, keys: ValidatorKeys, header: Header, validator: number): Json {
  const secretKey = keys.secretKeys[validator] as Uint8Array
  const headerHash = hashHeader(header)
  return {
    op: 'sign-vote',
    name,
    secretKey: bytesToHex(secretKey),
    publicKey: bytesToHex(validatorPublicKey(secretKey)),
    genesisHash: bytesToHex(SAMPLE_GENESIS_HASH),
    headerHash: bytesToHex(headerHash),
    validator,
    message: bytesToHex(qcMessage(SAMPLE_GENESIS_HASH, headerHash)),
    signature: bytesToHex(signVote(secretKey, SAMPLE_GENESIS_HASH, headerHash, validator).signature),
  }
}

function certificate(name: string, header: Header, qc: QuorumCertificate, set: ValidatorSet, want: 'ok' | QuorumReason): Json {
  const expect = expected(name, verifyQuorumCertificate(header, qc, set, SAMPLE_GENESIS_HASH), want)
  return { op: 'verify-certificate', name, genesisHash: bytesToHex(SAMPLE_GENESIS_HASH), header: toVectorJson(header), validatorSet: toVectorJson(set), qc: toVectorJson(qc), expect }
}

type Certified = { header: Header; qc: QuorumCertificate }
function equivocation(name: string, a: Certified, b: Certified, set: ValidatorSet, want: boolean): Json {
  if (detectEquivocation(a, b, set, SAMPLE_GENESIS_HASH) !== want) throw new VectorMismatchError(`${name}: expected equivocation ${want}`)
  return { op: 'detect-equivocation', name, genesisHash: bytesToHex(SAMPLE_GENESIS_HASH), a: toVectorJson(a), b: toVectorJson(b), validatorSet: toVectorJson(set), expect: { equivocation: want } }
}

function withSignatures(qc: QuorumCertificate, signatures: Vote[]): QuorumCertificate {
  return { headerHash: qc.headerHash, signatures }
}

export function makeQuorumVectors(): VectorFile {
  const keys = validatorKeys(4)
  const set = keys.set
  const header = sampleChild(sampleGenesis(set), 4)
  const good = certify(header, keys, [0, 1, 2])
  const [s0, s1, s2] = good.signatures as [Vote, Vote, Vote]
  const h = good.headerHash
  const small = (n: number) => {
    const k = validatorKeys(n, `set-${n}`)
    return { k, header: sampleChild(sampleGenesis(k.set), n) }
  }
  const three = small(3)
  const one = small(1)
  const fork = { ...header, stateRoot: header.stateRoot + 1n }
  const next = sampleChild(header, 4)
  const flipped = s1.signature.slice()
  flipped[10] = (flipped[10] as number) ^ 0x80

  const cases: Json[] = [
    ...[0, 1, 2, 3].map((i) => vote(`validator ${i} votes for height 1`, keys, header, i)),
    certificate('n=4: three signers (threshold)', header, good, set, 'ok'),
    certificate('n=4: all four signers', header, certify(header, keys, [0, 1, 2, 3]), set, 'ok'),
    certificate('n=4: signers 1, 2, 3', header, certify(header, keys, [1, 2, 3]), set, 'ok'),
    certificate('n=3: all three signers (threshold)', three.header, certify(three.header, three.k, [0, 1, 2]), three.k.set, 'ok'),
    certificate('n=1: the one signer (threshold)', one.header, certify(one.header, one.k, [0]), one.k.set, 'ok'),
    certificate('n=4: two signers', header, certify(header, keys, [0, 3]), set, 'quorum-missing'),
    certificate('n=3: two signers', three.header, certify(three.header, three.k, [0, 1]), three.k.set, 'quorum-missing'),
    certificate('n=1: empty certificate on the right header', one.header, certify(one.header, one.k, []), one.k.set, 'quorum-missing'),
    certificate('set does not hash to the header commitment', header, good, validatorKeys(4, 'other').set, 'wrong-validator-set'),
    certificate('set in another order', header, good, [...set].reverse(), 'wrong-validator-set'),
    certificate('certificate names the parent header', header, certify(sampleGenesis(set), keys, [0, 1, 2]), set, 'wrong-header'),
    certificate('signer index 4 in a set of 4', header, withSignatures(good, [s0, s1, s2, signVote(keys.secretKeys[3] as Uint8Array, SAMPLE_GENESIS_HASH, h, 4)]), set, 'unknown-signer'),
    certificate('signer 1 twice', header, withSignatures(good, [s0, s1, s1, s2]), set, 'duplicate-signer'),
    certificate('signers out of order', header, withSignatures(good, [s1, s0, s2]), set, 'duplicate-signer'),
    certificate('one signature with a flipped bit', header, withSignatures(good, [s0, { validator: 1, signature: flipped }, s2]), set, 'bad-signature'),
    certificate('slot 1 signed by key 3', header, withSignatures(good, [s0, signVote(keys.secretKeys[3] as Uint8Array, SAMPLE_GENESIS_HASH, h, 1), s2]), set, 'bad-signature'),
    certificate(
      'vote signed for another network (genesis hash)',
      header,
      withSignatures(good, [s0, signVote(keys.secretKeys[1] as Uint8Array, seedBytes('other-network'), h, 1), s2]),
      set,
      'bad-signature',
    ),
    certificate('all-zero signature', header, withSignatures(good, [s0, { validator: 1, signature: new Uint8Array(64) }, s2]), set, 'bad-signature'),
    equivocation('two certified headers at height 1', { header, qc: good }, { header: fork, qc: certify(fork, keys, [1, 2, 3]) }, set, true),
    equivocation('one header, two certificates', { header, qc: good }, { header, qc: certify(header, keys, [1, 2, 3]) }, set, false),
    equivocation('different heights', { header, qc: good }, { header: next, qc: certify(next, keys, [0, 1, 2]) }, set, false),
    equivocation('second certificate below quorum', { header, qc: good }, { header: fork, qc: certify(fork, keys, [1, 2]) }, set, false),
  ]
  return {
    kind: 'quorum',
    version: 1,
    description:
      'Quorum certificates (docs/spec.md#blocks-headers-validators). Validator i secret key = SHA-256("zklight-sample:validator-i"). ' +
      'Every vote is for the network whose genesis hash is SHA-256("zklight-sample:genesis-hash"). ' +
      'op "sign-vote": public key, qcMessage and the deterministic Ed25519 signature; op "verify-certificate": ' +
      'verifyQuorumCertificate(header, qc, validatorSet, genesisHash); op "detect-equivocation": detectEquivocation(a, b, validatorSet, genesisHash).',
    cases,
  }
}
