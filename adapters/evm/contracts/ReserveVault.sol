// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IReserveVault} from "./IReserveVault.sol";
import {ICCPLifecycle} from "./ICCPLifecycle.sol";
import {CertKey} from "./CertKey.sol";
import {Payouts} from "./Payouts.sol";

/// @title ReserveVault
/// @notice Operators' reserves (CCP lifecycle stage 2). An operator deposits an ERC-20 reserve for a certificate
///         (keyed by keccak256(certHash), so the deposit does not reveal the certHash before it is anchored). Only
///         tokens the deployment lists count as exogenous. The registry checks on publish that the reserve covers
///         the class ratio of the containment bound; from then on it is locked until settlement (termination plus
///         grace), when the registry releases it to the operator. A reserve for a certHash that is not anchored, or
///         was anchored by another operator (a squat), the operator withdraws at any time.
/// @dev    Reserves of one token are pooled in this contract's balance. If that balance ever falls below what it
///         holds for operators (a token that can be seized, rebased down or charged a fee), every reserve in the
///         token is backed pro rata: `reserveOf` reports the backed part, a RESERVE_SHORTFALL challenge is judged on
///         it, and withdrawals and releases pay it.
contract ReserveVault is IReserveVault, Payouts {
    struct Reserve {
        address token;
        uint256 amount;
    }

    /// @notice The registry: the only caller of `release`, and the judge of when a reserve is locked.
    ICCPLifecycle public immutable registry;

    mapping(address token => uint8 decimalsPlusOne) private _listed;
    address[] private _tokens;
    mapping(bytes32 certKey => mapping(address operator => Reserve)) private _reserves;
    /// @notice What the vault holds for operators, per token (with `totalOwed`, what it owes).
    mapping(address token => uint256 amount) public totalHeld;

    event ReserveDeposited(bytes32 indexed certKey, address indexed operator, address indexed token, uint256 amount, uint256 total);
    event ReserveWithdrawn(bytes32 indexed certHash, address indexed operator, address indexed token, uint256 amount, uint256 paid);
    event ReserveReleased(bytes32 indexed certHash, address indexed operator, address indexed token, uint256 amount, uint256 paid);

    error ZeroAddress();
    error ZeroAmount();
    error NotRegistry(address caller);
    error TokenNotExogenous(address token);
    error TokenAlreadyListed(address token);
    error DecimalsUnsupported(address token, uint8 decimals);
    error OtherToken(address reserved, address given);
    error NothingReserved(bytes32 certHash, address operator);
    error ReserveLocked(bytes32 certHash);

    /// @param exogenousTokens the ERC-20s a reserve may be held in (assets the operators cannot mint), fixed for good
    constructor(ICCPLifecycle registry_, IERC20Metadata[] memory exogenousTokens) {
        if (address(registry_) == address(0)) revert ZeroAddress();
        registry = registry_;
        for (uint256 i = 0; i < exogenousTokens.length; ++i) {
            address token = address(exogenousTokens[i]);
            if (token == address(0)) revert ZeroAddress();
            if (_listed[token] != 0) revert TokenAlreadyListed(token);
            uint8 decimals = exogenousTokens[i].decimals();
            if (decimals > 36) revert DecimalsUnsupported(token, decimals);
            _listed[token] = decimals + 1;
            _tokens.push(token);
        }
    }

    // ---------------------------------------------------------------- operator actions

    /// @notice Adds `amount` of an exogenous `token` to the caller's reserve for the certificate keyed
    ///         `certKey` = keccak256(certHash). A reserve is in one token; a later deposit adds to it.
    function deposit(bytes32 certKey, IERC20 token, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (_listed[address(token)] == 0) revert TokenNotExogenous(address(token));
        Reserve storage reserve = _reserves[certKey][msg.sender];
        if (reserve.token == address(0)) reserve.token = address(token);
        else if (reserve.token != address(token)) revert OtherToken(reserve.token, address(token));
        uint256 received = _receive(token, msg.sender, amount);
        reserve.amount += received;
        totalHeld[address(token)] += received;
        emit ReserveDeposited(certKey, msg.sender, address(token), received, reserve.amount);
    }

    /// @notice Takes back the caller's reserve for `certHash` while it is not locked: not anchored, anchored by
    ///         another operator (a squat), or already settled. Pays the backed part (see the contract notes).
    function withdraw(bytes32 certHash) external nonReentrant {
        (bool anchored, address operator, bool settled) = registry.anchorOf(certHash);
        if (anchored && operator == msg.sender && !settled) revert ReserveLocked(certHash);
        (address token, uint256 amount, uint256 paid) = _close(certHash, msg.sender);
        emit ReserveWithdrawn(certHash, msg.sender, token, amount, paid);
        _pay(IERC20(token), msg.sender, paid);
    }

    // ---------------------------------------------------------------- registry

    /// @inheritdoc IReserveVault
    function release(bytes32 certHash, address operator) external nonReentrant {
        if (msg.sender != address(registry)) revert NotRegistry(msg.sender);
        if (_reserves[CertKey.keyOf(certHash)][operator].amount == 0) return;
        (address token, uint256 amount, uint256 paid) = _close(certHash, operator);
        emit ReserveReleased(certHash, operator, token, amount, paid);
        _pay(IERC20(token), operator, paid);
    }

    // ---------------------------------------------------------------- reads

    /// @inheritdoc IReserveVault
    function reserveOf(bytes32 certHash, address operator)
        external
        view
        returns (address token, uint256 deposited, uint256 backing, uint8 decimals, bool exogenous)
    {
        Reserve storage reserve = _reserves[CertKey.keyOf(certHash)][operator];
        token = reserve.token;
        deposited = reserve.amount;
        uint8 listed = _listed[token];
        exogenous = listed != 0;
        if (exogenous) decimals = listed - 1;
        if (token != address(0)) backing = backed(token, deposited);
    }

    /// @notice The part of `amount` of `token` held for operators that the vault's real balance backs.
    function backed(address token, uint256 amount) public view returns (uint256) {
        uint256 held = totalHeld[token];
        uint256 balance = IERC20(token).balanceOf(address(this));
        uint256 owedOut = totalOwed[token];
        uint256 available = balance > owedOut ? balance - owedOut : 0;
        if (available >= held) return amount;
        return Math.mulDiv(amount, available, held);
    }

    /// @notice The tokens a reserve may be held in, with their decimals.
    function exogenousTokens() external view returns (address[] memory tokens, uint8[] memory decimals) {
        tokens = _tokens;
        decimals = new uint8[](tokens.length);
        for (uint256 i = 0; i < tokens.length; ++i) decimals[i] = _listed[tokens[i]] - 1;
    }

    /// @notice Whether the deployment lists `token` as exogenous.
    function isExogenous(address token) external view returns (bool) {
        return _listed[token] != 0;
    }

    /// @dev Empties a reserve; returns its token, its amount and the backed part to pay.
    function _close(bytes32 certHash, address operator) private returns (address token, uint256 amount, uint256 paid) {
        Reserve storage reserve = _reserves[CertKey.keyOf(certHash)][operator];
        token = reserve.token;
        amount = reserve.amount;
        if (amount == 0) revert NothingReserved(certHash, operator);
        paid = backed(token, amount);
        reserve.amount = 0;
        totalHeld[token] -= amount;
    }
}
