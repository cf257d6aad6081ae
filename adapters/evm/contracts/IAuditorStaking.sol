// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title IAuditorStaking
/// @notice What the registry reads from and asks of the auditor staking contract.
interface IAuditorStaking {
    /// @notice The stake an auditor locked for a certificate (smallest unit of the stake token).
    function stakeOf(address auditor, bytes32 certHash) external view returns (uint256);
    /// @notice Whether the auditor is a registered (bonded) auditor, and its stake for `certHash`.
    function attestationOf(address auditor, bytes32 certHash) external view returns (bool bonded, uint256 staked);
    /// @notice Settlement: the stake goes back to the auditor's bond (registry only).
    function release(bytes32 certHash, address auditor) external;
    /// @notice Upheld challenge: 30% to the challenger, 50% to the verifiers, 20% burned (registry only).
    function slash(bytes32 certHash, address auditor, address challenger, address[] calldata verifiers) external;
}
