// The slice of the light client API the web app and the widget use.
export interface VerifiedBalance {
  balance: bigint
  nonce: number
  height: number
  stateRoot: bigint
  verified: true
}

export interface HealthLike {
  verifiedHeight: number
  bestSeenHeight: number
  lagBlocks: number
  lagMs: number
  status: string
  peers: number
}

export interface LightClientLike {
  on(event: string, fn: (arg: any) => void): unknown
  off?(event: string, fn: (arg: any) => void): unknown
  getBalance(address: string): Promise<VerifiedBalance>
  requireFresh(opts: { maxLagMs: number }): Promise<unknown>
  health(): HealthLike
}
