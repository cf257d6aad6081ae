// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title IReserveVault
/// @notice What the registry reads from and asks of the reserve vault.
interface IReserveVault {
    /// @notice The operator's reserve for a certificate: token, amount deposited, the part the vault's real token
    ///         balance backs, the token's decimals, and whether the deployment lists the token as exogenous.
    function reserveOf(bytes32 certHash, address operator)
        external
        view
        returns (address token, uint256 deposited, uint256 backing, uint8 decimals, bool exogenous);
    /// @notice Settlement: the reserve goes back to the operator (registry only).
    function release(bytes32 certHash, address operator) external;
}
