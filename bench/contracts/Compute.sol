// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Compute-bound work for the `compute` bench workload: 256-bit modular arithmetic, EXP,
/// division and keccak in a loop, with one storage write per call so the result shows in
/// the state diff every engine is checked on.
contract Compute {
    /// secp256k1's field prime: a modulus close to 2^256, so MULMOD/ADDMOD carry full-width operands.
    uint256 private constant P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f;

    mapping(address => uint256) public results;

    function run(uint256 seed, uint256 rounds) external returns (uint256 acc) {
        acc = seed;
        bytes32 h = bytes32(seed);
        unchecked {
            for (uint256 i = 0; i < rounds; i++) {
                acc = mulmod(acc, acc + i, P);
                acc = addmod(acc, seed ^ i, P);
                uint256 e;
                // Solidity's checked `**` compiles to a multiply loop; the EXP opcode is what is meant here.
                assembly {
                    e := exp(acc, add(i, 17))
                }
                acc ^= e / ((i << 128) | 0xffff);
                acc = acc % (P - i) + uint256(h);
                h = keccak256(abi.encodePacked(h, acc, i));
            }
        }
        results[msg.sender] = acc;
    }
}
