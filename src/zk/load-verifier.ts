// Loads a verification key into the named backend. Each backend's library is imported on
// first use, so a worker (or a bundle chunk) carries only the one it runs.
import { DEFAULT_BACKEND, type Groth16Verifier, type VerifierBackend } from './verifier-backend.ts'

let referenceLoaded = false

/** Prepares a key on the named backend; a bad key throws BadVerificationKey. */
export async function loadVerifier(vk: unknown, backend: VerifierBackend = DEFAULT_BACKEND): Promise<Groth16Verifier> {
  switch (backend) {
    case 'mcl':
      return (await import('./mcl-verifier.ts')).loadMclVerifier(vk)
    case 'reference':
      referenceLoaded = true
      return (await import('./reference-verifier.ts')).loadReferenceVerifier(vk)
    default:
      throw new RangeError(`unknown verifier backend "${String(backend)}" (mcl | reference)`)
  }
}

/**
 * Loads a backend's library and builds its curve without a key (mcl: the wasm compile and
 * BN254 set-up; reference: ffjavascript's curve), so that a key arriving later is prepared
 * at once. Loading a verifier afterwards reuses both.
 */
export async function preloadBackend(backend: VerifierBackend): Promise<void> {
  switch (backend) {
    case 'mcl': {
      const [, mcl] = await Promise.all([import('./mcl-verifier.ts'), import('./mcl.ts')])
      await mcl.getMcl()
      return
    }
    case 'reference':
      referenceLoaded = true
      await Promise.all([import('./reference-verifier.ts'), import('./curve.ts').then((c) => c.getCurve())])
      return
    default:
      throw new RangeError(`unknown verifier backend "${String(backend)}" (mcl | reference)`)
  }
}

/** Frees what the backends hold process-wide (ffjavascript's curve), so a worker can exit. */
export async function releaseVerifiers(): Promise<void> {
  if (referenceLoaded) await (await import('./curve.ts')).terminateCurve()
}
