// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ICCPRegistry} from "../../adapters/evm/contracts/ICCPRegistry.sol";
import {CCPRegistry} from "../../adapters/evm/contracts/CCPRegistry.sol";
import {AuditorStaking} from "../../adapters/evm/contracts/AuditorStaking.sol";
import {FeeEscrow} from "../../adapters/evm/contracts/FeeEscrow.sol";
import {CCPChallenges} from "../../adapters/evm/contracts/CCPChallenges.sol";
import {Base} from "./Base.sol";
import {vm} from "./Vm.sol";

/// @notice Seed 004's stages 2-12 on the contracts: the C2 timeline, renewal, revocation, expiry, settlement.
contract LifecycleTest is Base {
    uint256 constant ACTIVE = 0;
    uint256 constant REVOKED = 1;
    uint256 constant EXPIRED = 2;
    uint256 constant CHALLENGED = 3;

    /// Seed 004 "Typical Timeline (C2)": day 7 reserve and audit request, day 14-21 attestation, day 22 publish,
    /// active to day 82, grace to day 96, settlement on day 96 releases everything.
    function test_timeline_c2_day0to96() public {
        uint256 day0 = block.timestamp;
        bytes32 certHash = keccak256("timeline");
        // day 7: reserve funded, audit requested (fee escrowed)
        vm.warp(day0 + 7 * DAY);
        fundReserve(operator, certHash, 15_000 * USDC);
        mintTo(operator, 500 * USDC);
        vm.startPrank(operator);
        usdc.approve(address(escrow), 500 * USDC);
        bytes32 request = escrow.requestAudit(auditor, IERC20(address(usdc)), 500 * USDC);
        vm.stopPrank();
        eq(usdc.balanceOf(address(vault)), 15_000 * USDC, "vault holds the reserve");
        eq(usdc.balanceOf(address(escrow)), 500 * USDC, "escrow holds the fee");
        // day 14: the auditor bonds and accepts; day 21: attests and stakes
        vm.warp(day0 + 14 * DAY);
        bondAuditor(auditor, 2_000 * USDC);
        vm.prank(auditor);
        escrow.accept(request, key(certHash));
        vm.warp(day0 + 21 * DAY);
        stakeFor(auditor, certHash, 1_500 * USDC);
        (uint256 free, uint256 locked, bool registered) = staking.bondOf(auditor);
        isTrue(registered, "bonded auditor");
        eq(free, 500 * USDC, "free bond");
        eq(locked, 1_500 * USDC, "stake locked");
        // day 22: published, 60 days
        vm.warp(day0 + 22 * DAY);
        ICCPRegistry.PublishParams memory p = params("timeline", agent, ICCPRegistry.CertificateClass.C2, 60, 5_000);
        p = withAuditor(p, auditor, "ACTIVITY_TRAIL_VERIFICATION", 1_500 * USDC);
        p.agentSig = agentSign(AGENT_PK, p, operator);
        publishAs(operator, p, oneSig(attestSign(AUDITOR_PK, p, operator, 0)));
        eq(status(certHash), ACTIVE, "day 22 ACTIVE");
        // day 50 and day 81: still active
        vm.warp(day0 + 50 * DAY);
        isTrue(registry.isValid(certHash), "day 50 valid");
        vm.warp(day0 + 82 * DAY - 1);
        isTrue(registry.isValid(certHash), "last second valid");
        // day 82: expired; anyone records it
        vm.warp(day0 + 82 * DAY);
        isTrue(!registry.isValid(certHash), "day 82 not valid");
        eq(status(certHash), EXPIRED, "day 82 EXPIRED");
        eq(registry.getActiveCertificate(agent), bytes32(0), "no active certificate");
        registry.expire(certHash);
        CCPRegistry.Lifecycle memory life = registry.lifecycleOf(certHash);
        eq(life.terminatedAt, day0 + 82 * DAY, "terminated at expiry");
        eq(life.graceEndsAt, day0 + 96 * DAY, "grace ends day 96");
        // day 90: grace; settlement must wait
        vm.warp(day0 + 90 * DAY);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.GracePeriodNotOver.selector, certHash, day0 + 96 * DAY));
        registry.settle(certHash);
        eq(usdc.balanceOf(operator), 0, "operator has nothing back yet");
        // day 96: settlement
        vm.warp(day0 + 96 * DAY);
        vm.prank(address(0xBEEF)); // a keeper
        registry.settle(certHash);
        eq(usdc.balanceOf(operator), 15_000 * USDC, "reserve back to the operator");
        eq(usdc.balanceOf(auditor), 500 * USDC, "fee to the auditor");
        (free, locked,) = staking.bondOf(auditor);
        eq(free, 2_000 * USDC, "stake back in the bond");
        eq(locked, 0, "nothing locked");
        eq(usdc.balanceOf(address(vault)), 0, "vault empty");
        eq(usdc.balanceOf(address(escrow)), 0, "escrow empty");
        eq(usdc.balanceOf(address(staking)), 2_000 * USDC, "staking holds the bond");
        isTrue(registry.lifecycleOf(certHash).settled, "settled");
        eq(uint256(escrow.getRequest(request).state), uint256(FeeEscrow.State.PAID), "fee PAID");
        vm.prank(auditor);
        staking.unbond(2_000 * USDC);
        eq(usdc.balanceOf(auditor), 2_500 * USDC, "the auditor withdrew its bond");
    }

    function test_settle_onceAndOnlyAfterGrace() public {
        ICCPRegistry.PublishParams memory p = publishC2("settle");
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.CertificateNotActive.selector, p.certHash, ICCPRegistry.Status.ACTIVE));
        registry.settle(p.certHash);
        vm.warp(p.expiresAt + 14 * DAY - 1);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.GracePeriodNotOver.selector, p.certHash, uint256(p.expiresAt) + 14 * DAY));
        registry.settle(p.certHash);
        vm.warp(p.expiresAt + 14 * DAY);
        registry.settle(p.certHash);
        eq(status(p.certHash), EXPIRED, "settled as EXPIRED");
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.AlreadySettled.selector, p.certHash));
        registry.settle(p.certHash);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.CertificateNotFound.selector, keccak256("unknown")));
        registry.settle(keccak256("unknown"));
    }

    function test_graceIsPerClass() public view {
        eq(registry.grace(ICCPRegistry.CertificateClass.C1), 7 * DAY, "C1 grace");
        eq(registry.grace(ICCPRegistry.CertificateClass.C2), 14 * DAY, "C2 grace (seed 004)");
        eq(registry.grace(ICCPRegistry.CertificateClass.C3), 21 * DAY, "C3 grace");
    }

    function test_revoke_operatorOnly_final_graceFromRevocation() public {
        ICCPRegistry.PublishParams memory p = publishC2("revoke");
        vm.prank(otherOperator);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.NotOperator.selector, otherOperator, operator));
        registry.revoke(p.certHash);
        vm.warp(block.timestamp + 3 * DAY);
        uint256 revokedAt = block.timestamp;
        vm.prank(operator);
        registry.revoke(p.certHash);
        eq(status(p.certHash), REVOKED, "REVOKED");
        eq(registry.lifecycleOf(p.certHash).graceEndsAt, revokedAt + 14 * DAY, "grace from the revocation");
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.CertificateNotActive.selector, p.certHash, ICCPRegistry.Status.REVOKED));
        registry.revoke(p.certHash);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.CertificateNotActive.selector, p.certHash, ICCPRegistry.Status.REVOKED));
        registry.expire(p.certHash);
        // the same certHash cannot be anchored again
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.CertificateAlreadyPublished.selector, p.certHash));
        registry.publish(p, "", oneSig(""));
        vm.warp(revokedAt + 14 * DAY);
        registry.settle(p.certHash);
        eq(usdc.balanceOf(operator), 15_000 * USDC, "reserve released");
        eq(usdc.balanceOf(auditor), 500 * USDC, "fee released");
    }

    function test_expire_anyoneAfterExpiryOnly() public {
        ICCPRegistry.PublishParams memory p = publishC2("expire");
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.NotYetExpired.selector, p.expiresAt, block.timestamp));
        registry.expire(p.certHash);
        vm.warp(p.expiresAt);
        vm.prank(address(0xCAFE));
        registry.expire(p.certHash);
        eq(registry.currentCertificate(agent), bytes32(0), "no current certificate");
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.CertificateNotActive.selector, p.certHash, ICCPRegistry.Status.EXPIRED));
        registry.expire(p.certHash);
    }

    function test_renewal_marksTheOldExpiredNow() public {
        ICCPRegistry.PublishParams memory old = publishC2("first");
        vm.warp(block.timestamp + 53 * DAY);
        uint256 renewedAt = block.timestamp;
        ICCPRegistry.PublishParams memory next = params("second", agent, ICCPRegistry.CertificateClass.C1, 90, 5_000);
        fundReserve(operator, next.certHash, 5_000 * USDC);
        next.agentSig = agentSign(AGENT_PK, next, operator);
        publishAs(operator, next, noSigs());
        eq(status(old.certHash), EXPIRED, "old EXPIRED");
        eq(registry.lifecycleOf(old.certHash).terminatedAt, renewedAt, "terminated by the renewal");
        eq(registry.getActiveCertificate(agent), next.certHash, "the successor is current");
        // the old one's money waits for its own grace
        vm.warp(renewedAt + 14 * DAY);
        registry.settle(old.certHash);
        eq(usdc.balanceOf(operator), 15_000 * USDC, "old reserve released");
        isTrue(registry.isValid(next.certHash), "successor still valid");
    }

    function test_renewal_byAnotherOperatorIsRefusedWhileActive() public {
        ICCPRegistry.PublishParams memory old = publishC2("mine");
        ICCPRegistry.PublishParams memory theirs = params("theirs", agent, ICCPRegistry.CertificateClass.C1, 90, 5_000);
        fundReserve(otherOperator, theirs.certHash, 5_000 * USDC);
        theirs.agentSig = agentSign(AGENT_PK, theirs, otherOperator);
        vm.prank(otherOperator);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.ActiveCertificateOfAnotherOperator.selector, old.certHash, operator));
        registry.publish(theirs, "", noSigs());
        // once the first one expired, the agent may move to the other operator
        vm.warp(old.expiresAt);
        theirs.issuedAt = uint48(block.timestamp);
        theirs.expiresAt = uint48(block.timestamp + 90 * DAY);
        theirs.agentSig = agentSign(AGENT_PK, theirs, otherOperator);
        publishAs(otherOperator, theirs, noSigs());
        eq(registry.lifecycleOf(old.certHash).terminatedAt, old.expiresAt, "terminated at its expiry");
        eq(registry.getActiveCertificate(agent), theirs.certHash, "the new operator's certificate");
    }

    function test_renewal_whileChallengedIsRefused() public {
        ICCPRegistry.PublishParams memory old = publishC2("challenged");
        openChallenge(challenger, old.certHash, CCPChallenges.ChallengeType.CONSTRAINT_BYPASS);
        ICCPRegistry.PublishParams memory next = params("escape", agent, ICCPRegistry.CertificateClass.C1, 90, 5_000);
        fundReserve(operator, next.certHash, 5_000 * USDC);
        next.agentSig = agentSign(AGENT_PK, next, operator);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.CertificateUnderChallenge.selector, old.certHash));
        registry.publish(next, "", noSigs());
    }

    function test_accessControl_escrowAndGovernor() public {
        mintTo(operator, 10 * USDC);
        vm.startPrank(operator);
        usdc.approve(address(escrow), 10 * USDC);
        bytes32 id = escrow.requestAudit(auditor, IERC20(address(usdc)), 10 * USDC);
        vm.stopPrank();
        vm.prank(otherOperator);
        vm.expectRevert(abi.encodeWithSelector(FeeEscrow.NotRequestOperator.selector, otherOperator, operator));
        escrow.cancel(id);
        vm.prank(otherOperator);
        vm.expectRevert(abi.encodeWithSelector(FeeEscrow.NotRequestAuditor.selector, otherOperator, auditor));
        escrow.accept(id, key(keccak256("c")));
        vm.prank(auditor);
        escrow.accept(id, key(keccak256("c")));
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(FeeEscrow.RequestNotOpen.selector, id, FeeEscrow.State.ACCEPTED));
        escrow.cancel(id);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(FeeEscrow.FeeLocked.selector, id, keccak256("c")));
        escrow.reclaim(id, keccak256("c"));
        vm.warp(block.timestamp + 180 * DAY);
        vm.prank(operator);
        escrow.reclaim(id, keccak256("c"));
        eq(usdc.balanceOf(operator), 10 * USDC, "fee back after the timeout");

        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CCPChallenges.NotGovernor.selector, operator));
        challenges.addVerifier(operator);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CCPChallenges.NotGovernor.selector, operator));
        challenges.removeVerifier(verifier1);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CCPChallenges.NotGovernor.selector, operator));
        challenges.transferGovernor(operator);
        vm.prank(governor);
        challenges.transferGovernor(otherOperator);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CCPChallenges.NotPendingGovernor.selector, operator));
        challenges.acceptGovernor();
        vm.prank(otherOperator);
        challenges.acceptGovernor();
        eq(challenges.governor(), otherOperator, "governor handed over");
    }

    function test_auditorDeregistersBelowMinimumBond() public {
        bondAuditor(auditor, MIN_BOND);
        (,, bool registered) = staking.bondOf(auditor);
        isTrue(registered, "registered at the minimum");
        vm.prank(auditor);
        staking.unbond(1);
        (,, registered) = staking.bondOf(auditor);
        isTrue(!registered, "deregistered below it");
        vm.prank(auditor);
        vm.expectRevert(abi.encodeWithSelector(AuditorStaking.InsufficientFreeBond.selector, MIN_BOND - 1, MIN_BOND));
        staking.unbond(MIN_BOND);
    }
}
