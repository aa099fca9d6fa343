// The block plan shared by the light-client tests: [from, to, amount] per transfer,
// empty lists are empty blocks (no proof). Accounts 0..2 are funded at genesis.
export const CHAIN_PLAN: [number, number, bigint][][] = [
  [[0, 3, 100n]],
  [],
  [
    [1, 4, 50n],
    [0, 1, 10n],
  ],
  [[3, 5, 20n]],
  [],
  [[2, 0, 5n]],
  [
    [4, 2, 7n],
    [1, 3, 1n],
  ],
  [],
  [[0, 2, 1n]],
  [[5, 1, 3n]],
  [],
  [[2, 3, 9n]],
]
