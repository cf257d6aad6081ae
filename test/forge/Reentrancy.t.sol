// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ICCPRegistry} from "../../adapters/evm/contracts/ICCPRegistry.sol";
import {ReserveVault} from "../../adapters/evm/contracts/ReserveVault.sol";
import {FeeEscrow} from "../../adapters/evm/contracts/FeeEscrow.sol";
import {ReentrantToken} from "./mocks/ReentrantToken.sol";
import {TestToken} from "./mocks/TestToken.sol";
import {Base} from "./Base.sol";
import {vm} from "./Vm.sol";

/// @notice A hostile token the deployment listed (by mistake) tries to re-enter the vault and the escrow while they
///         move it; every re-entry is refused and the books still match the balances.
contract ReentrancyTest is Base {
    ReentrantToken evil;

    function setUp() public override {
        vm.warp(T0);
        operator = vm.addr(OPERATOR_PK);
        agent = vm.addr(AGENT_PK);
        auditor = vm.addr(AUDITOR_PK);
        governor = vm.addr(GOVERNOR_PK);
        usdc = new TestToken("USDC", 6);
        evil = new ReentrantToken();
        deploy(IERC20Metadata(address(evil)), IERC20(address(usdc)));
        vm.warp(T0 + 1);
    }

    function depositEvil(address from, bytes32 certHash, uint256 amount) internal {
        evil.mint(from, amount);
        vm.startPrank(from);
        evil.approve(address(vault), amount);
        vault.deposit(key(certHash), IERC20(address(evil)), amount);
        vm.stopPrank();
    }

    function guarded() internal view {
        isTrue(evil.attempted(), "the token tried to re-enter");
        isTrue(!evil.reentered(), "the re-entry failed");
        isTrue(
            keccak256(evil.reentryError()) == keccak256(abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector)),
            "refused by the reentrancy guard"
        );
    }

    function test_vault_depositCannotReenterDeposit() public {
        bytes32 certHash = keccak256("a");
        evil.mint(operator, 200);
        vm.startPrank(operator);
        evil.approve(address(vault), 200);
        evil.arm(address(vault), abi.encodeCall(vault.deposit, (key(certHash), IERC20(address(evil)), 100)));
        vault.deposit(key(certHash), IERC20(address(evil)), 100);
        vm.stopPrank();
        guarded();
        eq(vault.totalHeld(address(evil)), 100, "one deposit counted");
        eq(evil.balanceOf(address(vault)), 100, "books match the balance");
    }

    function test_vault_withdrawCannotBeReenteredToWithdrawTwice() public {
        bytes32 certHash = keccak256("b");
        depositEvil(operator, certHash, 100);
        depositEvil(agent, keccak256("c"), 100); // someone else's reserve in the same pool
        evil.arm(address(vault), abi.encodeCall(vault.withdraw, (certHash)));
        vm.prank(operator);
        vault.withdraw(certHash);
        guarded();
        eq(evil.balanceOf(operator), 100, "paid once");
        eq(evil.balanceOf(address(vault)), 100, "the other reserve is intact");
        eq(vault.totalHeld(address(evil)), 100, "books match");
    }

    function test_vault_releaseAtSettlementCannotBeReentered() public {
        ICCPRegistry.PublishParams memory p = params("evil-c1", agent, ICCPRegistry.CertificateClass.C1, 90, 100);
        depositEvil(operator, p.certHash, 100 * USDC);
        p.agentSig = agentSign(AGENT_PK, p, operator);
        publishAs(operator, p, noSigs());
        vm.prank(operator);
        registry.revoke(p.certHash);
        vm.warp(block.timestamp + 7 * DAY);
        evil.arm(address(registry), abi.encodeCall(registry.settle, (p.certHash)));
        registry.settle(p.certHash);
        guarded();
        eq(evil.balanceOf(operator), 100 * USDC, "released once");
        eq(evil.balanceOf(address(vault)), 0, "vault empty");
        eq(vault.totalHeld(address(evil)), 0, "books match");
    }

    function test_escrow_cancelCannotBeReentered() public {
        evil.mint(operator, 100);
        vm.startPrank(operator);
        evil.approve(address(escrow), 100);
        bytes32 id = escrow.requestAudit(auditor, IERC20(address(evil)), 100);
        vm.stopPrank();
        evil.mint(agent, 100);
        vm.startPrank(agent);
        evil.approve(address(escrow), 100);
        escrow.requestAudit(auditor, IERC20(address(evil)), 100);
        vm.stopPrank();
        evil.arm(address(escrow), abi.encodeCall(escrow.cancel, (id)));
        vm.prank(operator);
        escrow.cancel(id);
        isTrue(evil.attempted() && !evil.reentered(), "re-entry refused");
        eq(evil.balanceOf(operator), 100, "refunded once");
        eq(evil.balanceOf(address(escrow)), 100, "the other fee is intact");
        eq(escrow.totalEscrowed(address(evil)), 100, "books match");
    }

    function test_escrow_requestCannotReenterItself() public {
        evil.mint(operator, 300);
        vm.startPrank(operator);
        evil.approve(address(escrow), 300);
        evil.arm(address(escrow), abi.encodeCall(escrow.requestAudit, (auditor, IERC20(address(evil)), 100)));
        escrow.requestAudit(auditor, IERC20(address(evil)), 100);
        vm.stopPrank();
        guarded();
        eq(escrow.totalEscrowed(address(evil)), 100, "one request");
        eq(evil.balanceOf(address(escrow)), 100, "books match");
    }

    function test_escrow_releaseAtSettlementCannotBeReentered() public {
        ICCPRegistry.PublishParams memory p = params("evil-fee", agent, ICCPRegistry.CertificateClass.C2, 60, 100);
        p = withAuditor(p, auditor, "ACTIVITY_TRAIL_VERIFICATION", MIN_STAKE_C2);
        depositEvil(operator, p.certHash, 300 * USDC);
        evil.mint(operator, 50);
        vm.startPrank(operator);
        evil.approve(address(escrow), 50);
        bytes32 id = escrow.requestAudit(auditor, IERC20(address(evil)), 50);
        vm.stopPrank();
        vm.prank(auditor);
        escrow.accept(id, key(p.certHash));
        bondAuditor(auditor, MIN_STAKE_C2);
        stakeFor(auditor, p.certHash, MIN_STAKE_C2);
        p.agentSig = agentSign(AGENT_PK, p, operator);
        publishAs(operator, p, oneSig(attestSign(AUDITOR_PK, p, operator, 0)));
        vm.warp(p.expiresAt + 14 * DAY);
        // the fee transfer to the auditor re-enters the escrow to release the fee again
        evil.arm(address(escrow), abi.encodeCall(escrow.release, (p.certHash, auditor, operator)));
        registry.settle(p.certHash);
        isTrue(evil.attempted() && !evil.reentered(), "re-entry refused");
        eq(evil.balanceOf(auditor), 50, "fee paid once");
        eq(uint256(escrow.getRequest(id).state), uint256(FeeEscrow.State.PAID), "PAID");
        eq(evil.balanceOf(address(escrow)), 0, "escrow empty");
    }
}
