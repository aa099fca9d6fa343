// Vector kind "quorum" (scripts/vectors/quorum-vectors.ts): deterministic votes,
// certificate verification and equivocation detection.
import { expect, it } from 'vitest'
import { bytesToHex, hexToBytes } from '../../src/core/bytes.ts'
import { detectEquivocation, qcMessage, signVote, validatorPublicKey, verifyQuorumCertificate, type CertifiedHeader } from '../../src/core/quorum.ts'
import type { Header, QuorumCertificate, ValidatorSet } from '../../src/core/types.ts'
import { fromVectorJson } from '../fixtures/vector-json.ts'
import { rejection, unknownOp, type VectorKind } from './vector-kind.ts'

export const quorumKind: VectorKind = {
  register(file: { cases: any[] }) {
    const seen: string[] = []
    for (const c of file.cases) {
      switch (c.op) {
        case 'sign-vote':
          it(`vote: ${c.name}`, () => {
            const sk = hexToBytes(c.secretKey)
            const headerHash = hexToBytes(c.headerHash)
            expect(bytesToHex(validatorPublicKey(sk))).toBe(c.publicKey)
            const genesisHash = hexToBytes(c.genesisHash)
            expect(bytesToHex(qcMessage(genesisHash, headerHash))).toBe(c.message)
            expect(bytesToHex(signVote(sk, genesisHash, headerHash, c.validator).signature)).toBe(c.signature)
          })
          break
        case 'verify-certificate':
          seen.push(...rejection('quorum', c.expect))
          it(`certificate: ${c.name}`, () => {
            const set = fromVectorJson<ValidatorSet>(c.validatorSet)
            expect(verifyQuorumCertificate(fromVectorJson<Header>(c.header), fromVectorJson<QuorumCertificate>(c.qc), set, hexToBytes(c.genesisHash))).toEqual(c.expect)
          })
          break
        case 'detect-equivocation':
          if (c.expect.equivocation) seen.push('equivocation:detected')
          it(`equivocation: ${c.name}`, () => {
            const [a, b] = [fromVectorJson<CertifiedHeader>(c.a), fromVectorJson<CertifiedHeader>(c.b)]
            expect(detectEquivocation(a, b, fromVectorJson<ValidatorSet>(c.validatorSet), hexToBytes(c.genesisHash))).toBe(c.expect.equivocation)
          })
          break
        default:
          unknownOp(c)
      }
    }
    return seen
  },
}
