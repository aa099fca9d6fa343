pragma circom 2.1.6;
// Root of a fixed-depth Poseidon Merkle path (docs/spec.md: bit k of the index,
// least-significant first, is 0 when the running node is the left child).
include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/switcher.circom";

template MerkleRoot(D) {
    signal input leaf;
    signal input pathBits[D];   // must already be constrained to bits
    signal input siblings[D];
    signal output root;

    component sw[D];
    component h[D];
    signal level[D + 1];
    level[0] <== leaf;
    for (var i = 0; i < D; i++) {
        sw[i] = Switcher();
        sw[i].sel <== pathBits[i];
        sw[i].L <== level[i];
        sw[i].R <== siblings[i];
        h[i] = Poseidon(2);
        h[i].inputs[0] <== sw[i].outL;
        h[i].inputs[1] <== sw[i].outR;
        level[i + 1] <== h[i].out;
    }
    root <== level[D];
}
