// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title IFeeEscrow
/// @notice What the registry asks of the fee escrow.
interface IFeeEscrow {
    /// @notice Settlement without an upheld challenge: the auditor's accepted fee for `certHash` goes to the auditor.
    function release(bytes32 certHash, address auditor, address operator) external;
    /// @notice Upheld challenge: the auditor's accepted fee for `certHash` goes back to the operator.
    function clawback(bytes32 certHash, address auditor, address operator) external;
}
