// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ICCPLifecycle} from "./ICCPLifecycle.sol";
import {Payouts} from "./Payouts.sol";

/// @title CCPChallenges
/// @notice Challenges against anchored certificates (seed 004 stages 11-12). A challenger posts a bond; the
///         certificate becomes CHALLENGED (or, in its grace period, stays EXPIRED/REVOKED with the challenge recorded).
///         - RESERVE_SHORTFALL is judged on chain at once, from what the vault really backs against what the class
///           requires: upheld when short, refused (nothing changes, nothing is forfeited) when not.
///         - CONSTRAINT_BYPASS, FALSE_INDEPENDENCE, INVALID_VERIFICATION and SCOPE_NOT_PERFORMED are judged by a
///           panel: the verifiers registered before the challenge opened sign EIP-712 `Verdict`s (anyone submits
///           them); `threshold` matching verdicts decide. Parties of the certificate and the challenger cannot judge.
///         Upheld: the registry revokes, slashes every auditor (30% challenger, 50% the upholding verifiers, 20%
///         burned) and claws the fees back; the bond goes back to the challenger. Rejected: back to ACTIVE (EXPIRED
///         if past expiry); the bond is forfeited to the verifiers who signed the rejecting verdict.
///         A challenge the panel has not decided by its deadline (7 days) is rejected by default; its bond goes to
///         whoever signed a rejecting verdict, or is burned when nobody did.
/// @dev    The governor only manages the verifier set; it can neither vote nor move a stake or a bond, and a verifier
///         it adds or removes does not change the panel of a challenge already open.
contract CCPChallenges is EIP712, Payouts {
    enum ChallengeType { RESERVE_SHORTFALL, CONSTRAINT_BYPASS, FALSE_INDEPENDENCE, INVALID_VERIFICATION, SCOPE_NOT_PERFORMED }
    enum State { NONE, OPEN, UPHELD, REJECTED }

    struct Challenge {
        bytes32 certHash;
        address challenger;
        uint48 openedAt;
        uint48 deadline;
        ChallengeType kind;
        State state;
        uint16 upholdVotes;
        uint16 rejectVotes;
        bytes32 evidence;
        uint256 bond;
    }

    struct Verifier {
        uint48 addedAt;
        uint48 removedAt;
    }

    bytes32 public constant VERDICT_TYPEHASH = keccak256("Verdict(uint256 challengeId,bytes32 certHash,bool upheld)");
    /// @notice How long the panel has to decide.
    uint256 public constant CHALLENGE_PERIOD = 7 days;

    ICCPLifecycle public immutable registry;
    /// @notice The token bonds are posted in (the stake token).
    IERC20 public immutable bondToken;
    /// @notice The bond a challenger posts.
    uint256 public immutable bondAmount;
    /// @notice Matching verdicts that decide a panel challenge.
    uint256 public immutable threshold;

    address public governor;
    address public pendingGovernor;
    uint256 public verifierCount;
    uint256 public challengeCount;
    /// @notice Bonds of open challenges (with `totalOwed`, what this contract holds).
    uint256 public totalBonds;

    mapping(uint256 challengeId => Challenge) private _challenges;
    mapping(uint256 challengeId => mapping(address verifier => uint8 vote)) private _votes;
    mapping(uint256 challengeId => address[]) private _upholders;
    mapping(uint256 challengeId => address[]) private _rejecters;
    mapping(address verifier => Verifier) private _verifiers;
    mapping(bytes32 certHash => uint256 challengeId) public openChallengeOf;

    event ChallengeOpened(
        uint256 indexed challengeId,
        bytes32 indexed certHash,
        address indexed challenger,
        ChallengeType kind,
        bytes32 evidence,
        uint256 bond,
        uint48 deadline
    );
    event VerdictSubmitted(uint256 indexed challengeId, address indexed verifier, bool upheld);
    event ChallengeDecided(uint256 indexed challengeId, bytes32 indexed certHash, bool upheld, bool byDefault);
    event VerifierAdded(address indexed verifier);
    event VerifierRemoved(address indexed verifier);
    event GovernorProposed(address indexed governor);
    event GovernorChanged(address indexed previous, address indexed governor);

    error ZeroAddress();
    error ZeroAmount();
    error NotGovernor(address caller);
    error NotPendingGovernor(address caller);
    error VerifierAlreadyRegistered(address verifier);
    error VerifierRetired(address verifier);
    error VerifierNotRegistered(address verifier);
    error PanelTooSmall(uint256 verifiers, uint256 threshold);
    error BondNotReceived(uint256 received, uint256 required);
    error ReserveNotShort(uint256 backing, uint256 required);
    error ChallengeNotFound(uint256 challengeId);
    error ChallengeNotOpen(uint256 challengeId, State state);
    error JudgedOnChain(uint256 challengeId);
    error DeadlinePassed(uint256 challengeId, uint256 deadline);
    error ChallengeUndecided(uint256 challengeId, uint256 deadline);
    error NotOnPanel(uint256 challengeId, address verifier);
    error VerifierConflicted(uint256 challengeId, address verifier);
    error AlreadyVoted(uint256 challengeId, address verifier);
    error InvalidVerdictSignature(uint256 challengeId, address verifier);

    constructor(ICCPLifecycle registry_, IERC20 bondToken_, uint256 bondAmount_, uint256 threshold_, address governor_)
        EIP712("CCPChallenges", "0.2.0")
    {
        if (address(registry_) == address(0) || address(bondToken_) == address(0) || governor_ == address(0)) {
            revert ZeroAddress();
        }
        if (bondAmount_ == 0 || threshold_ == 0) revert ZeroAmount();
        registry = registry_;
        bondToken = bondToken_;
        bondAmount = bondAmount_;
        threshold = threshold_;
        governor = governor_;
    }

    // ---------------------------------------------------------------- challenges

    /// @notice Challenges `certHash`, posting `bondAmount` of the bond token. A RESERVE_SHORTFALL is decided in this
    ///         call; any other type waits for the panel (or its deadline). Returns the challenge id.
    function open(bytes32 certHash, ChallengeType kind, bytes32 evidence) external nonReentrant returns (uint256 challengeId) {
        if (kind != ChallengeType.RESERVE_SHORTFALL && verifierCount < threshold) {
            revert PanelTooSmall(verifierCount, threshold);
        }
        uint256 received = _receive(bondToken, msg.sender, bondAmount);
        if (received != bondAmount) revert BondNotReceived(received, bondAmount);
        totalBonds += received;
        challengeId = ++challengeCount;
        uint48 deadline = uint48(block.timestamp + CHALLENGE_PERIOD);
        _challenges[challengeId] = Challenge({
            certHash: certHash,
            challenger: msg.sender,
            openedAt: uint48(block.timestamp),
            deadline: deadline,
            kind: kind,
            state: State.OPEN,
            upholdVotes: 0,
            rejectVotes: 0,
            evidence: evidence,
            bond: received
        });
        openChallengeOf[certHash] = challengeId;
        registry.onChallengeOpened(certHash);
        emit ChallengeOpened(challengeId, certHash, msg.sender, kind, evidence, received, deadline);
        if (kind == ChallengeType.RESERVE_SHORTFALL) {
            (uint256 backing, uint256 required) = registry.reserveStatus(certHash);
            if (backing >= required) revert ReserveNotShort(backing, required);
            _decide(challengeId, true, false);
        }
    }

    /// @notice Submits a panel verifier's signed verdict (anyone may send it). Reaching `threshold` matching verdicts
    ///         decides the challenge in this call.
    function submitVerdict(uint256 challengeId, address verifier, bool upheld, bytes calldata signature) external nonReentrant {
        Challenge storage challenge = _open(challengeId);
        if (challenge.kind == ChallengeType.RESERVE_SHORTFALL) revert JudgedOnChain(challengeId);
        if (block.timestamp >= challenge.deadline) revert DeadlinePassed(challengeId, challenge.deadline);
        if (!onPanel(challengeId, verifier)) revert NotOnPanel(challengeId, verifier);
        if (verifier == challenge.challenger || registry.isPartyOf(challenge.certHash, verifier)) {
            revert VerifierConflicted(challengeId, verifier);
        }
        if (_votes[challengeId][verifier] != 0) revert AlreadyVoted(challengeId, verifier);
        if (!SignatureChecker.isValidSignatureNowCalldata(verifier, verdictDigest(challengeId, challenge.certHash, upheld), signature)) {
            revert InvalidVerdictSignature(challengeId, verifier);
        }
        emit VerdictSubmitted(challengeId, verifier, upheld);
        if (upheld) {
            _votes[challengeId][verifier] = 1;
            _upholders[challengeId].push(verifier);
            if (++challenge.upholdVotes >= threshold) _decide(challengeId, true, false);
        } else {
            _votes[challengeId][verifier] = 2;
            _rejecters[challengeId].push(verifier);
            if (++challenge.rejectVotes >= threshold) _decide(challengeId, false, false);
        }
    }

    /// @notice Ends a challenge the panel did not decide by its deadline: rejected by default (anyone may call it).
    function resolve(uint256 challengeId) external nonReentrant {
        Challenge storage challenge = _open(challengeId);
        if (block.timestamp < challenge.deadline) revert ChallengeUndecided(challengeId, challenge.deadline);
        _decide(challengeId, false, true);
    }

    function _decide(uint256 challengeId, bool upheld, bool byDefault) private {
        Challenge storage challenge = _challenges[challengeId];
        challenge.state = upheld ? State.UPHELD : State.REJECTED;
        bytes32 certHash = challenge.certHash;
        delete openChallengeOf[certHash];
        uint256 bond = challenge.bond;
        totalBonds -= bond;
        emit ChallengeDecided(challengeId, certHash, upheld, byDefault);
        address[] memory none;
        registry.onChallengeResolved(certHash, upheld, challenge.challenger, upheld ? _upholders[challengeId] : none);
        if (upheld) {
            _pay(bondToken, challenge.challenger, bond);
            return;
        }
        address[] storage panel = _rejecters[challengeId];
        uint256 n = panel.length;
        if (n == 0) {
            _pay(bondToken, BURN, bond);
            return;
        }
        uint256 each = bond / n;
        uint256 extra = bond % n;
        for (uint256 i = 0; i < n; ++i) _pay(bondToken, panel[i], each + (i < extra ? 1 : 0));
    }

    // ---------------------------------------------------------------- verifier set (governor)

    /// @notice Registers a verifier; it may judge challenges opened after this block's time.
    function addVerifier(address verifier) external onlyGovernor {
        if (verifier == address(0)) revert ZeroAddress();
        Verifier storage entry = _verifiers[verifier];
        if (entry.removedAt != 0) revert VerifierRetired(verifier);
        if (entry.addedAt != 0) revert VerifierAlreadyRegistered(verifier);
        entry.addedAt = uint48(block.timestamp);
        ++verifierCount;
        emit VerifierAdded(verifier);
    }

    /// @notice Retires a verifier for challenges opened after this block's time (open ones keep their panel).
    function removeVerifier(address verifier) external onlyGovernor {
        Verifier storage entry = _verifiers[verifier];
        if (entry.addedAt == 0 || entry.removedAt != 0) revert VerifierNotRegistered(verifier);
        entry.removedAt = uint48(block.timestamp);
        --verifierCount;
        emit VerifierRemoved(verifier);
    }

    /// @notice Proposes a new governor; it takes over with `acceptGovernor`.
    function transferGovernor(address next) external onlyGovernor {
        pendingGovernor = next;
        emit GovernorProposed(next);
    }

    function acceptGovernor() external {
        if (msg.sender != pendingGovernor) revert NotPendingGovernor(msg.sender);
        emit GovernorChanged(governor, msg.sender);
        governor = msg.sender;
        pendingGovernor = address(0);
    }

    modifier onlyGovernor() {
        if (msg.sender != governor) revert NotGovernor(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- reads

    /// @notice The EIP-712 digest a verifier signs for its verdict on a challenge.
    function verdictDigest(uint256 challengeId, bytes32 certHash, bool upheld) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(VERDICT_TYPEHASH, challengeId, certHash, upheld)));
    }

    /// @notice Whether `verifier` sits on the panel of a challenge: registered before it opened and not retired then.
    function onPanel(uint256 challengeId, address verifier) public view returns (bool) {
        Verifier storage entry = _verifiers[verifier];
        uint48 openedAt = _challenges[challengeId].openedAt;
        return entry.addedAt != 0 && entry.addedAt < openedAt && (entry.removedAt == 0 || entry.removedAt > openedAt);
    }

    function getChallenge(uint256 challengeId) external view returns (Challenge memory) {
        Challenge memory challenge = _challenges[challengeId];
        if (challenge.state == State.NONE) revert ChallengeNotFound(challengeId);
        return challenge;
    }

    /// @notice The verifiers who signed each verdict, in submission order.
    function votersOf(uint256 challengeId) external view returns (address[] memory upholders, address[] memory rejecters) {
        return (_upholders[challengeId], _rejecters[challengeId]);
    }

    /// @notice Whether a verifier is registered now.
    function isVerifier(address verifier) external view returns (bool) {
        Verifier storage entry = _verifiers[verifier];
        return entry.addedAt != 0 && entry.removedAt == 0;
    }

    /// @notice The EIP-712 domain separator (EIP-5267 `eip712Domain()` gives its fields).
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function _open(uint256 challengeId) private view returns (Challenge storage challenge) {
        challenge = _challenges[challengeId];
        if (challenge.state == State.NONE) revert ChallengeNotFound(challengeId);
        if (challenge.state != State.OPEN) revert ChallengeNotOpen(challengeId, challenge.state);
    }
}
