pragma circom 2.1.6;
// circomlib's EdDSAPoseidonVerifier alone, as TransferSlot uses it, for
// test/circuits/eddsa-verifier.test.ts (the ledger's signature rule against the circuit's).
include "circomlib/circuits/eddsaposeidon.circom";

component main = EdDSAPoseidonVerifier();
