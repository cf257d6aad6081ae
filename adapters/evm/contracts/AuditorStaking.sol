// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IAuditorStaking} from "./IAuditorStaking.sol";

/// @title AuditorStaking
/// @notice Minimal auditor stake (CCP lifecycle stage 5): an auditor locks native currency against a
///         certificate hash before the certificate is published; the registry reads `stakeOf` on publish.
///         The slasher is fixed in the constructor. Release at settlement (stage 12) comes with the
///         settlement contracts; until then a stake stays locked.
contract AuditorStaking is IAuditorStaking {
    /// @notice Who may slash a stake (the challenge/settlement contract or its operator); set once.
    address public immutable slasher;

    mapping(address auditor => mapping(bytes32 certHash => uint256 amount)) private _stakes;

    event Staked(address indexed auditor, bytes32 indexed certHash, uint256 amount, uint256 total);
    event Slashed(address indexed auditor, bytes32 indexed certHash, uint256 amount, address recipient);

    error ZeroSlasher();
    error ZeroStake();
    error NotSlasher(address caller);
    error SlashExceedsStake(uint256 requested, uint256 available);
    error TransferFailed();

    constructor(address slasher_) {
        if (slasher_ == address(0)) revert ZeroSlasher();
        slasher = slasher_;
    }

    /// @notice Locks msg.value as the caller's stake for `certHash` (adds to an earlier stake).
    function stake(bytes32 certHash) external payable {
        if (msg.value == 0) revert ZeroStake();
        uint256 total = _stakes[msg.sender][certHash] + msg.value;
        _stakes[msg.sender][certHash] = total;
        emit Staked(msg.sender, certHash, msg.value, total);
    }

    /// @inheritdoc IAuditorStaking
    function stakeOf(address auditor, bytes32 certHash) external view returns (uint256) {
        return _stakes[auditor][certHash];
    }

    /// @notice Takes `amount` of an auditor's stake for `certHash` and sends it to `recipient` (slasher only).
    function slash(address auditor, bytes32 certHash, uint256 amount, address payable recipient) external {
        if (msg.sender != slasher) revert NotSlasher(msg.sender);
        uint256 available = _stakes[auditor][certHash];
        if (amount > available) revert SlashExceedsStake(amount, available);
        _stakes[auditor][certHash] = available - amount;
        emit Slashed(auditor, certHash, amount, recipient);
        (bool ok,) = recipient.call{value: amount}("");
        if (!ok) revert TransferFailed();
    }
}
