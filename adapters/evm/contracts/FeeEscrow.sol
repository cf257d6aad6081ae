// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {IFeeEscrow} from "./IFeeEscrow.sol";
import {ICCPLifecycle} from "./ICCPLifecycle.sol";
import {CertKey} from "./CertKey.sol";
import {Payouts} from "./Payouts.sol";

interface IExogenousList {
    function isExogenous(address token) external view returns (bool);
}

/// @title FeeEscrow
/// @notice Audit fees (CCP lifecycle stage 3). An operator requests an audit naming the auditor and escrows the fee
///         (in a token the reserve vault lists). The auditor accepts the request for the certificate it attests
///         (keyed by keccak256(certHash)); the fee is then held until the registry settles the certificate (paid to
///         the auditor) or upholds a challenge against it (clawed back to the operator).
///         The operator cancels a request the auditor has not accepted, and reclaims an accepted one when the
///         certHash was anchored by another operator or without this auditor, or was not anchored within 180 days.
/// @dev    Request ids are keccak256(operator, the operator's nonce): predictable by the operator, unique.
contract FeeEscrow is IFeeEscrow, Payouts, Nonces {
    enum State { NONE, OPEN, ACCEPTED, CANCELLED, RECLAIMED, PAID, CLAWED_BACK }

    struct Request {
        address operator;
        State state;
        uint48 acceptedAt;
        address auditor;
        address token;
        uint256 amount;
        bytes32 certKey;
    }

    /// @notice How long an accepted request waits for its certificate before the operator may reclaim the fee.
    uint256 public constant ACCEPTED_TIMEOUT = 180 days;

    ICCPLifecycle public immutable registry;
    /// @notice The reserve vault whose exogenous tokens the fees may be paid in.
    IExogenousList public immutable vault;

    mapping(bytes32 requestId => Request) private _requests;
    mapping(bytes32 certKey => mapping(address auditor => bytes32 requestId)) private _accepted;
    /// @notice Escrowed fees per token (open and accepted requests; with `totalOwed`, what this contract owes).
    mapping(address token => uint256 amount) public totalEscrowed;

    event AuditRequested(bytes32 indexed requestId, address indexed operator, address indexed auditor, address token, uint256 amount);
    event AuditAccepted(bytes32 indexed requestId, address indexed auditor, bytes32 indexed certKey);
    event AuditCancelled(bytes32 indexed requestId, address indexed operator, uint256 amount);
    event FeeReclaimed(bytes32 indexed requestId, address indexed operator, bytes32 indexed certHash, uint256 amount);
    event FeeReleased(bytes32 indexed requestId, address indexed auditor, bytes32 indexed certHash, uint256 amount);
    event FeeClawedBack(bytes32 indexed requestId, address indexed operator, bytes32 indexed certHash, uint256 amount);

    error ZeroAddress();
    error ZeroAmount();
    error NotRegistry(address caller);
    error TokenNotExogenous(address token);
    error RequestNotFound(bytes32 requestId);
    error NotRequestOperator(address caller, address operator);
    error NotRequestAuditor(address caller, address auditor);
    error RequestNotOpen(bytes32 requestId, State state);
    error RequestNotAccepted(bytes32 requestId, State state);
    error AlreadyAcceptedForCertificate(bytes32 certKey, address auditor, bytes32 requestId);
    error WrongCertificate(bytes32 requestId, bytes32 certHash);
    error FeeLocked(bytes32 requestId, bytes32 certHash);

    constructor(ICCPLifecycle registry_, IExogenousList vault_) {
        if (address(registry_) == address(0) || address(vault_) == address(0)) revert ZeroAddress();
        registry = registry_;
        vault = vault_;
    }

    modifier onlyRegistry() {
        if (msg.sender != address(registry)) revert NotRegistry(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- operator and auditor

    /// @notice Escrows `amount` of `token` as the fee of an audit by `auditor`; returns the request id.
    function requestAudit(address auditor, IERC20 token, uint256 amount) external nonReentrant returns (bytes32 requestId) {
        if (auditor == address(0)) revert ZeroAddress();
        if (amount == 0) revert ZeroAmount();
        if (!vault.isExogenous(address(token))) revert TokenNotExogenous(address(token));
        requestId = requestIdOf(msg.sender, _useNonce(msg.sender));
        uint256 received = _receive(token, msg.sender, amount);
        _requests[requestId] = Request({
            operator: msg.sender,
            state: State.OPEN,
            acceptedAt: 0,
            auditor: auditor,
            token: address(token),
            amount: received,
            certKey: bytes32(0)
        });
        totalEscrowed[address(token)] += received;
        emit AuditRequested(requestId, msg.sender, auditor, address(token), received);
    }

    /// @notice The operator takes back a fee the auditor has not accepted.
    function cancel(bytes32 requestId) external nonReentrant {
        Request storage request = _existing(requestId);
        if (msg.sender != request.operator) revert NotRequestOperator(msg.sender, request.operator);
        if (request.state != State.OPEN) revert RequestNotOpen(requestId, request.state);
        request.state = State.CANCELLED;
        uint256 amount = _take(request);
        emit AuditCancelled(requestId, request.operator, amount);
        _pay(IERC20(request.token), request.operator, amount);
    }

    /// @notice The auditor accepts a request for the certificate it attests (`certKey` = keccak256(certHash)).
    function accept(bytes32 requestId, bytes32 certKey) external {
        Request storage request = _existing(requestId);
        if (msg.sender != request.auditor) revert NotRequestAuditor(msg.sender, request.auditor);
        if (request.state != State.OPEN) revert RequestNotOpen(requestId, request.state);
        bytes32 existing = _accepted[certKey][msg.sender];
        if (existing != bytes32(0)) revert AlreadyAcceptedForCertificate(certKey, msg.sender, existing);
        request.state = State.ACCEPTED;
        request.acceptedAt = uint48(block.timestamp);
        request.certKey = certKey;
        _accepted[certKey][msg.sender] = requestId;
        emit AuditAccepted(requestId, msg.sender, certKey);
    }

    /// @notice The operator takes back an accepted fee whose certificate will never pay it: `certHash` was anchored
    ///         by another operator or without this auditor, or was not anchored within ACCEPTED_TIMEOUT.
    function reclaim(bytes32 requestId, bytes32 certHash) external nonReentrant {
        Request storage request = _existing(requestId);
        if (msg.sender != request.operator) revert NotRequestOperator(msg.sender, request.operator);
        if (request.state != State.ACCEPTED) revert RequestNotAccepted(requestId, request.state);
        if (CertKey.keyOf(certHash) != request.certKey) revert WrongCertificate(requestId, certHash);
        (bool anchored, address operator,) = registry.anchorOf(certHash);
        bool unused = anchored
            ? operator != request.operator || !registry.isAuditorOf(certHash, request.auditor)
            : block.timestamp >= uint256(request.acceptedAt) + ACCEPTED_TIMEOUT;
        if (!unused) revert FeeLocked(requestId, certHash);
        request.state = State.RECLAIMED;
        uint256 amount = _take(request);
        emit FeeReclaimed(requestId, request.operator, certHash, amount);
        _pay(IERC20(request.token), request.operator, amount);
    }

    // ---------------------------------------------------------------- registry

    /// @inheritdoc IFeeEscrow
    function release(bytes32 certHash, address auditor, address operator) external onlyRegistry nonReentrant {
        (bytes32 requestId, Request storage request) = _acceptedFor(certHash, auditor, operator);
        if (requestId == bytes32(0)) return;
        request.state = State.PAID;
        uint256 amount = _take(request);
        emit FeeReleased(requestId, auditor, certHash, amount);
        _pay(IERC20(request.token), auditor, amount);
    }

    /// @inheritdoc IFeeEscrow
    function clawback(bytes32 certHash, address auditor, address operator) external onlyRegistry nonReentrant {
        (bytes32 requestId, Request storage request) = _acceptedFor(certHash, auditor, operator);
        if (requestId == bytes32(0)) return;
        request.state = State.CLAWED_BACK;
        uint256 amount = _take(request);
        emit FeeClawedBack(requestId, operator, certHash, amount);
        _pay(IERC20(request.token), operator, amount);
    }

    // ---------------------------------------------------------------- reads

    /// @notice A request by id (state NONE when unknown).
    function getRequest(bytes32 requestId) external view returns (Request memory) {
        return _requests[requestId];
    }

    /// @notice The request `auditor` accepted for `certHash`, or zero.
    function acceptedRequest(bytes32 certHash, address auditor) external view returns (bytes32) {
        return _accepted[CertKey.keyOf(certHash)][auditor];
    }

    /// @notice The id of the operator's request with this nonce (its next one is `requestIdOf(op, nonces(op))`).
    function requestIdOf(address operator, uint256 nonce) public pure returns (bytes32) {
        return keccak256(abi.encode(operator, nonce));
    }

    function _existing(bytes32 requestId) private view returns (Request storage request) {
        request = _requests[requestId];
        if (request.state == State.NONE) revert RequestNotFound(requestId);
    }

    function _acceptedFor(bytes32 certHash, address auditor, address operator)
        private
        view
        returns (bytes32 requestId, Request storage request)
    {
        requestId = _accepted[CertKey.keyOf(certHash)][auditor];
        request = _requests[requestId];
        if (requestId == bytes32(0) || request.state != State.ACCEPTED || request.operator != operator) {
            requestId = bytes32(0);
        }
    }

    function _take(Request storage request) private returns (uint256 amount) {
        amount = request.amount;
        totalEscrowed[request.token] -= amount;
    }
}
