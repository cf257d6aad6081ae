// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {CCPRegistry} from "../../adapters/evm/contracts/CCPRegistry.sol";
import {ICCPRegistry} from "../../adapters/evm/contracts/ICCPRegistry.sol";
import {ICCPLifecycle} from "../../adapters/evm/contracts/ICCPLifecycle.sol";
import {IAuditorStaking} from "../../adapters/evm/contracts/IAuditorStaking.sol";
import {IReserveVault} from "../../adapters/evm/contracts/IReserveVault.sol";
import {IFeeEscrow} from "../../adapters/evm/contracts/IFeeEscrow.sol";
import {AuditorStaking} from "../../adapters/evm/contracts/AuditorStaking.sol";
import {ReserveVault} from "../../adapters/evm/contracts/ReserveVault.sol";
import {FeeEscrow, IExogenousList} from "../../adapters/evm/contracts/FeeEscrow.sol";
import {CCPChallenges} from "../../adapters/evm/contracts/CCPChallenges.sol";
import {TestToken} from "./mocks/TestToken.sol";
import {vm} from "./Vm.sol";

/// @notice Deploys the five contracts wired together (as adapters/evm/actions/deploy-contracts.ts does: the registry
///         first, given the addresses the next four deployments get) and offers the steps of seed 004 as helpers.
abstract contract Base {
    uint256 internal constant DAY = 1 days;
    uint256 internal constant USDC = 1e6;
    uint256 internal constant MIN_BOND = 1_000 * USDC;
    uint256 internal constant MIN_STAKE_C1 = 100 * USDC;
    uint256 internal constant MIN_STAKE_C2 = 1_000 * USDC;
    uint256 internal constant MIN_STAKE_C3 = 5_000 * USDC;
    uint256 internal constant BOND = 100 * USDC;
    uint256 internal constant THRESHOLD = 2;
    uint256 internal constant T0 = 1_781_481_600; // 2026-06-15T00:00:00Z

    uint256 internal constant OPERATOR_PK = 0xA11CE;
    uint256 internal constant OTHER_OPERATOR_PK = 0xB0B;
    uint256 internal constant AGENT_PK = 0xA6E27;
    uint256 internal constant AUDITOR_PK = 0xAD17;
    uint256 internal constant AUDITOR2_PK = 0xAD18;
    uint256 internal constant AUDITOR3_PK = 0xAD19;
    uint256 internal constant CHALLENGER_PK = 0xC4A1;
    uint256 internal constant VERIFIER1_PK = 0x7E1;
    uint256 internal constant VERIFIER2_PK = 0x7E2;
    uint256 internal constant VERIFIER3_PK = 0x7E3;
    uint256 internal constant GOVERNOR_PK = 0x60F;

    address internal operator;
    address internal otherOperator;
    address internal agent;
    address internal auditor;
    address internal auditor2;
    address internal auditor3;
    address internal challenger;
    address internal verifier1;
    address internal verifier2;
    address internal verifier3;
    address internal governor;

    TestToken internal usdc;
    CCPRegistry internal registry;
    AuditorStaking internal staking;
    ReserveVault internal vault;
    FeeEscrow internal escrow;
    CCPChallenges internal challenges;

    error AssertionFailed(string what, uint256 actual, uint256 expected);
    error AssertionFailedAddress(string what, address actual, address expected);
    error AssertionFailedBytes32(string what, bytes32 actual, bytes32 expected);
    error AssertionFailedBool(string what);

    function setUp() public virtual {
        vm.warp(T0);
        operator = vm.addr(OPERATOR_PK);
        otherOperator = vm.addr(OTHER_OPERATOR_PK);
        agent = vm.addr(AGENT_PK);
        auditor = vm.addr(AUDITOR_PK);
        auditor2 = vm.addr(AUDITOR2_PK);
        auditor3 = vm.addr(AUDITOR3_PK);
        challenger = vm.addr(CHALLENGER_PK);
        verifier1 = vm.addr(VERIFIER1_PK);
        verifier2 = vm.addr(VERIFIER2_PK);
        verifier3 = vm.addr(VERIFIER3_PK);
        governor = vm.addr(GOVERNOR_PK);
        usdc = new TestToken("USDC", 6);
        deploy(IERC20Metadata(address(usdc)), IERC20(address(usdc)));
        vm.prank(governor);
        challenges.addVerifier(verifier1);
        vm.prank(governor);
        challenges.addVerifier(verifier2);
        vm.prank(governor);
        challenges.addVerifier(verifier3);
        vm.warp(T0 + 1);
    }

    /// @dev Deploys registry, staking, vault, escrow, challenges in that order from this contract.
    function deploy(IERC20Metadata reserveToken, IERC20 stakeToken) internal {
        uint256 nonce = vm.getNonce(address(this));
        address stakingAt = vm.computeCreateAddress(address(this), nonce + 1);
        address vaultAt = vm.computeCreateAddress(address(this), nonce + 2);
        address escrowAt = vm.computeCreateAddress(address(this), nonce + 3);
        address challengesAt = vm.computeCreateAddress(address(this), nonce + 4);
        registry = new CCPRegistry(
            CCPRegistry.Deployment({
                staking: IAuditorStaking(stakingAt),
                vault: IReserveVault(vaultAt),
                escrow: IFeeEscrow(escrowAt),
                challenges: challengesAt,
                minStakeC1: MIN_STAKE_C1,
                minStakeC2: MIN_STAKE_C2,
                minStakeC3: MIN_STAKE_C3
            })
        );
        staking = new AuditorStaking(ICCPLifecycle(address(registry)), stakeToken, MIN_BOND);
        IERC20Metadata[] memory listed = new IERC20Metadata[](1);
        listed[0] = reserveToken;
        vault = new ReserveVault(ICCPLifecycle(address(registry)), listed);
        escrow = new FeeEscrow(ICCPLifecycle(address(registry)), IExogenousList(address(vault)));
        challenges = new CCPChallenges(ICCPLifecycle(address(registry)), stakeToken, BOND, THRESHOLD, governor);
        require(address(staking) == stakingAt && address(vault) == vaultAt, "deployment order");
        require(address(escrow) == escrowAt && address(challenges) == challengesAt, "deployment order");
    }

    // ------------------------------------------------------------------ certificates

    function key(bytes32 certHash) internal pure returns (bytes32) {
        return keccak256(abi.encode(certHash));
    }

    /// @dev Params of a certificate issued now, valid `days_` days, bound `bound` USDC, no attestations yet.
    function params(string memory label, address agent_, ICCPRegistry.CertificateClass klass, uint256 days_, uint128 bound)
        internal
        view
        returns (ICCPRegistry.PublishParams memory p)
    {
        p.certHash = keccak256(bytes(label));
        p.agent = agent_;
        p.certificateClass = klass;
        p.issuedAt = uint48(block.timestamp);
        p.expiresAt = uint48(block.timestamp + days_ * DAY);
        p.containmentBound = bound;
        p.reserveVault = address(vault);
        p.spendingLimit = address(0x530ecF8Afddb752748aCE1Ece90e34FD1ca7eE6C);
        p.uriDigest = sha256(bytes(label));
        p.attestations = new ICCPRegistry.AttestationParams[](0);
    }

    function withAuditor(ICCPRegistry.PublishParams memory p, address auditor_, string memory scope, uint256 stake)
        internal
        pure
        returns (ICCPRegistry.PublishParams memory)
    {
        uint256 n = p.attestations.length;
        ICCPRegistry.AttestationParams[] memory next = new ICCPRegistry.AttestationParams[](n + 1);
        for (uint256 i = 0; i < n; ++i) next[i] = p.attestations[i];
        next[n] = ICCPRegistry.AttestationParams({auditor: auditor_, scope: keccak256(bytes(scope)), stake: stake});
        p.attestations = next;
        return p;
    }

    function sig(uint256 pk, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        return abi.encodePacked(r, s, v);
    }

    function agentSign(uint256 agentPk, ICCPRegistry.PublishParams memory p, address operator_) internal view returns (bytes memory) {
        return sig(agentPk, registry.publishDigest(p, operator_));
    }

    function attestSign(uint256 auditorPk, ICCPRegistry.PublishParams memory p, address operator_, uint256 index)
        internal
        view
        returns (bytes memory)
    {
        return sig(auditorPk, registry.attestDigest(p, operator_, index));
    }

    function mintTo(address to, uint256 amount) internal {
        usdc.mint(to, amount);
    }

    /// @dev The operator funds the reserve the class needs (bound x ratio USDC).
    function fundReserve(address operator_, bytes32 certHash, uint256 amount) internal {
        mintTo(operator_, amount);
        vm.startPrank(operator_);
        usdc.approve(address(vault), amount);
        vault.deposit(key(certHash), IERC20(address(usdc)), amount);
        vm.stopPrank();
    }

    function bondAuditor(address auditor_, uint256 amount) internal {
        mintTo(auditor_, amount);
        vm.startPrank(auditor_);
        usdc.approve(address(staking), amount);
        staking.bond(amount);
        vm.stopPrank();
    }

    function stakeFor(address auditor_, bytes32 certHash, uint256 amount) internal {
        vm.prank(auditor_);
        staking.stake(key(certHash), amount);
    }

    /// @dev Escrows `fee` for `auditor_` from `operator_`, accepted by the auditor for `certHash`; returns the id.
    function escrowFee(address operator_, address auditor_, bytes32 certHash, uint256 fee) internal returns (bytes32 id) {
        mintTo(operator_, fee);
        vm.startPrank(operator_);
        usdc.approve(address(escrow), fee);
        id = escrow.requestAudit(auditor_, IERC20(address(usdc)), fee);
        vm.stopPrank();
        vm.prank(auditor_);
        escrow.accept(id, key(certHash));
    }

    function publishAs(address operator_, ICCPRegistry.PublishParams memory p, bytes[] memory attestorSigs) internal {
        vm.prank(operator_);
        registry.publish(p, "", attestorSigs);
    }

    function noSigs() internal pure returns (bytes[] memory) {
        return new bytes[](0);
    }

    function oneSig(bytes memory a) internal pure returns (bytes[] memory sigs) {
        sigs = new bytes[](1);
        sigs[0] = a;
    }

    /// @dev A complete C2 with one auditor (stake 1500 USDC), reserve 3 x 5000 USDC, fee 500 USDC: published by `operator`.
    function publishC2(string memory label) internal returns (ICCPRegistry.PublishParams memory p) {
        p = params(label, agent, ICCPRegistry.CertificateClass.C2, 60, 5_000);
        p = withAuditor(p, auditor, "ACTIVITY_TRAIL_VERIFICATION", 1_500 * USDC);
        fundReserve(operator, p.certHash, 15_000 * USDC);
        escrowFee(operator, auditor, p.certHash, 500 * USDC);
        (, , bool registered) = staking.bondOf(auditor);
        if (!registered) bondAuditor(auditor, 5_000 * USDC);
        stakeFor(auditor, p.certHash, 1_500 * USDC);
        p.agentSig = agentSign(AGENT_PK, p, operator);
        publishAs(operator, p, oneSig(attestSign(AUDITOR_PK, p, operator, 0)));
    }

    function verdict(uint256 pk, uint256 challengeId, bytes32 certHash, bool upheld) internal view returns (bytes memory) {
        return sig(pk, challenges.verdictDigest(challengeId, certHash, upheld));
    }

    function openChallenge(address who, bytes32 certHash, CCPChallenges.ChallengeType kind) internal returns (uint256 id) {
        mintTo(who, BOND);
        vm.startPrank(who);
        usdc.approve(address(challenges), BOND);
        id = challenges.open(certHash, kind, keccak256("evidence"));
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ assertions

    function eq(uint256 actual, uint256 expected, string memory what) internal pure {
        if (actual != expected) revert AssertionFailed(what, actual, expected);
    }

    function eq(address actual, address expected, string memory what) internal pure {
        if (actual != expected) revert AssertionFailedAddress(what, actual, expected);
    }

    function eq(bytes32 actual, bytes32 expected, string memory what) internal pure {
        if (actual != expected) revert AssertionFailedBytes32(what, actual, expected);
    }

    function isTrue(bool condition, string memory what) internal pure {
        if (!condition) revert AssertionFailedBool(what);
    }

    function status(bytes32 certHash) internal view returns (uint256) {
        return uint256(registry.statusOf(certHash));
    }
}
