// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ICCPRegistry} from "../../adapters/evm/contracts/ICCPRegistry.sol";
import {CCPRegistry} from "../../adapters/evm/contracts/CCPRegistry.sol";
import {CCPChallenges} from "../../adapters/evm/contracts/CCPChallenges.sol";
import {FeeEscrow} from "../../adapters/evm/contracts/FeeEscrow.sol";
import {Base} from "./Base.sol";
import {vm} from "./Vm.sol";

/// @notice Challenges: every type upheld and rejected, the 30/50/20 split to the wei, a second challenge, challenges
///         in grace, past their deadline, against a revoked certificate, and the verifier panel's rules.
contract ChallengesTest is Base {
    uint256 constant ACTIVE = 0;
    uint256 constant REVOKED = 1;
    uint256 constant EXPIRED = 2;
    uint256 constant CHALLENGED = 3;
    address constant BURN = 0x000000000000000000000000000000000000dEaD;
    uint256 constant STAKE = 1_500 * USDC;

    function panelTypes() internal pure returns (CCPChallenges.ChallengeType[4] memory) {
        return [
            CCPChallenges.ChallengeType.CONSTRAINT_BYPASS,
            CCPChallenges.ChallengeType.FALSE_INDEPENDENCE,
            CCPChallenges.ChallengeType.INVALID_VERIFICATION,
            CCPChallenges.ChallengeType.SCOPE_NOT_PERFORMED
        ];
    }

    // ------------------------------------------------------------------ RESERVE_SHORTFALL (judged on chain)

    function test_reserveShortfall_upheld() public {
        ICCPRegistry.PublishParams memory p = publishC2("short");
        usdc.burnFrom(address(vault), 1); // the token's issuer seizes one unit of the vault's balance
        (uint256 backing, uint256 required) = registry.reserveStatus(p.certHash);
        eq(required, 15_000 * USDC, "required 3 x 5000");
        eq(backing, 15_000 * USDC - 1, "backed part");
        uint256 id = openChallenge(challenger, p.certHash, CCPChallenges.ChallengeType.RESERVE_SHORTFALL);
        eq(uint256(challenges.getChallenge(id).state), uint256(CCPChallenges.State.UPHELD), "decided at once");
        eq(status(p.certHash), REVOKED, "REVOKED");
        isTrue(registry.lifecycleOf(p.certHash).challengeUpheld, "upheld recorded");
        // slash: 30% challenger, 50% burned (no verifier judged it), 20% burned; bond back
        eq(usdc.balanceOf(challenger), STAKE * 30 / 100 + BOND, "challenger: 30% and its bond");
        eq(usdc.balanceOf(BURN), STAKE - STAKE * 30 / 100, "the rest burned");
        eq(usdc.balanceOf(operator), 500 * USDC, "fee clawed back to the operator");
        eq(staking.stakeOf(auditor, p.certHash), 0, "stake gone");
        eq(usdc.balanceOf(address(challenges)), 0, "no bond left");
        // settlement after grace still releases what the vault backs
        vm.warp(block.timestamp + 14 * DAY);
        registry.settle(p.certHash);
        eq(usdc.balanceOf(operator), 500 * USDC + 15_000 * USDC - 1, "reserve released pro rata");
    }

    function test_reserveShortfall_rejectedWhenNotShort() public {
        ICCPRegistry.PublishParams memory p = publishC2("full");
        mintTo(challenger, BOND);
        vm.startPrank(challenger);
        usdc.approve(address(challenges), BOND);
        vm.expectRevert(abi.encodeWithSelector(CCPChallenges.ReserveNotShort.selector, 15_000 * USDC, 15_000 * USDC));
        challenges.open(p.certHash, CCPChallenges.ChallengeType.RESERVE_SHORTFALL, bytes32(0));
        vm.stopPrank();
        eq(status(p.certHash), ACTIVE, "still ACTIVE");
        eq(usdc.balanceOf(challenger), BOND, "bond kept");
    }

    // ------------------------------------------------------------------ panel types

    function test_panelTypes_upheld() public {
        CCPChallenges.ChallengeType[4] memory types = panelTypes();
        for (uint256 t = 0; t < types.length; ++t) {
            setUp();
            ICCPRegistry.PublishParams memory p = publishC2("panel-upheld");
            vm.warp(block.timestamp + 1);
            uint256 id = openChallenge(challenger, p.certHash, types[t]);
            eq(status(p.certHash), CHALLENGED, "CHALLENGED");
            isTrue(!registry.isValid(p.certHash), "not valid while challenged");
            eq(registry.getActiveCertificate(agent), bytes32(0), "no active certificate while challenged");
            challenges.submitVerdict(id, verifier1, true, verdict(VERIFIER1_PK, id, p.certHash, true));
            eq(status(p.certHash), CHALLENGED, "one verdict is not a decision");
            challenges.submitVerdict(id, verifier2, true, verdict(VERIFIER2_PK, id, p.certHash, true));
            eq(status(p.certHash), REVOKED, "upheld: REVOKED");
            eq(usdc.balanceOf(challenger), STAKE * 30 / 100 + BOND, "30% and the bond");
            eq(usdc.balanceOf(verifier1) + usdc.balanceOf(verifier2), STAKE * 50 / 100, "50% to the upholding verifiers");
            eq(usdc.balanceOf(BURN), STAKE - STAKE * 30 / 100 - STAKE * 50 / 100, "20% burned");
            eq(usdc.balanceOf(operator), 500 * USDC, "fee clawed back");
        }
    }

    function test_panelTypes_rejected() public {
        CCPChallenges.ChallengeType[4] memory types = panelTypes();
        for (uint256 t = 0; t < types.length; ++t) {
            setUp();
            ICCPRegistry.PublishParams memory p = publishC2("panel-rejected");
            vm.warp(block.timestamp + 1);
            uint256 id = openChallenge(challenger, p.certHash, types[t]);
            challenges.submitVerdict(id, verifier3, true, verdict(VERIFIER3_PK, id, p.certHash, true));
            challenges.submitVerdict(id, verifier1, false, verdict(VERIFIER1_PK, id, p.certHash, false));
            challenges.submitVerdict(id, verifier2, false, verdict(VERIFIER2_PK, id, p.certHash, false));
            eq(status(p.certHash), ACTIVE, "rejected: ACTIVE again");
            isTrue(registry.isValid(p.certHash), "valid again");
            eq(usdc.balanceOf(verifier1), BOND / 2, "bond forfeited to the rejecting verifiers");
            eq(usdc.balanceOf(verifier2), BOND / 2, "bond forfeited to the rejecting verifiers");
            eq(usdc.balanceOf(verifier3), 0, "the upholding verifier gets nothing");
            eq(usdc.balanceOf(challenger), 0, "challenger lost its bond");
            eq(staking.stakeOf(auditor, p.certHash), STAKE, "stake untouched");
            // a new challenge may follow a rejected one
            openChallenge(challenger, p.certHash, types[t]);
            eq(status(p.certHash), CHALLENGED, "challenged again");
        }
    }

    function test_slashSplit_toTheWei() public {
        ICCPRegistry.PublishParams memory p = params("split", agent, ICCPRegistry.CertificateClass.C2, 60, 5_000);
        uint256 stake = 1_000 * USDC + 7;
        p = withAuditor(p, auditor, "ACTIVITY_TRAIL_VERIFICATION", stake);
        fundReserve(operator, p.certHash, 15_000 * USDC);
        bondAuditor(auditor, stake);
        stakeFor(auditor, p.certHash, stake);
        p.agentSig = agentSign(AGENT_PK, p, operator);
        publishAs(operator, p, oneSig(attestSign(AUDITOR_PK, p, operator, 0)));
        vm.warp(block.timestamp + 1);
        uint256 id = openChallenge(challenger, p.certHash, CCPChallenges.ChallengeType.SCOPE_NOT_PERFORMED);
        challenges.submitVerdict(id, verifier2, true, verdict(VERIFIER2_PK, id, p.certHash, true));
        challenges.submitVerdict(id, verifier1, true, verdict(VERIFIER1_PK, id, p.certHash, true));
        eq(usdc.balanceOf(challenger), 300_000_002 + BOND, "30% = 300000002.1 rounded down");
        eq(usdc.balanceOf(verifier2), 250_000_002, "first upholder: half of 500000003 and the odd unit");
        eq(usdc.balanceOf(verifier1), 250_000_001, "second upholder");
        eq(usdc.balanceOf(BURN), 200_000_002, "burned: the rest");
        eq(300_000_002 + 250_000_002 + 250_000_001 + 200_000_002, stake, "adds up to the stake");
    }

    function test_slashesEveryAuditor() public {
        ICCPRegistry.PublishParams memory p = params("three", agent, ICCPRegistry.CertificateClass.C2, 60, 5_000);
        p = withAuditor(p, auditor, "SMART_CONTRACT_VERIFICATION", 1_000 * USDC);
        p = withAuditor(p, auditor2, "ACTIVITY_TRAIL_VERIFICATION", 2_000 * USDC);
        p = withAuditor(p, auditor3, "FULL_STACK_VERIFICATION", 3_000 * USDC);
        fundReserve(operator, p.certHash, 15_000 * USDC);
        bondAuditor(auditor, 1_000 * USDC);
        bondAuditor(auditor2, 2_000 * USDC);
        bondAuditor(auditor3, 3_000 * USDC);
        stakeFor(auditor, p.certHash, 1_000 * USDC);
        stakeFor(auditor2, p.certHash, 2_000 * USDC);
        stakeFor(auditor3, p.certHash, 3_000 * USDC);
        escrowFee(operator, auditor2, p.certHash, 70 * USDC);
        p.agentSig = agentSign(AGENT_PK, p, operator);
        bytes[] memory sigs = new bytes[](3);
        sigs[0] = attestSign(AUDITOR_PK, p, operator, 0);
        sigs[1] = attestSign(AUDITOR2_PK, p, operator, 1);
        sigs[2] = attestSign(AUDITOR3_PK, p, operator, 2);
        publishAs(operator, p, sigs);
        vm.warp(block.timestamp + 1);
        uint256 id = openChallenge(challenger, p.certHash, CCPChallenges.ChallengeType.FALSE_INDEPENDENCE);
        challenges.submitVerdict(id, verifier1, true, verdict(VERIFIER1_PK, id, p.certHash, true));
        challenges.submitVerdict(id, verifier3, true, verdict(VERIFIER3_PK, id, p.certHash, true));
        eq(usdc.balanceOf(challenger), 1_800 * USDC + BOND, "30% of 6000");
        eq(usdc.balanceOf(verifier1), 1_500 * USDC, "25% of 6000");
        eq(usdc.balanceOf(verifier3), 1_500 * USDC, "25% of 6000");
        eq(usdc.balanceOf(BURN), 1_200 * USDC, "20% of 6000");
        eq(usdc.balanceOf(operator), 70 * USDC, "fee of auditor2 clawed back");
        (, uint256 locked,) = staking.bondOf(auditor2);
        eq(locked, 0, "nothing locked");
    }

    // ------------------------------------------------------------------ timing

    function test_secondChallengeOnAChallengedCertificateIsRefused() public {
        ICCPRegistry.PublishParams memory p = publishC2("twice");
        vm.warp(block.timestamp + 1);
        openChallenge(challenger, p.certHash, CCPChallenges.ChallengeType.CONSTRAINT_BYPASS);
        mintTo(otherOperator, BOND);
        vm.startPrank(otherOperator);
        usdc.approve(address(challenges), BOND);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.ChallengeAlreadyOpen.selector, p.certHash));
        challenges.open(p.certHash, CCPChallenges.ChallengeType.INVALID_VERIFICATION, bytes32(0));
        vm.stopPrank();
    }

    function test_challengeDuringGrace_afterExpiry() public {
        ICCPRegistry.PublishParams memory p = publishC2("grace");
        vm.warp(p.expiresAt + 13 * DAY);
        uint256 id = openChallenge(challenger, p.certHash, CCPChallenges.ChallengeType.INVALID_VERIFICATION);
        eq(status(p.certHash), EXPIRED, "EXPIRED stays final");
        isTrue(registry.lifecycleOf(p.certHash).challengeOpen, "challenge recorded");
        vm.warp(p.expiresAt + 14 * DAY);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.ChallengeOpen.selector, p.certHash));
        registry.settle(p.certHash);
        challenges.submitVerdict(id, verifier1, true, verdict(VERIFIER1_PK, id, p.certHash, true));
        challenges.submitVerdict(id, verifier2, true, verdict(VERIFIER2_PK, id, p.certHash, true));
        eq(status(p.certHash), EXPIRED, "upheld in grace: still EXPIRED");
        eq(staking.stakeOf(auditor, p.certHash), 0, "but slashed");
        registry.settle(p.certHash);
        eq(usdc.balanceOf(operator), 500 * USDC + 15_000 * USDC, "fee clawed back, reserve released");
        eq(usdc.balanceOf(auditor), 0, "no fee for the auditor");
    }

    function test_challengeAfterGraceIsRefused() public {
        ICCPRegistry.PublishParams memory p = publishC2("late");
        vm.warp(p.expiresAt + 14 * DAY);
        mintTo(challenger, BOND);
        vm.startPrank(challenger);
        usdc.approve(address(challenges), BOND);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.ChallengeWindowClosed.selector, p.certHash, uint256(p.expiresAt) + 14 * DAY));
        challenges.open(p.certHash, CCPChallenges.ChallengeType.CONSTRAINT_BYPASS, bytes32(0));
        vm.stopPrank();
    }

    function test_revokeDoesNotEndAChallenge() public {
        ICCPRegistry.PublishParams memory p = publishC2("dodge");
        vm.warp(block.timestamp + 1);
        uint256 id = openChallenge(challenger, p.certHash, CCPChallenges.ChallengeType.CONSTRAINT_BYPASS);
        vm.prank(operator);
        registry.revoke(p.certHash);
        eq(status(p.certHash), REVOKED, "revoked");
        isTrue(registry.lifecycleOf(p.certHash).challengeOpen, "challenge still open");
        challenges.submitVerdict(id, verifier1, true, verdict(VERIFIER1_PK, id, p.certHash, true));
        challenges.submitVerdict(id, verifier2, true, verdict(VERIFIER2_PK, id, p.certHash, true));
        eq(staking.stakeOf(auditor, p.certHash), 0, "slashed anyway");
        eq(usdc.balanceOf(challenger), STAKE * 30 / 100 + BOND, "challenger paid");
    }

    function test_challengePastItsDeadline_defaultsToRejected() public {
        ICCPRegistry.PublishParams memory p = publishC2("silent");
        vm.warp(block.timestamp + 1);
        uint256 id = openChallenge(challenger, p.certHash, CCPChallenges.ChallengeType.CONSTRAINT_BYPASS);
        uint256 deadline = challenges.getChallenge(id).deadline;
        challenges.submitVerdict(id, verifier3, false, verdict(VERIFIER3_PK, id, p.certHash, false));
        vm.expectRevert(abi.encodeWithSelector(CCPChallenges.ChallengeUndecided.selector, id, deadline));
        challenges.resolve(id);
        vm.warp(deadline);
        bytes memory late = verdict(VERIFIER1_PK, id, p.certHash, true);
        vm.expectRevert(abi.encodeWithSelector(CCPChallenges.DeadlinePassed.selector, id, deadline));
        challenges.submitVerdict(id, verifier1, true, late);
        vm.prank(address(0xBEEF));
        challenges.resolve(id);
        eq(uint256(challenges.getChallenge(id).state), uint256(CCPChallenges.State.REJECTED), "rejected by default");
        eq(status(p.certHash), ACTIVE, "ACTIVE again: the agent is not locked out");
        eq(usdc.balanceOf(verifier3), BOND, "bond to the one verifier who rejected");
        vm.expectRevert(abi.encodeWithSelector(CCPChallenges.ChallengeNotOpen.selector, id, CCPChallenges.State.REJECTED));
        challenges.resolve(id);
    }

    function test_challengePastDeadlineAndExpiry_becomesExpired_bondBurned() public {
        ICCPRegistry.PublishParams memory p = publishC2("silent-expired");
        vm.warp(p.expiresAt - 1 * DAY);
        uint256 id = openChallenge(challenger, p.certHash, CCPChallenges.ChallengeType.CONSTRAINT_BYPASS);
        vm.warp(p.expiresAt + 6 * DAY);
        challenges.resolve(id);
        eq(status(p.certHash), EXPIRED, "EXPIRED: past its expiry");
        eq(registry.currentCertificate(agent), bytes32(0), "no current certificate");
        eq(usdc.balanceOf(BURN), BOND, "nobody rejected it: the bond is burned");
        vm.warp(p.expiresAt + 14 * DAY);
        registry.settle(p.certHash);
        eq(usdc.balanceOf(auditor), 500 * USDC, "fee to the auditor");
    }

    function test_upheldOnceOnly() public {
        ICCPRegistry.PublishParams memory p = publishC2("once");
        usdc.burnFrom(address(vault), 1);
        openChallenge(challenger, p.certHash, CCPChallenges.ChallengeType.RESERVE_SHORTFALL);
        mintTo(challenger, BOND);
        vm.startPrank(challenger);
        usdc.approve(address(challenges), BOND);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.ChallengeAlreadyUpheld.selector, p.certHash));
        challenges.open(p.certHash, CCPChallenges.ChallengeType.CONSTRAINT_BYPASS, bytes32(0));
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ the panel

    function test_panel_rules() public {
        ICCPRegistry.PublishParams memory p = publishC2("panel");
        vm.warp(block.timestamp + 1);
        uint256 id = openChallenge(challenger, p.certHash, CCPChallenges.ChallengeType.CONSTRAINT_BYPASS);
        // added after the challenge opened: not on its panel
        uint256 latePk = 0x7E4;
        address late = vm.addr(latePk);
        vm.prank(governor);
        challenges.addVerifier(late);
        bytes memory lateVerdict = verdict(latePk, id, p.certHash, true);
        vm.expectRevert(abi.encodeWithSelector(CCPChallenges.NotOnPanel.selector, id, late));
        challenges.submitVerdict(id, late, true, lateVerdict);
        // removed after it opened: still on its panel
        vm.warp(block.timestamp + 1);
        vm.prank(governor);
        challenges.removeVerifier(verifier3);
        isTrue(challenges.onPanel(id, verifier3), "panel fixed at opening");
        // bad signature, double vote
        bytes memory wrong = verdict(VERIFIER2_PK, id, p.certHash, true);
        vm.expectRevert(abi.encodeWithSelector(CCPChallenges.InvalidVerdictSignature.selector, id, verifier1));
        challenges.submitVerdict(id, verifier1, true, wrong);
        bytes memory flipped = verdict(VERIFIER1_PK, id, p.certHash, false);
        vm.expectRevert(abi.encodeWithSelector(CCPChallenges.InvalidVerdictSignature.selector, id, verifier1));
        challenges.submitVerdict(id, verifier1, true, flipped);
        challenges.submitVerdict(id, verifier1, true, verdict(VERIFIER1_PK, id, p.certHash, true));
        bytes memory again = verdict(VERIFIER1_PK, id, p.certHash, true);
        vm.expectRevert(abi.encodeWithSelector(CCPChallenges.AlreadyVoted.selector, id, verifier1));
        challenges.submitVerdict(id, verifier1, true, again);
        // a retired verifier cannot come back
        vm.prank(governor);
        vm.expectRevert(abi.encodeWithSelector(CCPChallenges.VerifierRetired.selector, verifier3));
        challenges.addVerifier(verifier3);
    }

    function test_panel_partiesCannotJudge() public {
        vm.prank(governor);
        challenges.addVerifier(auditor);
        vm.prank(governor);
        challenges.addVerifier(challenger);
        vm.warp(block.timestamp + 1);
        ICCPRegistry.PublishParams memory p = publishC2("conflict");
        vm.warp(block.timestamp + 1);
        uint256 id = openChallenge(challenger, p.certHash, CCPChallenges.ChallengeType.CONSTRAINT_BYPASS);
        bytes memory own = verdict(AUDITOR_PK, id, p.certHash, false);
        vm.expectRevert(abi.encodeWithSelector(CCPChallenges.VerifierConflicted.selector, id, auditor));
        challenges.submitVerdict(id, auditor, false, own);
        bytes memory self = verdict(CHALLENGER_PK, id, p.certHash, true);
        vm.expectRevert(abi.encodeWithSelector(CCPChallenges.VerifierConflicted.selector, id, challenger));
        challenges.submitVerdict(id, challenger, true, self);
    }

    function test_panel_tooSmallIsRefused() public {
        vm.prank(governor);
        challenges.removeVerifier(verifier1);
        vm.prank(governor);
        challenges.removeVerifier(verifier2);
        ICCPRegistry.PublishParams memory p = publishC2("small");
        mintTo(challenger, BOND);
        vm.startPrank(challenger);
        usdc.approve(address(challenges), BOND);
        vm.expectRevert(abi.encodeWithSelector(CCPChallenges.PanelTooSmall.selector, 1, THRESHOLD));
        challenges.open(p.certHash, CCPChallenges.ChallengeType.CONSTRAINT_BYPASS, bytes32(0));
        vm.stopPrank();
    }

    function test_reserveShortfallTakesNoVerdicts() public {
        ICCPRegistry.PublishParams memory p = publishC2("on-chain");
        usdc.burnFrom(address(vault), 1);
        uint256 id = openChallenge(challenger, p.certHash, CCPChallenges.ChallengeType.RESERVE_SHORTFALL);
        bytes memory v = verdict(VERIFIER1_PK, id, p.certHash, false);
        vm.expectRevert(abi.encodeWithSelector(CCPChallenges.ChallengeNotOpen.selector, id, CCPChallenges.State.UPHELD));
        challenges.submitVerdict(id, verifier1, false, v);
    }
}
