// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ICCPRegistry} from "../../adapters/evm/contracts/ICCPRegistry.sol";
import {CCPRegistry} from "../../adapters/evm/contracts/CCPRegistry.sol";
import {AuditorStaking} from "../../adapters/evm/contracts/AuditorStaking.sol";
import {ReserveVault} from "../../adapters/evm/contracts/ReserveVault.sol";
import {FeeEscrow} from "../../adapters/evm/contracts/FeeEscrow.sol";
import {TestToken} from "./mocks/TestToken.sol";
import {Base} from "./Base.sol";
import {vm} from "./Vm.sol";

/// @notice publish: every check, and the attacks of issue 9 (hijack, squat, 1-wei C3, stakes moved by a key).
contract PublishTest is Base {
    function test_publishC2_storesTheRecord() public {
        ICCPRegistry.PublishParams memory p = publishC2("c2");
        ICCPRegistry.CertificateRecord memory r = registry.getCertificate(p.certHash);
        eq(r.operator, operator, "operator");
        eq(r.agent, agent, "agent");
        eq(uint256(r.certificateClass), 2, "class");
        eq(r.issuedAt, p.issuedAt, "issuedAt");
        eq(r.expiresAt, p.expiresAt, "expiresAt");
        eq(uint256(r.status), 0, "ACTIVE");
        eq(r.containmentBound, 5_000, "bound");
        eq(r.reserveVault, address(vault), "vault");
        eq(r.spendingLimit, p.spendingLimit, "spending limit");
        eq(r.auditors.length, 1, "one auditor");
        eq(r.auditors[0], auditor, "auditor");
        eq(bytes(r.ipfsUri).length, 66, "ipfs:// (7) + b + 58 base32 characters");
        isTrue(bytes14(bytes32(bytes(r.ipfsUri))) == bytes14("ipfs://bafkrei"), "CIDv1 raw sha2-256 prefix");
        isTrue(registry.isValid(p.certHash), "isValid");
        eq(registry.getActiveCertificate(agent), p.certHash, "active certificate");
        (bool acceptable, bytes32 certHash) = registry.verify(agent, ICCPRegistry.CertificateClass.C2, 5_000);
        isTrue(acceptable && certHash == p.certHash, "verify C2 / 5000");
        (acceptable,) = registry.verify(agent, ICCPRegistry.CertificateClass.C3, 5_000);
        isTrue(!acceptable, "not C3");
        (acceptable,) = registry.verify(agent, ICCPRegistry.CertificateClass.C1, 4_999);
        isTrue(!acceptable, "bound above the acceptable loss");
    }

    function test_publish_refusesAnOperatorSignature() public {
        ICCPRegistry.PublishParams memory p = params("c1", agent, ICCPRegistry.CertificateClass.C1, 90, 100);
        fundReserve(operator, p.certHash, 100 * USDC);
        p.agentSig = agentSign(AGENT_PK, p, operator);
        vm.prank(operator);
        vm.expectRevert(CCPRegistry.OperatorSignatureNotUsed.selector);
        registry.publish(p, hex"01", noSigs());
    }

    function test_publish_agentSignsForOneOperatorOnly() public {
        ICCPRegistry.PublishParams memory p = params("c1", agent, ICCPRegistry.CertificateClass.C1, 90, 100);
        fundReserve(otherOperator, p.certHash, 100 * USDC);
        p.agentSig = agentSign(AGENT_PK, p, operator); // consent given to `operator`
        vm.prank(otherOperator); // another sender replays it
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.InvalidAgentSignature.selector, agent));
        registry.publish(p, "", noSigs());
    }

    function test_publish_agentThatIsItsOwnOperatorSignsNothing() public {
        ICCPRegistry.PublishParams memory p = params("self", operator, ICCPRegistry.CertificateClass.C1, 90, 100);
        fundReserve(operator, p.certHash, 100 * USDC);
        publishAs(operator, p, noSigs());
        isTrue(registry.isValid(p.certHash), "published without an agent signature");
    }

    function test_publish_reserveChecks() public {
        ICCPRegistry.PublishParams memory p = params("reserve", agent, ICCPRegistry.CertificateClass.C1, 90, 100);
        p.agentSig = agentSign(AGENT_PK, p, operator);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.ReserveNotFunded.selector, p.certHash, operator));
        registry.publish(p, "", noSigs());

        // another operator's deposit does not count for this operator
        fundReserve(otherOperator, p.certHash, 100 * USDC);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.ReserveNotFunded.selector, p.certHash, operator));
        registry.publish(p, "", noSigs());

        fundReserve(operator, p.certHash, 100 * USDC - 1);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.ReserveInsufficient.selector, 100 * USDC - 1, 100 * USDC));
        registry.publish(p, "", noSigs());

        fundReserve(operator, p.certHash, 1);
        publishAs(operator, p, noSigs());
        (uint256 backing, uint256 required) = registry.reserveStatus(p.certHash);
        eq(backing, 100 * USDC, "backing");
        eq(required, 100 * USDC, "C1 requires 1x the bound");
    }

    function test_publish_reserveRatioPerClass() public view {
        eq(registry.requiredReserve(ICCPRegistry.CertificateClass.C1, 5_000, 6), 5_000 * USDC, "C1 1x");
        eq(registry.requiredReserve(ICCPRegistry.CertificateClass.C2, 5_000, 6), 15_000 * USDC, "C2 3x");
        eq(registry.requiredReserve(ICCPRegistry.CertificateClass.C3, 5_000, 6), 25_000 * USDC, "C3 5x");
    }

    function test_publish_reserveMustBeExogenous() public {
        TestToken own = new TestToken("OWN", 18);
        own.mint(operator, 1e24);
        vm.startPrank(operator);
        own.approve(address(vault), 1e24);
        vm.expectRevert(abi.encodeWithSelector(ReserveVault.TokenNotExogenous.selector, address(own)));
        vault.deposit(key(keccak256("x")), IERC20(address(own)), 1e24);
        vm.stopPrank();
    }

    function test_publish_wrongVaultIsRefused() public {
        ICCPRegistry.PublishParams memory p = params("vault", agent, ICCPRegistry.CertificateClass.C1, 90, 100);
        p.reserveVault = address(0xb2fFaf44Ae415b0e1dFc99c8E07dfDE2a5369Aa6);
        fundReserve(operator, p.certHash, 100 * USDC);
        p.agentSig = agentSign(AGENT_PK, p, operator);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.WrongReserveVault.selector, p.reserveVault, address(vault)));
        registry.publish(p, "", noSigs());
    }

    function test_publish_shapeAndClassMaximum() public {
        ICCPRegistry.PublishParams memory p = params("shape", agent, ICCPRegistry.CertificateClass.C2, 61, 100);
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(CCPRegistry.ClassMaximumExceeded.selector, ICCPRegistry.CertificateClass.C2, 61 * DAY, 60 * DAY)
        );
        registry.publish(p, "", noSigs());
        p = params("shape", agent, ICCPRegistry.CertificateClass.C1, 30, 100);
        p.issuedAt = uint48(block.timestamp + 1);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.IssuedInFuture.selector, p.issuedAt, block.timestamp));
        registry.publish(p, "", noSigs());
        p = params("shape", agent, ICCPRegistry.CertificateClass.NONE, 30, 100);
        vm.prank(operator);
        vm.expectRevert(CCPRegistry.InvalidClass.selector);
        registry.publish(p, "", noSigs());
        p = params("shape", agent, ICCPRegistry.CertificateClass.C1, 30, 100);
        p.uriDigest = bytes32(0);
        vm.prank(operator);
        vm.expectRevert(CCPRegistry.EmptyUri.selector);
        registry.publish(p, "", noSigs());
    }

    function test_publish_attestationRules() public {
        ICCPRegistry.PublishParams memory p = params("att", agent, ICCPRegistry.CertificateClass.C2, 60, 100);
        fundReserve(operator, p.certHash, 300 * USDC);
        p.agentSig = agentSign(AGENT_PK, p, operator);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.MissingAttestation.selector, ICCPRegistry.CertificateClass.C2));
        registry.publish(p, "", noSigs());

        p = withAuditor(p, operator, "SMART_CONTRACT_VERIFICATION", MIN_STAKE_C2);
        p.agentSig = agentSign(AGENT_PK, p, operator);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.AuditorNotIndependent.selector, operator));
        registry.publish(p, "", oneSig(""));

        p.attestations[0].auditor = auditor;
        bondAuditor(auditor, MIN_STAKE_C2);
        stakeFor(auditor, p.certHash, MIN_STAKE_C2);
        p = withAuditor(p, auditor, "COMPOSITION_ANALYSIS", MIN_STAKE_C2);
        p.agentSig = agentSign(AGENT_PK, p, operator);
        bytes[] memory two = new bytes[](2);
        two[0] = attestSign(AUDITOR_PK, p, operator, 0);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.DuplicateAuditor.selector, auditor));
        registry.publish(p, "", two);
    }

    function test_publish_c3NeedsCompositionScope() public {
        ICCPRegistry.PublishParams memory p = params("c3", agent, ICCPRegistry.CertificateClass.C3, 30, 100);
        p = withAuditor(p, auditor, "SMART_CONTRACT_VERIFICATION", MIN_STAKE_C3);
        fundReserve(operator, p.certHash, 500 * USDC);
        bondAuditor(auditor, MIN_STAKE_C3);
        stakeFor(auditor, p.certHash, MIN_STAKE_C3);
        p.agentSig = agentSign(AGENT_PK, p, operator);
        bytes[] memory sigs = oneSig(attestSign(AUDITOR_PK, p, operator, 0));
        vm.prank(operator);
        vm.expectRevert(CCPRegistry.MissingC3Scope.selector);
        registry.publish(p, "", sigs);
        p.attestations[0].scope = keccak256("COMPOSITION_ANALYSIS");
        p.agentSig = agentSign(AGENT_PK, p, operator);
        publishAs(operator, p, oneSig(attestSign(AUDITOR_PK, p, operator, 0)));
        eq(uint256(registry.getCertificate(p.certHash).certificateClass), 3, "C3 published");
    }

    // ------------------------------------------------------------------ attack 1: attestation hijack

    /// The attacker copies the victim's certHash and auditor signature (from the mempool or the stored document) and
    /// sends them under its own agent, as its own operator, with bound 1 and its own URI.
    function test_attack_hijackOfAttestationFails() public {
        ICCPRegistry.PublishParams memory victim = params("victim-c3", agent, ICCPRegistry.CertificateClass.C3, 30, 5_000);
        victim = withAuditor(victim, auditor, "COMPOSITION_ANALYSIS", MIN_STAKE_C3);
        bondAuditor(auditor, MIN_STAKE_C3);
        stakeFor(auditor, victim.certHash, MIN_STAKE_C3);
        bytes memory auditorSig = attestSign(AUDITOR_PK, victim, operator, 0);

        uint256 attackerPk = 0xBAD;
        address attacker = vm.addr(attackerPk);
        ICCPRegistry.PublishParams memory stolen = params("victim-c3", attacker, ICCPRegistry.CertificateClass.C3, 30, 1);
        stolen.uriDigest = sha256("attacker's document");
        stolen.attestations = victim.attestations;
        fundReserve(attacker, stolen.certHash, 5 * USDC);
        vm.prank(attacker);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.InvalidAttestorSignature.selector, auditor));
        registry.publish(stolen, "", oneSig(auditorSig));

        // even the victim's own agent and bound, sent by another operator, do not carry the signature
        ICCPRegistry.PublishParams memory replay = victim;
        fundReserve(attacker, replay.certHash, 25_000 * USDC);
        vm.prank(attacker);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.InvalidAgentSignature.selector, agent));
        registry.publish(replay, "", oneSig(auditorSig));

        // the victim's publish still goes through, and the stake is locked behind the victim's record only
        fundReserve(operator, victim.certHash, 25_000 * USDC);
        victim.agentSig = agentSign(AGENT_PK, victim, operator);
        publishAs(operator, victim, oneSig(auditorSig));
        eq(registry.getCertificate(victim.certHash).operator, operator, "the victim's record");
    }

    // ------------------------------------------------------------------ attack 2: certHash squatting

    function test_attack_squatCostsAReissueNeverAStake() public {
        ICCPRegistry.PublishParams memory victim = params("squatted", agent, ICCPRegistry.CertificateClass.C2, 60, 5_000);
        victim = withAuditor(victim, auditor, "ACTIVITY_TRAIL_VERIFICATION", MIN_STAKE_C2);
        fundReserve(operator, victim.certHash, 15_000 * USDC);
        bytes32 feeId = escrowFee(operator, auditor, victim.certHash, 500 * USDC);
        bondAuditor(auditor, MIN_STAKE_C2);
        stakeFor(auditor, victim.certHash, MIN_STAKE_C2);
        victim.agentSig = agentSign(AGENT_PK, victim, operator);
        bytes memory auditorSig = attestSign(AUDITOR_PK, victim, operator, 0);

        // the squatter saw the pending publish and anchors a C1 under the same certHash first
        uint256 squatterPk = 0x5A7;
        address squatter = vm.addr(squatterPk);
        ICCPRegistry.PublishParams memory squat = params("squatted", squatter, ICCPRegistry.CertificateClass.C1, 90, 1);
        fundReserve(squatter, squat.certHash, 1 * USDC);
        publishAs(squatter, squat, noSigs());

        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.CertificateAlreadyPublished.selector, victim.certHash));
        registry.publish(victim, "", oneSig(auditorSig));

        // the squat costs the victim nothing it deposited: stake, reserve and fee all come back at once
        vm.prank(auditor);
        staking.unstake(victim.certHash);
        (uint256 free, uint256 locked,) = staking.bondOf(auditor);
        eq(free, MIN_STAKE_C2, "stake back in the bond");
        eq(locked, 0, "nothing locked");
        vm.prank(operator);
        vault.withdraw(victim.certHash);
        vm.prank(operator);
        escrow.reclaim(feeId, victim.certHash);
        eq(usdc.balanceOf(operator), 15_500 * USDC, "reserve and fee back");
        // the squatter's own reserve stays locked behind its record
        vm.prank(squatter);
        vm.expectRevert(abi.encodeWithSelector(ReserveVault.ReserveLocked.selector, squat.certHash));
        vault.withdraw(squat.certHash);
    }

    // ------------------------------------------------------------------ attack 3: a 1-wei C3

    function test_attack_oneWeiStakeAndThrowawayKeysFail() public {
        ICCPRegistry.PublishParams memory p = params("cheap-c3", agent, ICCPRegistry.CertificateClass.C3, 30, 100);
        p = withAuditor(p, auditor, "COMPOSITION_ANALYSIS", 1);
        fundReserve(operator, p.certHash, 500 * USDC);
        p.agentSig = agentSign(AGENT_PK, p, operator);
        bytes[] memory sigs = oneSig(attestSign(AUDITOR_PK, p, operator, 0));
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.StakeBelowClassMinimum.selector, auditor, 1, MIN_STAKE_C3));
        registry.publish(p, "", sigs);

        // a throwaway key cannot even stake: it is not a registered (bonded) auditor
        mintTo(auditor, MIN_BOND - 1);
        vm.startPrank(auditor);
        usdc.approve(address(staking), MIN_BOND - 1);
        staking.bond(MIN_BOND - 1);
        vm.expectRevert(abi.encodeWithSelector(AuditorStaking.NotRegistered.selector, auditor));
        staking.stake(key(p.certHash), 1);
        vm.stopPrank();
        p.attestations[0].stake = MIN_STAKE_C3;
        p.agentSig = agentSign(AGENT_PK, p, operator);
        sigs = oneSig(attestSign(AUDITOR_PK, p, operator, 0));
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.AuditorNotBonded.selector, auditor));
        registry.publish(p, "", sigs);

        bondAuditor(auditor, MIN_STAKE_C3);
        stakeFor(auditor, p.certHash, MIN_STAKE_C3 - 1);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.AuditorNotStaked.selector, auditor, MIN_STAKE_C3 - 1, MIN_STAKE_C3));
        registry.publish(p, "", sigs);
        stakeFor(auditor, p.certHash, 1);
        publishAs(operator, p, sigs);
        eq(registry.minStake(ICCPRegistry.CertificateClass.C3), MIN_STAKE_C3, "deployment parameter");
    }

    // ------------------------------------------------------------------ attack 4: only settlement and challenges move stakes

    function test_attack_noKeyMovesAStake() public {
        ICCPRegistry.PublishParams memory p = publishC2("locked");
        address[] memory none;
        address[3] memory keys = [address(this), operator, governor];
        for (uint256 i = 0; i < keys.length; ++i) {
            vm.prank(keys[i]);
            vm.expectRevert(abi.encodeWithSelector(AuditorStaking.NotRegistry.selector, keys[i]));
            staking.slash(p.certHash, auditor, keys[i], none);
            vm.prank(keys[i]);
            vm.expectRevert(abi.encodeWithSelector(AuditorStaking.NotRegistry.selector, keys[i]));
            staking.release(p.certHash, auditor);
            vm.prank(keys[i]);
            vm.expectRevert(abi.encodeWithSelector(ReserveVault.NotRegistry.selector, keys[i]));
            vault.release(p.certHash, operator);
            vm.prank(keys[i]);
            vm.expectRevert(abi.encodeWithSelector(FeeEscrow.NotRegistry.selector, keys[i]));
            escrow.release(p.certHash, auditor, operator);
            vm.prank(keys[i]);
            vm.expectRevert(abi.encodeWithSelector(FeeEscrow.NotRegistry.selector, keys[i]));
            escrow.clawback(p.certHash, auditor, operator);
            vm.prank(keys[i]);
            vm.expectRevert(abi.encodeWithSelector(CCPRegistry.NotChallengeContract.selector, keys[i]));
            registry.onChallengeResolved(p.certHash, true, keys[i], none);
            vm.prank(keys[i]);
            vm.expectRevert(abi.encodeWithSelector(CCPRegistry.NotChallengeContract.selector, keys[i]));
            registry.onChallengeOpened(p.certHash);
        }
        vm.prank(auditor);
        vm.expectRevert(abi.encodeWithSelector(AuditorStaking.StakeLocked.selector, p.certHash, auditor));
        staking.unstake(p.certHash);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(ReserveVault.ReserveLocked.selector, p.certHash));
        vault.withdraw(p.certHash);
        // a revoke ends validity, not the lock: the stake waits for settlement
        vm.prank(operator);
        registry.revoke(p.certHash);
        vm.prank(auditor);
        vm.expectRevert(abi.encodeWithSelector(AuditorStaking.StakeLocked.selector, p.certHash, auditor));
        staking.unstake(p.certHash);
        eq(staking.stakeOf(auditor, p.certHash), 1_500 * USDC, "stake untouched");
    }

    function test_unanchoredStakeAndReserveComeBack() public {
        bytes32 certHash = keccak256("never published");
        bondAuditor(auditor, MIN_BOND);
        stakeFor(auditor, certHash, MIN_BOND);
        fundReserve(operator, certHash, 10 * USDC);
        vm.prank(auditor);
        staking.unstake(certHash);
        vm.prank(operator);
        vault.withdraw(certHash);
        (uint256 free,,) = staking.bondOf(auditor);
        eq(free, MIN_BOND, "bond whole");
        eq(usdc.balanceOf(operator), 10 * USDC, "reserve back");
        vm.prank(auditor);
        vm.expectRevert(abi.encodeWithSelector(AuditorStaking.NothingStaked.selector, certHash, auditor));
        staking.unstake(certHash);
    }

    function test_eip712Domain() public view {
        (bytes1 fields, string memory name, string memory version, uint256 chainId, address verifyingContract,,) =
            registry.eip712Domain();
        eq(uint8(fields), 0x0f, "name, version, chainId, verifyingContract");
        eq(keccak256(bytes(name)), keccak256("CCPRegistry"), "name");
        eq(keccak256(bytes(version)), keccak256("0.2.0"), "version");
        eq(chainId, block.chainid, "chain");
        eq(verifyingContract, address(registry), "contract");
    }
}
