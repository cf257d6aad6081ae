// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ICCPRegistry} from "./ICCPRegistry.sol";
import {ICCPLifecycle} from "./ICCPLifecycle.sol";
import {IAuditorStaking} from "./IAuditorStaking.sol";
import {IReserveVault} from "./IReserveVault.sol";
import {IFeeEscrow} from "./IFeeEscrow.sol";
import {CidUri} from "./CidUri.sol";

/// @title CCPRegistry
/// @notice Anchors CCP v0.2.0 certificates and runs their lifecycle (seed 004, stages 7-12):
///         ACTIVE -> REVOKED (operator), ACTIVE -> EXPIRED (time, or a renewal), ACTIVE -> CHALLENGED (challenge
///         contract) -> ACTIVE | EXPIRED | REVOKED. EXPIRED and REVOKED are final. After termination plus the class's
///         grace period, with no open challenge, anyone may `settle`: stakes back to the auditors' bonds, the reserve
///         back to the operator, the escrowed fees to the auditors. An upheld challenge slashes the auditors' stakes
///         (30% challenger, 50% verifiers, 20% burned) and claws the fees back to the operator.
/// @dev    Publish: msg.sender is the operator (its transaction authenticates it, so no operator signature is read);
///         the agent co-signs EIP-712 `Publish(Terms, uriDigest)` (unless it is the sender); each auditor signs
///         `Attest(Terms, auditor, scope, stake)` and must be bonded in AuditorStaking with at least the claimed stake
///         locked for this certHash, and the claim at least the class minimum; the operator's reserve for this
///         certHash in ReserveVault must be in an exogenous (listed) token and cover the class ratio of the bound.
///         Signatures are checked with SignatureChecker (ECDSA or ERC-1271). certHash is anchored once, so a
///         signature can be used once: no nonces are needed.
contract CCPRegistry is ICCPRegistry, ICCPLifecycle, EIP712, ReentrancyGuardTransient {
    /// @notice The certificate fields the chain can check, named by every signature over a certificate.
    bytes32 public constant TERMS_TYPEHASH = keccak256(
        "Terms(bytes32 certHash,address agent,address operator,uint8 certificateClass,uint48 expiresAt,uint128 containmentBound)"
    );
    bytes32 public constant PUBLISH_TYPEHASH = keccak256(
        "Publish(Terms terms,bytes32 uriDigest)Terms(bytes32 certHash,address agent,address operator,uint8 certificateClass,uint48 expiresAt,uint128 containmentBound)"
    );
    bytes32 public constant ATTEST_TYPEHASH = keccak256(
        "Attest(Terms terms,address auditor,bytes32 scope,uint256 stake)Terms(bytes32 certHash,address agent,address operator,uint8 certificateClass,uint48 expiresAt,uint128 containmentBound)"
    );
    bytes32 public constant SCOPE_COMPOSITION_ANALYSIS = keccak256("COMPOSITION_ANALYSIS");
    bytes32 public constant SCOPE_FULL_STACK_VERIFICATION = keccak256("FULL_STACK_VERIFICATION");

    uint256 public constant C1_MAX_VALIDITY = 90 days;
    uint256 public constant C2_MAX_VALIDITY = 60 days;
    uint256 public constant C3_MAX_VALIDITY = 30 days;
    /// @notice Grace after termination during which challenges stay possible (seed 004's C2 timeline: 14 days).
    uint256 public constant C1_GRACE = 7 days;
    uint256 public constant C2_GRACE = 14 days;
    uint256 public constant C3_GRACE = 21 days;
    /// @notice At most this many auditors per certificate (bounds the gas of settlement and slashing).
    uint256 public constant MAX_AUDITORS = 16;

    uint8 private constant SETTLED = 1;
    uint8 private constant CHALLENGE_OPEN = 2;
    uint8 private constant UPHELD = 4;

    /// @notice Deployment parameters: the contracts the registry is wired to and the minimum stake per class.
    struct Deployment {
        IAuditorStaking staking;
        IReserveVault vault;
        IFeeEscrow escrow;
        address challenges;
        uint256 minStakeC1;
        uint256 minStakeC2;
        uint256 minStakeC3;
    }

    /// @notice Lifecycle facts beyond seed 003's CertificateRecord.
    struct Lifecycle {
        Status status;
        uint48 terminatedAt;
        uint48 graceEndsAt;
        bool settled;
        bool challengeOpen;
        bool challengeUpheld;
        bytes32 uriDigest;
    }

    /// @dev One certificate in five storage slots.
    struct Record {
        address operator;
        uint48 issuedAt;
        uint48 expiresAt;
        address agent;
        CertificateClass certificateClass;
        Status status;
        uint8 auditorCount;
        uint8 flags;
        uint48 terminatedAt;
        uint128 containmentBound;
        address spendingLimit;
        bytes32 uriDigest;
    }

    IAuditorStaking public immutable staking;
    IReserveVault public immutable vault;
    IFeeEscrow public immutable escrow;
    /// @notice The challenge contract: the only caller of the challenge hooks.
    address public immutable challenges;
    uint256 private immutable _minStakeC1;
    uint256 private immutable _minStakeC2;
    uint256 private immutable _minStakeC3;

    mapping(bytes32 certHash => Record) private _records;
    mapping(bytes32 certHash => mapping(uint256 index => address)) private _auditors;
    mapping(address agent => bytes32 certHash) private _current;

    event CertificateExpired(bytes32 indexed certHash, address indexed agent);
    event CertificateRenewed(bytes32 indexed oldCertHash, bytes32 indexed newCertHash, address indexed agent);
    event CertificateChallenged(bytes32 indexed certHash, address indexed agent);
    event ChallengeResolved(bytes32 indexed certHash, address indexed agent, bool upheld);
    event AttestationRecorded(bytes32 indexed certHash, address indexed auditor, bytes32 scope, uint256 stake);
    event CertificateSettled(bytes32 indexed certHash, address indexed agent, bool challengeUpheld);

    error ZeroAddress();
    error ZeroCertHash();
    error CertificateAlreadyPublished(bytes32 certHash);
    error CertificateNotFound(bytes32 certHash);
    error InvalidClass();
    error EmptyUri();
    error ExpiryNotAfterIssue(uint48 issuedAt, uint48 expiresAt);
    error IssuedInFuture(uint48 issuedAt, uint256 blockTime);
    error AlreadyExpired(uint48 expiresAt, uint256 blockTime);
    error ClassMaximumExceeded(CertificateClass certificateClass, uint256 validity, uint256 maximum);
    error OperatorSignatureNotUsed();
    error InvalidAgentSignature(address agent);
    error WrongReserveVault(address given, address vault);
    error ReserveNotFunded(bytes32 certHash, address operator);
    error ReserveNotExogenous(address token);
    error ReserveInsufficient(uint256 backing, uint256 required);
    error AttestationCountMismatch(uint256 attestations, uint256 signatures);
    error TooManyAuditors(uint256 count, uint256 maximum);
    error MissingAttestation(CertificateClass certificateClass);
    error MissingC3Scope();
    error DuplicateAuditor(address auditor);
    error AuditorNotIndependent(address auditor);
    error StakeBelowClassMinimum(address auditor, uint256 stake, uint256 minimum);
    error AuditorNotBonded(address auditor);
    error AuditorNotStaked(address auditor, uint256 staked, uint256 claimed);
    error InvalidAttestorSignature(address auditor);
    error ActiveCertificateOfAnotherOperator(bytes32 certHash, address operator);
    error CertificateUnderChallenge(bytes32 certHash);
    error NotOperator(address caller, address operator);
    error NotChallengeContract(address caller);
    error CertificateNotActive(bytes32 certHash, Status status);
    error NotYetExpired(uint48 expiresAt, uint256 blockTime);
    error AlreadySettled(bytes32 certHash);
    error ChallengeOpen(bytes32 certHash);
    error ChallengeAlreadyOpen(bytes32 certHash);
    error ChallengeAlreadyUpheld(bytes32 certHash);
    error ChallengeNotOpen(bytes32 certHash);
    error ChallengeWindowClosed(bytes32 certHash, uint256 graceEndsAt);
    error GracePeriodNotOver(bytes32 certHash, uint256 graceEndsAt);

    constructor(Deployment memory deployment) EIP712("CCPRegistry", "0.2.0") {
        if (
            address(deployment.staking) == address(0) || address(deployment.vault) == address(0)
                || address(deployment.escrow) == address(0) || deployment.challenges == address(0)
        ) revert ZeroAddress();
        staking = deployment.staking;
        vault = deployment.vault;
        escrow = deployment.escrow;
        challenges = deployment.challenges;
        _minStakeC1 = deployment.minStakeC1;
        _minStakeC2 = deployment.minStakeC2;
        _minStakeC3 = deployment.minStakeC3;
    }

    // ---------------------------------------------------------------- publish

    /// @inheritdoc ICCPRegistry
    /// @dev `operatorSig` must be empty: the sender is the operator and its transaction already proves it.
    function publish(PublishParams calldata params, bytes calldata operatorSig, bytes[] calldata attestorSigs)
        external
    {
        if (operatorSig.length != 0) revert OperatorSignatureNotUsed();
        bytes32 certHash = params.certHash;
        _checkShape(params);
        bytes32 terms = termsHash(params, msg.sender);
        if (
            params.agent != msg.sender
                && !SignatureChecker.isValidSignatureNowCalldata(
                    params.agent,
                    _hashTypedDataV4(keccak256(abi.encode(PUBLISH_TYPEHASH, terms, params.uriDigest))),
                    params.agentSig
                )
        ) revert InvalidAgentSignature(params.agent);
        _checkReserve(params);
        uint256 count = _checkAttestations(params, terms, attestorSigs);
        bytes32 previous = _displaceCurrent(params.agent);

        Record storage record = _records[certHash];
        record.operator = msg.sender;
        record.issuedAt = params.issuedAt;
        record.expiresAt = params.expiresAt;
        record.agent = params.agent;
        record.certificateClass = params.certificateClass;
        record.status = Status.ACTIVE;
        record.auditorCount = uint8(count);
        record.containmentBound = params.containmentBound;
        record.spendingLimit = params.spendingLimit;
        record.uriDigest = params.uriDigest;
        _current[params.agent] = certHash;

        emit CertificatePublished(
            certHash, params.agent, msg.sender, params.certificateClass, params.containmentBound, params.expiresAt
        );
        if (previous != bytes32(0)) emit CertificateRenewed(previous, certHash, params.agent);
    }

    /// @notice hashStruct(Terms) of `params` sent by `operator`: the part every signature over a certificate names.
    function termsHash(PublishParams calldata params, address operator) public pure returns (bytes32) {
        return keccak256(
            abi.encode(
                TERMS_TYPEHASH,
                params.certHash,
                params.agent,
                operator,
                uint8(params.certificateClass),
                params.expiresAt,
                params.containmentBound
            )
        );
    }

    /// @notice The EIP-712 digest the agent signs for `params` sent by `operator`.
    function publishDigest(PublishParams calldata params, address operator) external view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(PUBLISH_TYPEHASH, termsHash(params, operator), params.uriDigest)));
    }

    /// @notice The EIP-712 digest the auditor of `params.attestations[index]` signs, for `params` sent by `operator`.
    function attestDigest(PublishParams calldata params, address operator, uint256 index)
        external
        view
        returns (bytes32)
    {
        return _attestDigest(termsHash(params, operator), params.attestations[index]);
    }

    /// @notice The EIP-712 domain separator of this registry (EIP-5267 `eip712Domain()` gives its fields).
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function _attestDigest(bytes32 terms, AttestationParams calldata attestation) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(ATTEST_TYPEHASH, terms, attestation.auditor, attestation.scope, attestation.stake))
        );
    }

    function _checkShape(PublishParams calldata params) private view {
        if (params.certHash == bytes32(0)) revert ZeroCertHash();
        if (params.agent == address(0)) revert ZeroAddress();
        if (_records[params.certHash].operator != address(0)) revert CertificateAlreadyPublished(params.certHash);
        if (params.uriDigest == bytes32(0)) revert EmptyUri();
        if (params.reserveVault != address(vault)) revert WrongReserveVault(params.reserveVault, address(vault));
        if (params.expiresAt <= params.issuedAt) revert ExpiryNotAfterIssue(params.issuedAt, params.expiresAt);
        if (params.issuedAt > block.timestamp) revert IssuedInFuture(params.issuedAt, block.timestamp);
        if (params.expiresAt <= block.timestamp) revert AlreadyExpired(params.expiresAt, block.timestamp);
        uint256 maximum = maxValidity(params.certificateClass);
        uint256 validity = uint256(params.expiresAt) - params.issuedAt;
        if (validity > maximum) revert ClassMaximumExceeded(params.certificateClass, validity, maximum);
    }

    /// @dev The operator's reserve for this certHash, measured by what the vault's token balance really backs, must
    ///      cover bound x class ratio in whole units of an exogenous token.
    function _checkReserve(PublishParams calldata params) private view {
        (address token,, uint256 backing, uint8 decimals, bool exogenous) = vault.reserveOf(params.certHash, msg.sender);
        if (token == address(0)) revert ReserveNotFunded(params.certHash, msg.sender);
        if (!exogenous) revert ReserveNotExogenous(token);
        uint256 required = requiredReserve(params.certificateClass, params.containmentBound, decimals);
        if (backing < required) revert ReserveInsufficient(backing, required);
    }

    function _checkAttestations(PublishParams calldata params, bytes32 terms, bytes[] calldata attestorSigs)
        private
        returns (uint256 count)
    {
        count = params.attestations.length;
        if (count != attestorSigs.length) revert AttestationCountMismatch(count, attestorSigs.length);
        if (count > MAX_AUDITORS) revert TooManyAuditors(count, MAX_AUDITORS);
        if (params.certificateClass >= CertificateClass.C2 && count == 0) {
            revert MissingAttestation(params.certificateClass);
        }
        uint256 minimum = minStake(params.certificateClass);
        bool hasC3Scope = false;
        for (uint256 i = 0; i < count; ++i) {
            AttestationParams calldata attestation = params.attestations[i];
            address auditor = attestation.auditor;
            if (auditor == address(0)) revert ZeroAddress();
            if (auditor == msg.sender || auditor == params.agent) revert AuditorNotIndependent(auditor);
            for (uint256 j = 0; j < i; ++j) {
                if (params.attestations[j].auditor == auditor) revert DuplicateAuditor(auditor);
            }
            if (attestation.stake < minimum || attestation.stake == 0) {
                revert StakeBelowClassMinimum(auditor, attestation.stake, minimum);
            }
            (bool bonded, uint256 staked) = staking.attestationOf(auditor, params.certHash);
            if (!bonded) revert AuditorNotBonded(auditor);
            if (staked < attestation.stake) revert AuditorNotStaked(auditor, staked, attestation.stake);
            if (!SignatureChecker.isValidSignatureNowCalldata(auditor, _attestDigest(terms, attestation), attestorSigs[i]))
            {
                revert InvalidAttestorSignature(auditor);
            }
            if (attestation.scope == SCOPE_COMPOSITION_ANALYSIS || attestation.scope == SCOPE_FULL_STACK_VERIFICATION) {
                hasC3Scope = true;
            }
            _auditors[params.certHash][i] = auditor;
            emit AttestationRecorded(params.certHash, auditor, attestation.scope, attestation.stake);
        }
        if (params.certificateClass == CertificateClass.C3 && !hasC3Scope) revert MissingC3Scope();
    }

    /// @dev Renewal: the agent's current certificate, if still ACTIVE and unexpired, must be the same operator's and
    ///      is marked EXPIRED now (its grace starts now). One past its expiry is recorded EXPIRED at its expiry and may
    ///      be replaced by anyone the agent co-signs with. A CHALLENGED one cannot be displaced.
    function _displaceCurrent(address agent) private returns (bytes32 previous) {
        previous = _current[agent];
        if (previous == bytes32(0)) return bytes32(0);
        Record storage old = _records[previous];
        if (old.status == Status.CHALLENGED) revert CertificateUnderChallenge(previous);
        if (block.timestamp < old.expiresAt) {
            if (old.operator != msg.sender) revert ActiveCertificateOfAnotherOperator(previous, old.operator);
            old.terminatedAt = uint48(block.timestamp);
        } else {
            old.terminatedAt = old.expiresAt;
        }
        old.status = Status.EXPIRED;
        emit CertificateExpired(previous, agent);
    }

    // ---------------------------------------------------------------- transitions

    /// @inheritdoc ICCPRegistry
    /// @dev Operator only; ACTIVE or CHALLENGED. An open challenge goes on: a revoke does not end it, and the grace
    ///      period (challenges still possible) starts now.
    function revoke(bytes32 certHash) external {
        Record storage record = _existing(certHash);
        if (msg.sender != record.operator) revert NotOperator(msg.sender, record.operator);
        Status status = _effectiveStatus(record);
        if (status != Status.ACTIVE && status != Status.CHALLENGED) revert CertificateNotActive(certHash, status);
        record.terminatedAt = uint48(block.timestamp);
        _setRevoked(certHash, record);
    }

    /// @notice Records EXPIRED for an ACTIVE certificate past its expiry; anyone may call it.
    function expire(bytes32 certHash) external {
        Record storage record = _existing(certHash);
        if (record.status != Status.ACTIVE) revert CertificateNotActive(certHash, record.status);
        if (block.timestamp < record.expiresAt) revert NotYetExpired(record.expiresAt, block.timestamp);
        _recordExpiry(certHash, record);
    }

    /// @notice Stage 12: after termination plus grace with no open challenge, releases the stakes to the auditors'
    ///         bonds, the escrowed fees to the auditors and the reserve to the operator. Once; anyone may call it.
    function settle(bytes32 certHash) external nonReentrant {
        Record storage record = _existing(certHash);
        uint8 flags = record.flags;
        if (flags & SETTLED != 0) revert AlreadySettled(certHash);
        if (flags & CHALLENGE_OPEN != 0) revert ChallengeOpen(certHash);
        if (record.status == Status.ACTIVE && block.timestamp >= record.expiresAt) _recordExpiry(certHash, record);
        if (record.status == Status.ACTIVE || record.status == Status.CHALLENGED) {
            revert CertificateNotActive(certHash, record.status);
        }
        uint256 graceEndsAt = uint256(record.terminatedAt) + grace(record.certificateClass);
        if (block.timestamp < graceEndsAt) revert GracePeriodNotOver(certHash, graceEndsAt);
        record.flags = flags | SETTLED;
        address operator = record.operator;
        bool upheld = flags & UPHELD != 0;
        emit CertificateSettled(certHash, record.agent, upheld);
        if (!upheld) {
            uint256 count = record.auditorCount;
            for (uint256 i = 0; i < count; ++i) {
                address auditor = _auditors[certHash][i];
                staking.release(certHash, auditor);
                escrow.release(certHash, auditor, operator);
            }
        }
        vault.release(certHash, operator);
    }

    // ---------------------------------------------------------------- challenge hooks

    /// @inheritdoc ICCPLifecycle
    /// @dev ACTIVE (unexpired) -> CHALLENGED. An EXPIRED or REVOKED certificate may be challenged during its grace
    ///      period; its status stays final and the challenge is recorded beside it. One challenge at a time; none after
    ///      an upheld one or after settlement.
    function onChallengeOpened(bytes32 certHash) external {
        if (msg.sender != challenges) revert NotChallengeContract(msg.sender);
        Record storage record = _existing(certHash);
        uint8 flags = record.flags;
        if (flags & SETTLED != 0) revert AlreadySettled(certHash);
        if (flags & CHALLENGE_OPEN != 0) revert ChallengeAlreadyOpen(certHash);
        if (flags & UPHELD != 0) revert ChallengeAlreadyUpheld(certHash);
        if (record.status == Status.ACTIVE && block.timestamp >= record.expiresAt) _recordExpiry(certHash, record);
        if (record.status == Status.ACTIVE) {
            record.status = Status.CHALLENGED;
            emit CertificateChallenged(certHash, record.agent);
        } else {
            uint256 graceEndsAt = uint256(record.terminatedAt) + grace(record.certificateClass);
            if (block.timestamp >= graceEndsAt) revert ChallengeWindowClosed(certHash, graceEndsAt);
            emit CertificateChallenged(certHash, record.agent);
        }
        record.flags = flags | CHALLENGE_OPEN;
    }

    /// @inheritdoc ICCPLifecycle
    /// @dev Upheld: CHALLENGED -> REVOKED (an EXPIRED or REVOKED one stays so), every auditor's stake slashed, every
    ///      escrowed fee clawed back. Rejected: CHALLENGED -> ACTIVE, or EXPIRED when its expiry has passed.
    function onChallengeResolved(bytes32 certHash, bool upheld, address challenger, address[] calldata verifiers)
        external
        nonReentrant
    {
        if (msg.sender != challenges) revert NotChallengeContract(msg.sender);
        Record storage record = _existing(certHash);
        uint8 flags = record.flags;
        if (flags & CHALLENGE_OPEN == 0) revert ChallengeNotOpen(certHash);
        flags &= ~CHALLENGE_OPEN;
        emit ChallengeResolved(certHash, record.agent, upheld);
        if (!upheld) {
            record.flags = flags;
            if (record.status == Status.CHALLENGED) {
                if (block.timestamp < record.expiresAt) record.status = Status.ACTIVE;
                else _recordExpiry(certHash, record);
            }
            return;
        }
        record.flags = flags | UPHELD;
        if (record.status == Status.CHALLENGED) {
            record.terminatedAt = uint48(block.timestamp);
            _setRevoked(certHash, record);
        }
        address operator = record.operator;
        uint256 count = record.auditorCount;
        for (uint256 i = 0; i < count; ++i) {
            address auditor = _auditors[certHash][i];
            staking.slash(certHash, auditor, challenger, verifiers);
            escrow.clawback(certHash, auditor, operator);
        }
    }

    function _setRevoked(bytes32 certHash, Record storage record) private {
        record.status = Status.REVOKED;
        if (_current[record.agent] == certHash) delete _current[record.agent];
        emit CertificateRevoked(certHash, record.agent);
    }

    /// @dev Stored ACTIVE or CHALLENGED past expiry -> EXPIRED, terminated at its expiry.
    function _recordExpiry(bytes32 certHash, Record storage record) private {
        record.status = Status.EXPIRED;
        record.terminatedAt = record.expiresAt;
        if (_current[record.agent] == certHash) delete _current[record.agent];
        emit CertificateExpired(certHash, record.agent);
    }

    // ---------------------------------------------------------------- reads

    /// @inheritdoc ICCPRegistry
    function isValid(bytes32 certHash) public view returns (bool) {
        Record storage record = _records[certHash];
        return record.operator != address(0) && record.status == Status.ACTIVE && block.timestamp < record.expiresAt;
    }

    /// @inheritdoc ICCPRegistry
    function verify(address agent, CertificateClass minClass, uint128 maxAcceptableLoss)
        external
        view
        returns (bool acceptable, bytes32 certHash)
    {
        certHash = getActiveCertificate(agent);
        if (certHash == bytes32(0)) return (false, bytes32(0));
        Record storage record = _records[certHash];
        acceptable = record.certificateClass >= minClass && record.containmentBound <= maxAcceptableLoss;
    }

    /// @inheritdoc ICCPRegistry
    function getActiveCertificate(address agent) public view returns (bytes32) {
        bytes32 certHash = _current[agent];
        return isValid(certHash) ? certHash : bytes32(0);
    }

    /// @notice The agent's current certificate as stored: its ACTIVE or CHALLENGED one, or zero.
    function currentCertificate(address agent) external view returns (bytes32) {
        return _current[agent];
    }

    /// @inheritdoc ICCPRegistry
    /// @dev Reverts CertificateNotFound for an unknown hash; `status` is the stored one (see statusOf); `ipfsUri` is
    ///      rebuilt from the stored digest; `reserveVault` is the vault every certificate's reserve is held in.
    function getCertificate(bytes32 certHash) external view returns (CertificateRecord memory certificate) {
        Record storage record = _existing(certHash);
        certificate.operator = record.operator;
        certificate.agent = record.agent;
        certificate.certificateClass = record.certificateClass;
        certificate.issuedAt = record.issuedAt;
        certificate.expiresAt = record.expiresAt;
        certificate.status = record.status;
        certificate.containmentBound = record.containmentBound;
        certificate.reserveVault = address(vault);
        certificate.spendingLimit = record.spendingLimit;
        certificate.ipfsUri = CidUri.uri(record.uriDigest);
        certificate.auditors = auditorsOf(certHash);
    }

    /// @notice The auditors of a certificate, in attestation order.
    function auditorsOf(bytes32 certHash) public view returns (address[] memory auditors) {
        uint256 count = _records[certHash].auditorCount;
        auditors = new address[](count);
        for (uint256 i = 0; i < count; ++i) auditors[i] = _auditors[certHash][i];
    }

    /// @notice The status as of this block: a stored ACTIVE past its expiry reads EXPIRED.
    function statusOf(bytes32 certHash) external view returns (Status) {
        return _effectiveStatus(_existing(certHash));
    }

    /// @notice Termination, grace, challenge and settlement facts of a certificate (effective status).
    function lifecycleOf(bytes32 certHash) external view returns (Lifecycle memory lifecycle) {
        Record storage record = _existing(certHash);
        lifecycle.status = _effectiveStatus(record);
        uint48 terminatedAt = record.terminatedAt;
        if (terminatedAt == 0 && lifecycle.status == Status.EXPIRED) terminatedAt = record.expiresAt;
        lifecycle.terminatedAt = terminatedAt;
        if (terminatedAt != 0) lifecycle.graceEndsAt = uint48(terminatedAt + grace(record.certificateClass));
        lifecycle.settled = record.flags & SETTLED != 0;
        lifecycle.challengeOpen = record.flags & CHALLENGE_OPEN != 0;
        lifecycle.challengeUpheld = record.flags & UPHELD != 0;
        lifecycle.uriDigest = record.uriDigest;
    }

    /// @inheritdoc ICCPLifecycle
    function anchorOf(bytes32 certHash) external view returns (bool anchored, address operator, bool settled) {
        Record storage record = _records[certHash];
        operator = record.operator;
        anchored = operator != address(0);
        settled = record.flags & SETTLED != 0;
    }

    /// @inheritdoc ICCPLifecycle
    function isAuditorOf(bytes32 certHash, address auditor) public view returns (bool) {
        uint256 count = _records[certHash].auditorCount;
        for (uint256 i = 0; i < count; ++i) {
            if (_auditors[certHash][i] == auditor) return true;
        }
        return false;
    }

    /// @inheritdoc ICCPLifecycle
    function isPartyOf(bytes32 certHash, address account) external view returns (bool) {
        Record storage record = _records[certHash];
        return account == record.operator || account == record.agent || isAuditorOf(certHash, account);
    }

    /// @inheritdoc ICCPLifecycle
    function reserveStatus(bytes32 certHash) external view returns (uint256 backing, uint256 required) {
        Record storage record = _existing(certHash);
        uint8 decimals;
        bool exogenous;
        (,, backing, decimals, exogenous) = vault.reserveOf(certHash, record.operator);
        if (!exogenous) backing = 0;
        required = requiredReserve(record.certificateClass, record.containmentBound, decimals);
    }

    /// @notice The reserve a class requires for a containment bound, in the smallest unit of a token with `decimals`:
    ///         bound x (1 for C1, 3 for C2, 5 for C3) x 10^decimals.
    function requiredReserve(CertificateClass certificateClass, uint128 containmentBound, uint8 decimals)
        public
        pure
        returns (uint256)
    {
        return uint256(containmentBound) * reserveRatio(certificateClass) * 10 ** uint256(decimals);
    }

    /// @notice The minimum reserve ratio of a class (seed 003): 1, 3, 5.
    function reserveRatio(CertificateClass certificateClass) public pure returns (uint256) {
        if (certificateClass == CertificateClass.C1) return 1;
        if (certificateClass == CertificateClass.C2) return 3;
        if (certificateClass == CertificateClass.C3) return 5;
        revert InvalidClass();
    }

    /// @notice The longest validity (seconds) the class allows.
    function maxValidity(CertificateClass certificateClass) public pure returns (uint256) {
        if (certificateClass == CertificateClass.C1) return C1_MAX_VALIDITY;
        if (certificateClass == CertificateClass.C2) return C2_MAX_VALIDITY;
        if (certificateClass == CertificateClass.C3) return C3_MAX_VALIDITY;
        revert InvalidClass();
    }

    /// @notice The grace period (seconds) after termination: challenges stay possible, settlement waits.
    function grace(CertificateClass certificateClass) public pure returns (uint256) {
        if (certificateClass == CertificateClass.C1) return C1_GRACE;
        if (certificateClass == CertificateClass.C2) return C2_GRACE;
        if (certificateClass == CertificateClass.C3) return C3_GRACE;
        revert InvalidClass();
    }

    /// @notice The minimum stake (smallest unit of the stake token) each attestation of a class must claim.
    function minStake(CertificateClass certificateClass) public view returns (uint256) {
        if (certificateClass == CertificateClass.C1) return _minStakeC1;
        if (certificateClass == CertificateClass.C2) return _minStakeC2;
        if (certificateClass == CertificateClass.C3) return _minStakeC3;
        revert InvalidClass();
    }

    function _existing(bytes32 certHash) private view returns (Record storage record) {
        record = _records[certHash];
        if (record.operator == address(0)) revert CertificateNotFound(certHash);
    }

    function _effectiveStatus(Record storage record) private view returns (Status) {
        if (record.status == Status.ACTIVE && block.timestamp >= record.expiresAt) return Status.EXPIRED;
        return record.status;
    }
}
