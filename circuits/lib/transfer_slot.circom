pragma circom 2.1.6;
// One transfer slot of a block: signature, nonce, range and balance rules, the
// receiver key on the curve, then the sender leaf update and the receiver leaf update
// (created when empty). A disabled slot must carry amount 0 and passes the root through.
include "circomlib/circuits/babyjub.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/eddsaposeidon.circom";
include "circomlib/circuits/poseidon.circom";
include "./merkle.circom";
include "./leaf.circom";

template TransferSlot(D) {
    signal input chainTag;
    signal input rootIn;
    signal input enabled;
    // the transfer
    signal input from;
    signal input to;
    signal input toAx;
    signal input toAy;
    signal input amount;
    signal input nonce;
    signal input sigR8x;
    signal input sigR8y;
    signal input sigS;
    // the sender's leaf before the transfer (its nonce is `nonce`)
    signal input senderAx;
    signal input senderAy;
    signal input senderBalance;
    signal input senderSiblings[D];
    // the receiver's leaf before the transfer, against the intermediate root
    signal input receiverIsNew;
    signal input receiverBalance;
    signal input receiverNonce;
    signal input receiverSiblings[D];

    signal output rootOut;
    signal output txHash;

    enabled * (enabled - 1) === 0;
    receiverIsNew * (receiverIsNew - 1) === 0;

    // Indices are D-bit numbers; their bits are the Merkle paths.
    component fromBits = Num2Bits(D);
    fromBits.in <== from;
    component toBits = Num2Bits(D);
    toBits.in <== to;

    // 0 < amount < 2^64; a disabled slot carries nothing.
    component amountBits = Num2Bits(64);
    amountBits.in <== amount;
    component amountZero = IsZero();
    amountZero.in <== amount;
    amountZero.out * enabled === 0;
    (1 - enabled) * amount === 0;

    component same = IsEqual();
    same.in[0] <== from;
    same.in[1] <== to;
    same.out * enabled === 0;

    component h = Poseidon(7);
    h.inputs[0] <== chainTag;
    h.inputs[1] <== from;
    h.inputs[2] <== to;
    h.inputs[3] <== toAx;
    h.inputs[4] <== toAy;
    h.inputs[5] <== amount;
    h.inputs[6] <== nonce;
    txHash <== h.out;

    // The receiver key is a Baby Jubjub point (a·x² + y² = 1 + d·x²·y²) not of small order
    // (8·A ≠ identity, the test EdDSAPoseidonVerifier applies to senders), as the ledger rule
    // bad-receiver-key requires: a key off the curve or of small order could never spend, and
    // one off the curve could pass the verifier's doubling formulas. A disabled slot carries
    // (0, 0), which is neither: both checks apply only when enabled.
    signal toAx2 <== toAx * toAx;
    signal toAy2 <== toAy * toAy;
    signal toAxy2 <== toAx2 * toAy2;
    enabled * (168700 * toAx2 + toAy2 - 1 - 168696 * toAxy2) === 0;
    component toDbl1 = BabyDbl();
    toDbl1.x <== toAx;
    toDbl1.y <== toAy;
    component toDbl2 = BabyDbl();
    toDbl2.x <== toDbl1.xout;
    toDbl2.y <== toDbl1.yout;
    component toDbl3 = BabyDbl();
    toDbl3.x <== toDbl2.xout;
    toDbl3.y <== toDbl2.yout;
    component toSmall = IsZero();
    toSmall.in <== toDbl3.xout;
    toSmall.out * enabled === 0;

    component sig = EdDSAPoseidonVerifier();
    sig.enabled <== enabled;
    sig.Ax <== senderAx;
    sig.Ay <== senderAy;
    sig.S <== sigS;
    sig.R8x <== sigR8x;
    sig.R8y <== sigR8y;
    sig.M <== txHash;

    // Sender: old leaf is in the tree at `from`; balance does not underflow; nonce advances.
    component senderOld = AccountLeaf();
    senderOld.ax <== senderAx;
    senderOld.ay <== senderAy;
    senderOld.balance <== senderBalance;
    senderOld.nonce <== nonce;
    component senderOldRoot = MerkleRoot(D);
    senderOldRoot.leaf <== senderOld.out;
    senderOldRoot.pathBits <== fromBits.out;
    senderOldRoot.siblings <== senderSiblings;
    component senderIn = ForceEqualIfEnabled();
    senderIn.enabled <== enabled;
    senderIn.in[0] <== senderOldRoot.root;
    senderIn.in[1] <== rootIn;

    signal senderNewBalance <== senderBalance - amount;
    component senderNewBits = Num2Bits(64);
    senderNewBits.in <== senderNewBalance;
    component nonceBits = Num2Bits(32);
    nonceBits.in <== nonce + 1;

    component senderNew = AccountLeaf();
    senderNew.ax <== senderAx;
    senderNew.ay <== senderAy;
    senderNew.balance <== senderNewBalance;
    senderNew.nonce <== nonce + 1;
    component midRoot = MerkleRoot(D);
    midRoot.leaf <== senderNew.out;
    midRoot.pathBits <== fromBits.out;
    midRoot.siblings <== senderSiblings;

    // Receiver: either an empty leaf (created with toA, balance 0, nonce 0) or toA's leaf.
    receiverIsNew * receiverBalance === 0;
    receiverIsNew * receiverNonce === 0;
    component receiverOld = AccountLeaf();
    receiverOld.ax <== toAx;
    receiverOld.ay <== toAy;
    receiverOld.balance <== receiverBalance;
    receiverOld.nonce <== receiverNonce;
    signal receiverOldLeaf <== (1 - receiverIsNew) * receiverOld.out;
    component receiverOldRoot = MerkleRoot(D);
    receiverOldRoot.leaf <== receiverOldLeaf;
    receiverOldRoot.pathBits <== toBits.out;
    receiverOldRoot.siblings <== receiverSiblings;
    component receiverIn = ForceEqualIfEnabled();
    receiverIn.enabled <== enabled;
    receiverIn.in[0] <== receiverOldRoot.root;
    receiverIn.in[1] <== midRoot.root;

    signal receiverNewBalance <== receiverBalance + amount;
    component receiverNewBits = Num2Bits(64);
    receiverNewBits.in <== receiverNewBalance;
    component receiverNew = AccountLeaf();
    receiverNew.ax <== toAx;
    receiverNew.ay <== toAy;
    receiverNew.balance <== receiverNewBalance;
    receiverNew.nonce <== receiverNonce;
    component newRoot = MerkleRoot(D);
    newRoot.leaf <== receiverNew.out;
    newRoot.pathBits <== toBits.out;
    newRoot.siblings <== receiverSiblings;

    rootOut <== rootIn + enabled * (newRoot.root - rootIn);
}
