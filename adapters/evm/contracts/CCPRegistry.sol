// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ICCPRegistry} from "./ICCPRegistry.sol";
import {IAuditorStaking} from "./IAuditorStaking.sol";
import {TypedSignatures} from "./TypedSignatures.sol";

/// @title CCPRegistry
/// @notice Anchors CCP v0.2.0 certificates and runs their state machine (seed 004):
///         ACTIVE -> REVOKED (operator), ACTIVE -> EXPIRED (time: anyone may record it; or renewal),
///         ACTIVE -> CHALLENGED (challenger) -> ACTIVE | REVOKED. EXPIRED and REVOKED are final.
/// @dev    Publish rules: msg.sender is the operator and must also sign EIP-712 `Publish`, which names it
///         (`operator` = msg.sender); the agent co-signs the same struct, so its consent is to this operator
///         only and cannot be replayed by another sender; each signer's nonce is consumed. C2/C3 need a distinct, staked
///         auditor's `Attest` signature, C3 one scoped COMPOSITION_ANALYSIS or FULL_STACK_VERIFICATION.
///         Validity may not exceed the class maximum (C1 90 d, C2 60 d, C3 30 d), counted both from
///         issuedAt and from the block that publishes.
contract CCPRegistry is ICCPRegistry, TypedSignatures {
    bytes32 public constant PUBLISH_TYPEHASH = keccak256(
        "Publish(bytes32 certHash,address agent,address operator,uint8 certificateClass,uint48 expiresAt,uint128 containmentBound,bytes32 uriHash,uint256 nonce)"
    );
    bytes32 public constant ATTEST_TYPEHASH =
        keccak256("Attest(bytes32 certHash,address auditor,bytes32 scope,uint256 stake)");
    bytes32 public constant SCOPE_COMPOSITION_ANALYSIS = keccak256("COMPOSITION_ANALYSIS");
    bytes32 public constant SCOPE_FULL_STACK_VERIFICATION = keccak256("FULL_STACK_VERIFICATION");

    uint256 public constant C1_MAX_VALIDITY = 90 days;
    uint256 public constant C2_MAX_VALIDITY = 60 days;
    uint256 public constant C3_MAX_VALIDITY = 30 days;

    /// @notice The auditor staking contract read on publish; set once.
    IAuditorStaking public immutable staking;
    /// @notice Who may challenge a certificate and resolve a challenge; set once.
    address public immutable challenger;

    mapping(bytes32 certHash => CertificateRecord) private _records;
    mapping(address agent => bytes32 certHash) private _current;
    mapping(address signer => uint256 nonce) public nonces;

    event CertificateExpired(bytes32 indexed certHash, address indexed agent);
    event CertificateRenewed(bytes32 indexed oldCertHash, bytes32 indexed newCertHash, address indexed agent);
    event CertificateChallenged(bytes32 indexed certHash, address indexed agent);
    event ChallengeResolved(bytes32 indexed certHash, address indexed agent, bool upheld);
    event AttestationRecorded(bytes32 indexed certHash, address indexed auditor, bytes32 scope, uint256 stake);

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
    error InvalidOperatorSignature(address recovered, address operator);
    error MissingAgentSignature();
    error InvalidAgentSignature(address recovered, address agent);
    error AttestationCountMismatch(uint256 attestations, uint256 signatures);
    error MissingAttestation(CertificateClass certificateClass);
    error MissingC3Scope();
    error DuplicateAuditor(address auditor);
    error AuditorNotIndependent(address auditor);
    error ZeroStakeClaimed(address auditor);
    error AuditorNotStaked(address auditor, uint256 staked, uint256 claimed);
    error InvalidAttestorSignature(address recovered, address auditor);
    error ActiveCertificateOfAnotherOperator(bytes32 certHash, address operator);
    error CertificateUnderChallenge(bytes32 certHash);
    error NotOperator(address caller, address operator);
    error NotChallenger(address caller);
    error CertificateNotActive(bytes32 certHash, Status status);
    error CertificateNotChallenged(bytes32 certHash, Status status);
    error NotYetExpired(uint48 expiresAt, uint256 blockTime);

    constructor(IAuditorStaking staking_, address challenger_) TypedSignatures("CCPRegistry", "0.2.0") {
        if (address(staking_) == address(0) || challenger_ == address(0)) revert ZeroAddress();
        staking = staking_;
        challenger = challenger_;
    }

    // ---------------------------------------------------------------- publish

    /// @inheritdoc ICCPRegistry
    function publish(PublishParams calldata params, bytes calldata operatorSig, bytes[] calldata attestorSigs)
        external
    {
        bytes32 certHash = params.certHash;
        _checkShape(params);
        _checkPublishSignatures(params, operatorSig);
        address[] memory auditors = _checkAttestations(params, attestorSigs);
        bytes32 previous = _displaceCurrent(params.agent);

        CertificateRecord storage record = _records[certHash];
        record.operator = msg.sender;
        record.agent = params.agent;
        record.certificateClass = params.certificateClass;
        record.issuedAt = params.issuedAt;
        record.expiresAt = params.expiresAt;
        record.status = Status.ACTIVE;
        record.containmentBound = params.containmentBound;
        record.reserveVault = params.reserveVault;
        record.spendingLimit = params.spendingLimit;
        record.ipfsUri = params.ipfsUri;
        record.auditors = auditors;
        _current[params.agent] = certHash;

        emit CertificatePublished(
            certHash, params.agent, msg.sender, params.certificateClass, params.containmentBound, params.expiresAt
        );
        if (previous != bytes32(0)) emit CertificateRenewed(previous, certHash, params.agent);
    }

    /// @notice The EIP-712 digest the operator and the agent sign for `params` sent by `operator`, with `nonce`.
    function publishDigest(PublishParams calldata params, address operator, uint256 nonce)
        public
        view
        returns (bytes32)
    {
        return _hashTypedData(
            keccak256(
                abi.encode(
                    PUBLISH_TYPEHASH,
                    params.certHash,
                    params.agent,
                    operator,
                    uint8(params.certificateClass),
                    params.expiresAt,
                    params.containmentBound,
                    keccak256(bytes(params.ipfsUri)),
                    nonce
                )
            )
        );
    }

    /// @notice The digest an auditor signs for one attestation.
    function attestDigest(bytes32 certHash, AttestationParams calldata attestation) public view returns (bytes32) {
        return _hashTypedData(
            keccak256(abi.encode(ATTEST_TYPEHASH, certHash, attestation.auditor, attestation.scope, attestation.stake))
        );
    }

    function _checkShape(PublishParams calldata params) private view {
        if (params.certHash == bytes32(0)) revert ZeroCertHash();
        if (params.agent == address(0)) revert ZeroAddress();
        if (_records[params.certHash].agent != address(0)) revert CertificateAlreadyPublished(params.certHash);
        if (params.certificateClass == CertificateClass.NONE) revert InvalidClass();
        if (bytes(params.ipfsUri).length == 0) revert EmptyUri();
        if (params.expiresAt <= params.issuedAt) revert ExpiryNotAfterIssue(params.issuedAt, params.expiresAt);
        if (params.issuedAt > block.timestamp) revert IssuedInFuture(params.issuedAt, block.timestamp);
        if (params.expiresAt <= block.timestamp) revert AlreadyExpired(params.expiresAt, block.timestamp);
        uint256 maximum = maxValidity(params.certificateClass);
        uint256 validity = uint256(params.expiresAt) - params.issuedAt;
        if (validity > maximum) revert ClassMaximumExceeded(params.certificateClass, validity, maximum);
    }

    function _checkPublishSignatures(PublishParams calldata params, bytes calldata operatorSig) private {
        uint256 operatorNonce = nonces[msg.sender];
        address recovered = _recover(publishDigest(params, msg.sender, operatorNonce), operatorSig);
        if (recovered != msg.sender) revert InvalidOperatorSignature(recovered, msg.sender);
        nonces[msg.sender] = operatorNonce + 1;

        if (params.agentSig.length == 0) revert MissingAgentSignature();
        if (params.agent == msg.sender) {
            // an agent that is its own operator signs once; its one nonce was consumed above
            if (keccak256(params.agentSig) != keccak256(operatorSig)) {
                recovered = _recover(publishDigest(params, msg.sender, operatorNonce), params.agentSig);
                if (recovered != params.agent) revert InvalidAgentSignature(recovered, params.agent);
            }
            return;
        }
        uint256 agentNonce = nonces[params.agent];
        recovered = _recover(publishDigest(params, msg.sender, agentNonce), params.agentSig);
        if (recovered != params.agent) revert InvalidAgentSignature(recovered, params.agent);
        nonces[params.agent] = agentNonce + 1;
    }

    function _checkAttestations(PublishParams calldata params, bytes[] calldata attestorSigs)
        private
        returns (address[] memory auditors)
    {
        uint256 count = params.attestations.length;
        if (count != attestorSigs.length) revert AttestationCountMismatch(count, attestorSigs.length);
        if (params.certificateClass >= CertificateClass.C2 && count == 0) {
            revert MissingAttestation(params.certificateClass);
        }
        auditors = new address[](count);
        bool hasC3Scope = false;
        for (uint256 i = 0; i < count; ++i) {
            AttestationParams calldata attestation = params.attestations[i];
            address auditor = attestation.auditor;
            if (auditor == address(0)) revert ZeroAddress();
            if (auditor == msg.sender || auditor == params.agent) revert AuditorNotIndependent(auditor);
            for (uint256 j = 0; j < i; ++j) {
                if (auditors[j] == auditor) revert DuplicateAuditor(auditor);
            }
            if (attestation.stake == 0) revert ZeroStakeClaimed(auditor);
            uint256 staked = staking.stakeOf(auditor, params.certHash);
            if (staked < attestation.stake) revert AuditorNotStaked(auditor, staked, attestation.stake);
            address recovered = _recover(attestDigest(params.certHash, attestation), attestorSigs[i]);
            if (recovered != auditor) revert InvalidAttestorSignature(recovered, auditor);
            if (attestation.scope == SCOPE_COMPOSITION_ANALYSIS || attestation.scope == SCOPE_FULL_STACK_VERIFICATION) {
                hasC3Scope = true;
            }
            auditors[i] = auditor;
            emit AttestationRecorded(params.certHash, auditor, attestation.scope, attestation.stake);
        }
        if (params.certificateClass == CertificateClass.C3 && !hasC3Scope) revert MissingC3Scope();
    }

    /// @dev Renewal: the agent's current certificate, if still ACTIVE, must be the same operator's and is
    ///      marked EXPIRED. A certificate past its expiry may be replaced by anyone the agent co-signs with.
    function _displaceCurrent(address agent) private returns (bytes32 previous) {
        previous = _current[agent];
        if (previous == bytes32(0)) return bytes32(0);
        CertificateRecord storage old = _records[previous];
        if (old.status == Status.CHALLENGED) revert CertificateUnderChallenge(previous);
        if (old.status != Status.ACTIVE) return bytes32(0);
        if (block.timestamp < old.expiresAt && old.operator != msg.sender) {
            revert ActiveCertificateOfAnotherOperator(previous, old.operator);
        }
        old.status = Status.EXPIRED;
        emit CertificateExpired(previous, agent);
    }

    // ---------------------------------------------------------------- transitions

    /// @inheritdoc ICCPRegistry
    function revoke(bytes32 certHash) external {
        CertificateRecord storage record = _existing(certHash);
        if (msg.sender != record.operator) revert NotOperator(msg.sender, record.operator);
        Status status = _effectiveStatus(record);
        if (status != Status.ACTIVE && status != Status.CHALLENGED) revert CertificateNotActive(certHash, status);
        _revoke(certHash, record);
    }

    /// @notice Records EXPIRED for a certificate past its expiry; anyone may call it.
    function expire(bytes32 certHash) external {
        CertificateRecord storage record = _existing(certHash);
        if (record.status != Status.ACTIVE) revert CertificateNotActive(certHash, record.status);
        if (block.timestamp < record.expiresAt) revert NotYetExpired(record.expiresAt, block.timestamp);
        record.status = Status.EXPIRED;
        if (_current[record.agent] == certHash) delete _current[record.agent];
        emit CertificateExpired(certHash, record.agent);
    }

    /// @notice Puts an ACTIVE, unexpired certificate under challenge (challenger only).
    function challenge(bytes32 certHash) external {
        if (msg.sender != challenger) revert NotChallenger(msg.sender);
        CertificateRecord storage record = _existing(certHash);
        Status status = _effectiveStatus(record);
        if (status != Status.ACTIVE) revert CertificateNotActive(certHash, status);
        record.status = Status.CHALLENGED;
        emit CertificateChallenged(certHash, record.agent);
    }

    /// @notice Ends a challenge: upheld -> REVOKED, dismissed -> ACTIVE again (challenger only).
    function resolveChallenge(bytes32 certHash, bool upheld) external {
        if (msg.sender != challenger) revert NotChallenger(msg.sender);
        CertificateRecord storage record = _existing(certHash);
        if (record.status != Status.CHALLENGED) revert CertificateNotChallenged(certHash, record.status);
        emit ChallengeResolved(certHash, record.agent, upheld);
        if (upheld) _revoke(certHash, record);
        else record.status = Status.ACTIVE;
    }

    function _revoke(bytes32 certHash, CertificateRecord storage record) private {
        record.status = Status.REVOKED;
        if (_current[record.agent] == certHash) delete _current[record.agent];
        emit CertificateRevoked(certHash, record.agent);
    }

    // ---------------------------------------------------------------- reads

    /// @inheritdoc ICCPRegistry
    function isValid(bytes32 certHash) public view returns (bool) {
        CertificateRecord storage record = _records[certHash];
        return record.agent != address(0) && record.status == Status.ACTIVE && block.timestamp < record.expiresAt;
    }

    /// @inheritdoc ICCPRegistry
    function verify(address agent, CertificateClass minClass, uint128 maxAcceptableLoss)
        external
        view
        returns (bool acceptable, bytes32 certHash)
    {
        certHash = getActiveCertificate(agent);
        if (certHash == bytes32(0)) return (false, bytes32(0));
        CertificateRecord storage record = _records[certHash];
        acceptable = record.certificateClass >= minClass && record.containmentBound <= maxAcceptableLoss;
    }

    /// @inheritdoc ICCPRegistry
    function getActiveCertificate(address agent) public view returns (bytes32) {
        bytes32 certHash = _current[agent];
        return isValid(certHash) ? certHash : bytes32(0);
    }

    /// @inheritdoc ICCPRegistry
    /// @dev Reverts CertificateNotFound for an unknown hash; `status` is the stored one (see statusOf).
    function getCertificate(bytes32 certHash) external view returns (CertificateRecord memory) {
        return _existing(certHash);
    }

    /// @notice The status as of this block: a stored ACTIVE past its expiry reads EXPIRED.
    function statusOf(bytes32 certHash) external view returns (Status) {
        return _effectiveStatus(_existing(certHash));
    }

    /// @notice The longest validity (seconds) the class allows.
    function maxValidity(CertificateClass certificateClass) public pure returns (uint256) {
        if (certificateClass == CertificateClass.C1) return C1_MAX_VALIDITY;
        if (certificateClass == CertificateClass.C2) return C2_MAX_VALIDITY;
        if (certificateClass == CertificateClass.C3) return C3_MAX_VALIDITY;
        revert InvalidClass();
    }

    function _existing(bytes32 certHash) private view returns (CertificateRecord storage record) {
        record = _records[certHash];
        if (record.agent == address(0)) revert CertificateNotFound(certHash);
    }

    function _effectiveStatus(CertificateRecord storage record) private view returns (Status) {
        if (record.status == Status.ACTIVE && block.timestamp >= record.expiresAt) return Status.EXPIRED;
        return record.status;
    }
}
