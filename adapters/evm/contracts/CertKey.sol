// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title CertKey
/// @notice Deposits made before a certificate is anchored (reserve, stake, accepted fee) are keyed by
///         keccak256(certHash), not by certHash: a deposit transaction then does not tell a watcher which certHash
///         is about to be published, so nobody can anchor it first (squat) before the operator's own publish is sent.
library CertKey {
    function keyOf(bytes32 certHash) internal pure returns (bytes32 key) {
        assembly ("memory-safe") {
            mstore(0x00, certHash)
            key := keccak256(0x00, 0x20)
        }
    }
}
