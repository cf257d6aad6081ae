// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title Payouts
/// @notice Pays out tokens without letting a recipient block the payer: a transfer that fails (a blacklisted
///         recipient, a token that reverts) is kept as `owed` and the recipient claims it later. Nothing is stranded.
abstract contract Payouts is ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice The burn address for the 20% of a slash and for forfeited bonds nobody may claim.
    address public constant BURN = 0x000000000000000000000000000000000000dEaD;

    /// @notice Payments that could not be pushed, per token and recipient; claimable with `claim`.
    mapping(address token => mapping(address account => uint256 amount)) public owed;
    /// @notice The sum of `owed` per token (part of what the contract holds for others).
    mapping(address token => uint256 amount) public totalOwed;

    event PaymentDeferred(address indexed token, address indexed to, uint256 amount);
    event PaymentClaimed(address indexed token, address indexed to, uint256 amount);

    error NothingOwed(address token, address account);

    /// @notice Takes what a failed payout left owed to the caller.
    function claim(IERC20 token) external nonReentrant {
        uint256 amount = owed[address(token)][msg.sender];
        if (amount == 0) revert NothingOwed(address(token), msg.sender);
        owed[address(token)][msg.sender] = 0;
        totalOwed[address(token)] -= amount;
        emit PaymentClaimed(address(token), msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    function _pay(IERC20 token, address to, uint256 amount) internal {
        if (amount == 0) return;
        if (!token.trySafeTransfer(to, amount)) {
            owed[address(token)][to] += amount;
            totalOwed[address(token)] += amount;
            emit PaymentDeferred(address(token), to, amount);
        }
    }

    /// @dev Takes `amount` from `from` and returns what really arrived (fee-on-transfer tokens deliver less).
    function _receive(IERC20 token, address from, uint256 amount) internal returns (uint256 received) {
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(from, address(this), amount);
        received = token.balanceOf(address(this)) - before;
    }
}
