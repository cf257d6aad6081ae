// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title ICCPRegistry
/// @notice The on-chain registry interface of the Containment Certificate Protocol v0.2.0, exactly as seed 003
///         gives it (enums, CertificateRecord, publish/revoke/isValid/verify/getActiveCertificate/getCertificate,
///         CertificatePublished/CertificateRevoked). The seed leaves PublishParams open: it is defined here
///         (see adapters/evm/README.md and docs/lifecycle.md).
interface ICCPRegistry {
    enum Status { ACTIVE, REVOKED, EXPIRED, CHALLENGED }
    enum CertificateClass { NONE, C1, C2, C3 }

    struct CertificateRecord {
        address operator;
        address agent;
        CertificateClass certificateClass;
        uint48 issuedAt;
        uint48 expiresAt;
        Status status;
        uint128 containmentBound;
        address reserveVault;
        address spendingLimit;
        string ipfsUri;
        address[] auditors;
    }

    /// @notice One auditor's scoped attestation. The auditor signs EIP-712 `Attest(Terms terms, auditor, scope,
    ///         stake)`, where `Terms` names the certificate (certHash, agent, operator, class, expiry, bound).
    /// @dev scope = keccak256(bytes(scopeName)), e.g. keccak256("COMPOSITION_ANALYSIS"); stake is in the smallest
    ///      unit of the staking contract's token and must be locked for this certificate in AuditorStaking.
    struct AttestationParams {
        address auditor;
        bytes32 scope;
        uint256 stake;
    }

    /// @notice What the operator (msg.sender) anchors. certHash is the core's content hash of the certificate body;
    ///         uriDigest is the sha2-256 digest inside the stored document's CIDv1 (`ipfs://` + raw + sha2-256), from
    ///         which the registry rebuilds `ipfsUri`. The agent co-signs EIP-712 `Publish(Terms terms, uriDigest)`.
    struct PublishParams {
        bytes32 certHash;
        address agent;
        CertificateClass certificateClass;
        uint48 issuedAt;
        uint48 expiresAt;
        uint128 containmentBound;
        address reserveVault;
        address spendingLimit;
        bytes32 uriDigest;
        bytes agentSig;
        AttestationParams[] attestations;
    }

    function publish(
        PublishParams calldata params,
        bytes calldata operatorSig,
        bytes[] calldata attestorSigs
    ) external;
    function revoke(bytes32 certHash) external;
    function isValid(bytes32 certHash) external view returns (bool);
    function verify(
        address agent,
        CertificateClass minClass,
        uint128 maxAcceptableLoss
    ) external view returns (bool acceptable, bytes32 certHash);
    function getActiveCertificate(address agent) external view returns (bytes32);
    function getCertificate(bytes32 certHash) external view returns (CertificateRecord memory);

    event CertificatePublished(
        bytes32 indexed certHash, address indexed agent,
        address indexed operator, CertificateClass certificateClass,
        uint128 containmentBound, uint48 expiresAt
    );
    event CertificateRevoked(bytes32 indexed certHash, address indexed agent);
}
