// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ICCPRegistry} from "../../adapters/evm/contracts/ICCPRegistry.sol";
import {CCPRegistry} from "../../adapters/evm/contracts/CCPRegistry.sol";
import {CCPChallenges} from "../../adapters/evm/contracts/CCPChallenges.sol";
import {ERC1271Wallet} from "./mocks/ERC1271Wallet.sol";
import {Base} from "./Base.sol";
import {vm} from "./Vm.sol";

/// @notice Contract wallets (ERC-1271, as a Safe) as operator, agent, auditor and verifier.
contract WalletsTest is Base {
    uint256 constant OWNER_PK = 0x5AFE;
    address owner;

    function setUp() public override {
        super.setUp();
        owner = vm.addr(OWNER_PK);
    }

    function call(ERC1271Wallet wallet, address target, bytes memory data) internal {
        vm.prank(owner);
        wallet.execute(target, data);
    }

    function test_contractWalletAsOperatorAndAuditorAndAgent() public {
        ERC1271Wallet operatorWallet = new ERC1271Wallet(owner);
        ERC1271Wallet auditorWallet = new ERC1271Wallet(owner);
        ERC1271Wallet agentWallet = new ERC1271Wallet(owner);
        ICCPRegistry.PublishParams memory p = params("safe", address(agentWallet), ICCPRegistry.CertificateClass.C2, 60, 5_000);
        p = withAuditor(p, address(auditorWallet), "FULL_STACK_VERIFICATION", MIN_STAKE_C2);

        // the operator wallet funds the reserve
        mintTo(address(operatorWallet), 15_000 * USDC);
        call(operatorWallet, address(usdc), abi.encodeCall(IERC20.approve, (address(vault), 15_000 * USDC)));
        call(operatorWallet, address(vault), abi.encodeWithSignature("deposit(bytes32,address,uint256)", key(p.certHash), address(usdc), 15_000 * USDC));
        // the auditor wallet bonds and stakes
        mintTo(address(auditorWallet), MIN_STAKE_C2);
        call(auditorWallet, address(usdc), abi.encodeCall(IERC20.approve, (address(staking), MIN_STAKE_C2)));
        call(auditorWallet, address(staking), abi.encodeWithSignature("bond(uint256)", MIN_STAKE_C2));
        call(auditorWallet, address(staking), abi.encodeWithSignature("stake(bytes32,uint256)", key(p.certHash), MIN_STAKE_C2));
        // agent and auditor sign by ERC-1271 (their owner's key signs the digest the wallet checks)
        p.agentSig = sig(OWNER_PK, registry.publishDigest(p, address(operatorWallet)));
        bytes[] memory sigs = oneSig(sig(OWNER_PK, registry.attestDigest(p, address(operatorWallet), 0)));

        // a signature the wallet does not accept is refused
        bytes memory wrong = sig(AGENT_PK, registry.publishDigest(p, address(operatorWallet)));
        ICCPRegistry.PublishParams memory bad = p;
        bad.agentSig = wrong;
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.InvalidAgentSignature.selector, address(agentWallet)));
        operatorWallet.execute(address(registry), abi.encodeCall(registry.publish, (bad, "", sigs)));

        p.agentSig = sig(OWNER_PK, registry.publishDigest(p, address(operatorWallet)));
        call(operatorWallet, address(registry), abi.encodeCall(registry.publish, (p, "", sigs)));
        ICCPRegistry.CertificateRecord memory record = registry.getCertificate(p.certHash);
        eq(record.operator, address(operatorWallet), "the wallet is the operator");
        eq(record.auditors[0], address(auditorWallet), "the wallet is the auditor");
        eq(registry.getActiveCertificate(address(agentWallet)), p.certHash, "the wallet is the agent");

        // and as operator it revokes; after grace the money goes back to the wallets
        call(operatorWallet, address(registry), abi.encodeCall(registry.revoke, (p.certHash)));
        vm.warp(block.timestamp + 14 * DAY);
        registry.settle(p.certHash);
        eq(usdc.balanceOf(address(operatorWallet)), 15_000 * USDC, "reserve back to the operator wallet");
        (uint256 free,,) = staking.bondOf(address(auditorWallet));
        eq(free, MIN_STAKE_C2, "stake back in the auditor wallet's bond");
    }

    function test_contractWalletAsVerifier() public {
        ERC1271Wallet verifierWallet = new ERC1271Wallet(owner);
        vm.prank(governor);
        challenges.addVerifier(address(verifierWallet));
        vm.warp(block.timestamp + 1);
        ICCPRegistry.PublishParams memory p = publishC2("verifier-wallet");
        vm.warp(block.timestamp + 1);
        uint256 id = openChallenge(challenger, p.certHash, CCPChallenges.ChallengeType.CONSTRAINT_BYPASS);
        challenges.submitVerdict(id, address(verifierWallet), true, sig(OWNER_PK, challenges.verdictDigest(id, p.certHash, true)));
        challenges.submitVerdict(id, verifier1, true, verdict(VERIFIER1_PK, id, p.certHash, true));
        eq(usdc.balanceOf(address(verifierWallet)), 1_500 * USDC * 50 / 100 / 2, "the wallet's share of the 50%");
    }
}
