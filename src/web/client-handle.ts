// The slice of the light client API the widget uses, so it can run on a client that
// lives elsewhere (another module instance, a tab that holds the network).
import type { LightClient } from '../client/light-client.ts'

export type LightClientLike = Pick<LightClient, 'on' | 'off' | 'getBalance' | 'requireFresh' | 'health'>
