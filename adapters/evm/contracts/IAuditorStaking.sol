// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title IAuditorStaking
/// @notice What the registry reads from the auditor staking contract: the stake an auditor locked for a certificate.
interface IAuditorStaking {
    function stakeOf(address auditor, bytes32 certHash) external view returns (uint256);
}
