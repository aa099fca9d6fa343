pragma circom 2.1.6;
// Proves that applying up to B signed transfers to the accounts tree with root
// oldRoot yields newRoot, and that txRoot commits to exactly the enabled transfers,
// each signed for the network whose tag is chainTag.
// Public signals: oldRoot, newRoot, txRoot, chainTag (docs/spec.md#state-transition-proof).
include "circomlib/circuits/poseidon.circom";
include "./lib/transfer_slot.circom";

template StateTransition(B, D) {
    signal input oldRoot;
    signal input newRoot;
    signal input txRoot;
    // Derived from the genesis hash: a transfer signed for another network does not verify.
    signal input chainTag;

    signal input enabled[B];
    signal input from[B];
    signal input to[B];
    signal input toAx[B];
    signal input toAy[B];
    signal input amount[B];
    signal input nonce[B];
    signal input sigR8x[B];
    signal input sigR8y[B];
    signal input sigS[B];
    signal input senderAx[B];
    signal input senderAy[B];
    signal input senderBalance[B];
    signal input senderSiblings[B][D];
    signal input receiverIsNew[B];
    signal input receiverBalance[B];
    signal input receiverNonce[B];
    signal input receiverSiblings[B][D];

    component slot[B];
    component fold[B];
    signal root[B + 1];
    signal acc[B + 1];
    root[0] <== oldRoot;
    acc[0] <== 0;
    for (var i = 0; i < B; i++) {
        // Enabled slots form a prefix, so a block's txRoot does not depend on B.
        if (i > 0) {
            enabled[i] * (1 - enabled[i - 1]) === 0;
        }
        slot[i] = TransferSlot(D);
        slot[i].chainTag <== chainTag;
        slot[i].rootIn <== root[i];
        slot[i].enabled <== enabled[i];
        slot[i].from <== from[i];
        slot[i].to <== to[i];
        slot[i].toAx <== toAx[i];
        slot[i].toAy <== toAy[i];
        slot[i].amount <== amount[i];
        slot[i].nonce <== nonce[i];
        slot[i].sigR8x <== sigR8x[i];
        slot[i].sigR8y <== sigR8y[i];
        slot[i].sigS <== sigS[i];
        slot[i].senderAx <== senderAx[i];
        slot[i].senderAy <== senderAy[i];
        slot[i].senderBalance <== senderBalance[i];
        slot[i].senderSiblings <== senderSiblings[i];
        slot[i].receiverIsNew <== receiverIsNew[i];
        slot[i].receiverBalance <== receiverBalance[i];
        slot[i].receiverNonce <== receiverNonce[i];
        slot[i].receiverSiblings <== receiverSiblings[i];
        root[i + 1] <== slot[i].rootOut;

        fold[i] = Poseidon(2);
        fold[i].inputs[0] <== acc[i];
        fold[i].inputs[1] <== slot[i].txHash;
        acc[i + 1] <== acc[i] + enabled[i] * (fold[i].out - acc[i]);
    }
    newRoot === root[B];
    txRoot === acc[B];
}
