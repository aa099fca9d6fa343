pragma circom 2.1.6;
// Account leaf = Poseidon(Ax, Ay, balance, nonce) (docs/spec.md#accounts-and-the-state-tree).
include "circomlib/circuits/poseidon.circom";

template AccountLeaf() {
    signal input ax;
    signal input ay;
    signal input balance;
    signal input nonce;
    signal output out;
    component h = Poseidon(4);
    h.inputs[0] <== ax;
    h.inputs[1] <== ay;
    h.inputs[2] <== balance;
    h.inputs[3] <== nonce;
    out <== h.out;
}
