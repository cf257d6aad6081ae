// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IAuditorStaking} from "./IAuditorStaking.sol";
import {ICCPLifecycle} from "./ICCPLifecycle.sol";
import {CertKey} from "./CertKey.sol";
import {Payouts} from "./Payouts.sol";

/// @title AuditorStaking
/// @notice Bonded auditors (CCP lifecycle stage 5). An auditor registers by bonding at least `minBond` of the stake
///         token; it then locks part of its bond as the stake of each certificate it attests (`stake`, keyed by
///         keccak256(certHash) so the deposit does not reveal the certHash before it is anchored). A stake is locked
///         from the moment the certificate is anchored with this auditor until settlement (back to the bond) or an
///         upheld challenge (30% to the challenger, 50% to the verifiers who upheld it, 20% burned). Before that, or
///         when the certHash was anchored without this auditor (squatted), the auditor takes it back with `unstake`.
///         Only the registry can release or slash a stake; no key can.
contract AuditorStaking is IAuditorStaking, Payouts {
    using SafeERC20 for IERC20;

    struct Auditor {
        uint120 free;
        uint120 locked;
        bool registered;
    }

    /// @notice The registry: the only caller of `release` and `slash`.
    ICCPLifecycle public immutable registry;
    /// @notice The ERC-20 bonds and stakes are made of.
    IERC20 public immutable stakeToken;
    /// @notice The bond (free + locked) an auditor must hold to be registered.
    uint256 public immutable minBond;

    mapping(address auditor => Auditor) private _auditors;
    mapping(bytes32 certKey => mapping(address auditor => uint256 amount)) private _stakes;
    /// @notice Sums over all auditors (with `totalOwed`, what this contract holds).
    uint256 public totalFree;
    uint256 public totalLocked;

    event Bonded(address indexed auditor, uint256 amount, uint256 free);
    event Unbonded(address indexed auditor, uint256 amount, uint256 free);
    event AuditorRegistered(address indexed auditor, uint256 bond);
    event AuditorDeregistered(address indexed auditor, uint256 bond);
    event Staked(address indexed auditor, bytes32 indexed certKey, uint256 amount, uint256 total);
    event Unstaked(address indexed auditor, bytes32 indexed certHash, uint256 amount);
    event StakeReleased(address indexed auditor, bytes32 indexed certHash, uint256 amount);
    event Slashed(
        address indexed auditor,
        bytes32 indexed certHash,
        uint256 amount,
        address challenger,
        uint256 toChallenger,
        uint256 toVerifiers,
        uint256 burned
    );

    error ZeroAddress();
    error ZeroAmount();
    error NotRegistry(address caller);
    error NotRegistered(address auditor);
    error InsufficientFreeBond(uint256 free, uint256 requested);
    error NothingStaked(bytes32 certHash, address auditor);
    error StakeLocked(bytes32 certHash, address auditor);
    error AmountTooLarge(uint256 amount);

    constructor(ICCPLifecycle registry_, IERC20 stakeToken_, uint256 minBond_) {
        if (address(registry_) == address(0) || address(stakeToken_) == address(0)) revert ZeroAddress();
        if (minBond_ == 0) revert ZeroAmount();
        registry = registry_;
        stakeToken = stakeToken_;
        minBond = minBond_;
    }

    modifier onlyRegistry() {
        if (msg.sender != address(registry)) revert NotRegistry(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- auditor actions

    /// @notice Adds `amount` of the stake token to the caller's bond; reaching `minBond` registers the auditor.
    function bond(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        uint256 received = _receive(stakeToken, msg.sender, amount);
        Auditor storage auditor = _auditors[msg.sender];
        uint256 free = uint256(auditor.free) + received;
        if (free > type(uint120).max) revert AmountTooLarge(free);
        auditor.free = uint120(free);
        totalFree += received;
        emit Bonded(msg.sender, received, free);
        if (!auditor.registered && free + auditor.locked >= minBond) {
            auditor.registered = true;
            emit AuditorRegistered(msg.sender, free + auditor.locked);
        }
    }

    /// @notice Withdraws `amount` of the caller's free bond; falling below `minBond` deregisters the auditor
    ///         (its locked stakes stay locked).
    function unbond(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        Auditor storage auditor = _auditors[msg.sender];
        if (auditor.free < amount) revert InsufficientFreeBond(auditor.free, amount);
        auditor.free -= uint120(amount);
        totalFree -= amount;
        emit Unbonded(msg.sender, amount, auditor.free);
        if (auditor.registered && uint256(auditor.free) + auditor.locked < minBond) {
            auditor.registered = false;
            emit AuditorDeregistered(msg.sender, uint256(auditor.free) + auditor.locked);
        }
        stakeToken.safeTransfer(msg.sender, amount);
    }

    /// @notice Locks `amount` of the caller's free bond as its stake for the certificate whose key is
    ///         `certKey` = keccak256(certHash) (registered auditors only; adds to an earlier stake).
    function stake(bytes32 certKey, uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        Auditor storage auditor = _auditors[msg.sender];
        if (!auditor.registered) revert NotRegistered(msg.sender);
        if (auditor.free < amount) revert InsufficientFreeBond(auditor.free, amount);
        auditor.free -= uint120(amount);
        auditor.locked += uint120(amount);
        totalFree -= amount;
        totalLocked += amount;
        uint256 total = _stakes[certKey][msg.sender] + amount;
        _stakes[certKey][msg.sender] = total;
        emit Staked(msg.sender, certKey, amount, total);
    }

    /// @notice Takes the caller's stake for `certHash` back into its bond while it is not locked: the certHash is
    ///         not anchored, was anchored without this auditor (a squat), or was settled.
    function unstake(bytes32 certHash) external {
        bytes32 key = CertKey.keyOf(certHash);
        uint256 amount = _stakes[key][msg.sender];
        if (amount == 0) revert NothingStaked(certHash, msg.sender);
        (bool anchored,, bool settled) = registry.anchorOf(certHash);
        if (anchored && !settled && registry.isAuditorOf(certHash, msg.sender)) revert StakeLocked(certHash, msg.sender);
        _unlock(key, msg.sender, amount);
        emit Unstaked(msg.sender, certHash, amount);
    }

    // ---------------------------------------------------------------- registry

    /// @inheritdoc IAuditorStaking
    function release(bytes32 certHash, address auditor) external onlyRegistry {
        bytes32 key = CertKey.keyOf(certHash);
        uint256 amount = _stakes[key][auditor];
        if (amount == 0) return;
        _unlock(key, auditor, amount);
        emit StakeReleased(auditor, certHash, amount);
    }

    /// @inheritdoc IAuditorStaking
    /// @dev 30% (rounded down) to the challenger, 50% (rounded down) split equally among `verifiers` in order (the
    ///      first `share % n` get one more unit), the rest burned (20% plus at most 2 units of rounding). With no
    ///      verifiers (a challenge the chain judged itself) their 50% is burned too.
    function slash(bytes32 certHash, address auditor, address challenger, address[] calldata verifiers)
        external
        onlyRegistry
    {
        bytes32 key = CertKey.keyOf(certHash);
        uint256 amount = _stakes[key][auditor];
        if (amount == 0) return;
        _stakes[key][auditor] = 0;
        Auditor storage account = _auditors[auditor];
        account.locked -= uint120(amount);
        totalLocked -= amount;
        if (account.registered && uint256(account.free) + account.locked < minBond) {
            account.registered = false;
            emit AuditorDeregistered(auditor, uint256(account.free) + account.locked);
        }
        uint256 toChallenger = amount * 30 / 100;
        uint256 toVerifiers = verifiers.length == 0 ? 0 : amount * 50 / 100;
        uint256 burned = amount - toChallenger - toVerifiers;
        emit Slashed(auditor, certHash, amount, challenger, toChallenger, toVerifiers, burned);
        _pay(stakeToken, challenger, toChallenger);
        uint256 n = verifiers.length;
        if (n != 0) {
            uint256 each = toVerifiers / n;
            uint256 extra = toVerifiers % n;
            for (uint256 i = 0; i < n; ++i) _pay(stakeToken, verifiers[i], each + (i < extra ? 1 : 0));
        }
        _pay(stakeToken, BURN, burned);
    }

    // ---------------------------------------------------------------- reads

    /// @inheritdoc IAuditorStaking
    function stakeOf(address auditor, bytes32 certHash) external view returns (uint256) {
        return _stakes[CertKey.keyOf(certHash)][auditor];
    }

    /// @notice The stake under a certificate key (keccak256(certHash)).
    function stakeOfKey(address auditor, bytes32 certKey) external view returns (uint256) {
        return _stakes[certKey][auditor];
    }

    /// @inheritdoc IAuditorStaking
    function attestationOf(address auditor, bytes32 certHash) external view returns (bool bonded, uint256 staked) {
        bonded = _auditors[auditor].registered;
        staked = _stakes[CertKey.keyOf(certHash)][auditor];
    }

    /// @notice An auditor's bond: free (withdrawable), locked in stakes, and whether it is registered.
    function bondOf(address auditor) external view returns (uint256 free, uint256 locked, bool registered) {
        Auditor storage account = _auditors[auditor];
        return (account.free, account.locked, account.registered);
    }

    function _unlock(bytes32 key, address auditor, uint256 amount) private {
        _stakes[key][auditor] = 0;
        Auditor storage account = _auditors[auditor];
        account.locked -= uint120(amount);
        account.free += uint120(amount);
        totalLocked -= amount;
        totalFree += amount;
    }
}
