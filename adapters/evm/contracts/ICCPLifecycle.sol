// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title ICCPLifecycle
/// @notice What the registry tells the money contracts (AuditorStaking, ReserveVault, FeeEscrow) and the challenge
///         contract about a certificate, and the two hooks through which the challenge contract changes it.
interface ICCPLifecycle {
    /// @notice Whether `certHash` is anchored, by which operator, and whether it was settled.
    function anchorOf(bytes32 certHash) external view returns (bool anchored, address operator, bool settled);
    /// @notice Whether `auditor` attested the anchored certificate `certHash`.
    function isAuditorOf(bytes32 certHash, address auditor) external view returns (bool);
    /// @notice Whether `account` is the operator, the agent or an auditor of `certHash` (may not judge it).
    function isPartyOf(bytes32 certHash, address account) external view returns (bool);
    /// @notice The reserve the vault really backs for `certHash` and what its class requires (token's smallest unit).
    function reserveStatus(bytes32 certHash) external view returns (uint256 backing, uint256 required);
    /// @notice Called by the challenge contract when a challenge opens: ACTIVE -> CHALLENGED, or, in grace, recorded.
    function onChallengeOpened(bytes32 certHash) external;
    /// @notice Called by the challenge contract with the outcome; upheld slashes every auditor's stake and claws back
    ///         the fees; the 50% verifier share goes to `verifiers` (burned when empty).
    function onChallengeResolved(bytes32 certHash, bool upheld, address challenger, address[] calldata verifiers) external;
}
