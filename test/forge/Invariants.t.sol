// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ICCPRegistry} from "../../adapters/evm/contracts/ICCPRegistry.sol";
import {CCPRegistry} from "../../adapters/evm/contracts/CCPRegistry.sol";
import {AuditorStaking} from "../../adapters/evm/contracts/AuditorStaking.sol";
import {ReserveVault} from "../../adapters/evm/contracts/ReserveVault.sol";
import {FeeEscrow} from "../../adapters/evm/contracts/FeeEscrow.sol";
import {CCPChallenges} from "../../adapters/evm/contracts/CCPChallenges.sol";
import {TestToken} from "./mocks/TestToken.sol";
import {Base} from "./Base.sol";
import {vm} from "./Vm.sol";

/// @notice Random sequences of every lifecycle operation (publish, renew, revoke, expire, challenge, verdict, resolve,
///         settle, withdrawals, fee requests, time), by several operators, agents, auditors and challengers.
///         Every call is allowed to fail; the invariants must hold after each one.
contract LifecycleHandler {
    uint256 constant DAY = 1 days;
    uint256 constant USDC = 1e6;

    CCPRegistry public registry;
    AuditorStaking public staking;
    ReserveVault public vault;
    FeeEscrow public escrow;
    CCPChallenges public challenges;
    TestToken public usdc;

    uint256[3] public operatorKeys = [uint256(0xA11CE), 0xB0B, 0xC0C];
    uint256[4] public agentKeys = [uint256(0xA6E1), 0xA6E2, 0xA6E3, 0xA6E4];
    uint256[3] public auditorKeys = [uint256(0xAD17), 0xAD18, 0xAD19];
    uint256[3] public verifierKeys = [uint256(0x7E1), 0x7E2, 0x7E3];
    address[3] public challengers = [address(0xC4A1), address(0xC4A2), address(0xC4A3)];

    bytes32[] public certs;
    mapping(bytes32 certHash => uint256 status) public finalStatus; // 0 none, 1 + Status once REVOKED or EXPIRED
    bytes32[] public requests;
    uint256 public nonce;
    bool public finalityViolated;
    uint256 public calls;

    constructor(CCPRegistry registry_, AuditorStaking staking_, ReserveVault vault_, FeeEscrow escrow_, CCPChallenges challenges_, TestToken usdc_) {
        registry = registry_;
        staking = staking_;
        vault = vault_;
        escrow = escrow_;
        challenges = challenges_;
        usdc = usdc_;
        for (uint256 i = 0; i < auditorKeys.length; ++i) {
            address auditor = vm.addr(auditorKeys[i]);
            usdc_.mint(auditor, 100_000 * USDC);
            vm.startPrank(auditor);
            usdc_.approve(address(staking_), type(uint256).max);
            staking_.bond(20_000 * USDC);
            vm.stopPrank();
        }
    }

    function agentOf(uint256 i) public view returns (address) {
        return vm.addr(agentKeys[i]);
    }

    function certCount() external view returns (uint256) {
        return certs.length;
    }

    function _sig(uint256 pk, bytes32 digest) private pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        return abi.encodePacked(r, s, v);
    }

    function _pick(bytes32[] storage list, uint256 seed) private view returns (bytes32) {
        return list.length == 0 ? bytes32(0) : list[seed % list.length];
    }

    /// Records REVOKED/EXPIRED the first time they are seen and flags any later change.
    function _snapshot() private {
        calls++;
        for (uint256 i = 0; i < certs.length; ++i) {
            uint256 current = uint256(registry.statusOf(certs[i]));
            uint256 seen = finalStatus[certs[i]];
            if (seen != 0 && seen != current + 1) finalityViolated = true;
            if (current == uint256(ICCPRegistry.Status.REVOKED) || current == uint256(ICCPRegistry.Status.EXPIRED)) {
                finalStatus[certs[i]] = current + 1;
            }
        }
    }

    // ------------------------------------------------------------------ actions

    function publish(uint256 operatorSeed, uint256 agentSeed, uint256 auditorSeed, bool c2, uint16 boundSeed, uint8 daysSeed) external {
        uint256 opPk = operatorKeys[operatorSeed % operatorKeys.length];
        address operator = vm.addr(opPk);
        uint256 agentIndex = agentSeed % agentKeys.length;
        uint128 bound = uint128(1 + boundSeed % 1_000);
        ICCPRegistry.PublishParams memory p;
        p.certHash = keccak256(abi.encode("inv", ++nonce));
        p.agent = agentOf(agentIndex);
        p.certificateClass = c2 ? ICCPRegistry.CertificateClass.C2 : ICCPRegistry.CertificateClass.C1;
        p.issuedAt = uint48(block.timestamp);
        p.expiresAt = uint48(block.timestamp + (1 + daysSeed % 60) * DAY);
        p.containmentBound = bound;
        p.reserveVault = address(vault);
        p.uriDigest = sha256(abi.encode(p.certHash));
        bytes[] memory sigs = new bytes[](c2 ? 1 : 0);
        uint256 auditorPk = auditorKeys[auditorSeed % auditorKeys.length];
        if (c2) {
            p.attestations = new ICCPRegistry.AttestationParams[](1);
            p.attestations[0] = ICCPRegistry.AttestationParams({auditor: vm.addr(auditorPk), scope: keccak256("ACTIVITY_TRAIL_VERIFICATION"), stake: 1_000 * USDC + bound});
            vm.prank(vm.addr(auditorPk));
            try staking.stake(keccak256(abi.encode(p.certHash)), 1_000 * USDC + bound) {} catch {}
        }
        uint256 reserve = uint256(bound) * (c2 ? 3 : 1) * USDC;
        usdc.mint(operator, reserve);
        vm.startPrank(operator);
        usdc.approve(address(vault), reserve);
        vault.deposit(keccak256(abi.encode(p.certHash)), IERC20(address(usdc)), reserve);
        vm.stopPrank();
        p.agentSig = _sig(agentKeys[agentIndex], registry.publishDigest(p, operator));
        if (c2) sigs[0] = _sig(auditorPk, registry.attestDigest(p, operator, 0));
        vm.prank(operator);
        try registry.publish(p, "", sigs) {
            certs.push(p.certHash);
        } catch {
            // not anchored: take the deposits back (allowed, since nothing locks them)
            vm.prank(operator);
            vault.withdraw(p.certHash);
            if (c2) {
                vm.prank(vm.addr(auditorPk));
                try staking.unstake(p.certHash) {} catch {}
            }
        }
        _snapshot();
    }

    function revoke(uint256 seed, uint256 who) external {
        bytes32 certHash = _pick(certs, seed);
        if (certHash == bytes32(0)) return;
        address caller = who % 4 == 0 ? address(0xD00D) : registry.getCertificate(certHash).operator;
        vm.prank(caller);
        try registry.revoke(certHash) {} catch {}
        _snapshot();
    }

    function expire(uint256 seed) external {
        bytes32 certHash = _pick(certs, seed);
        if (certHash == bytes32(0)) return;
        try registry.expire(certHash) {} catch {}
        _snapshot();
    }

    function warp(uint32 seconds_) external {
        vm.warp(block.timestamp + seconds_ % (20 * DAY));
        _snapshot();
    }

    function challenge(uint256 seed, uint8 kind, uint256 who) external {
        bytes32 certHash = _pick(certs, seed);
        if (certHash == bytes32(0)) return;
        address challenger = challengers[who % challengers.length];
        uint256 bond = challenges.bondAmount();
        usdc.mint(challenger, bond);
        vm.startPrank(challenger);
        usdc.approve(address(challenges), bond);
        try challenges.open(certHash, CCPChallenges.ChallengeType(kind % 5), bytes32(seed)) {} catch {}
        vm.stopPrank();
        _snapshot();
    }

    /// One verifier's verdict on a challenge; with `all`, every verifier of the panel gives the same verdict.
    function vote(uint256 seed, uint256 verifierSeed, bool upheld, bool all) external {
        uint256 count = challenges.challengeCount();
        if (count == 0) return;
        uint256 id = 1 + seed % count;
        for (uint256 i = 0; i < verifierKeys.length; ++i) {
            _vote(id, verifierKeys[(verifierSeed + i) % verifierKeys.length], upheld);
            if (!all) break;
        }
        _snapshot();
    }

    function _vote(uint256 id, uint256 pk, bool upheld) private {
        bytes32 certHash = challenges.getChallenge(id).certHash;
        bytes memory signature = _sig(pk, challenges.verdictDigest(id, certHash, upheld));
        try challenges.submitVerdict(id, vm.addr(pk), upheld, signature) {} catch {}
    }

    function resolve(uint256 seed) external {
        bytes32 certHash = _pick(certs, seed);
        if (certHash == bytes32(0)) return;
        uint256 id = challenges.openChallengeOf(certHash);
        if (id == 0) return;
        try challenges.resolve(id) {} catch {}
        _snapshot();
    }

    function settle(uint256 seed) external {
        bytes32 certHash = _pick(certs, seed);
        if (certHash == bytes32(0)) return;
        try registry.settle(certHash) {} catch {}
        _snapshot();
    }

    /// Everyone tries to take money out of every certificate: only what is not locked may come out.
    function withdrawAttempts(uint256 seed) external {
        bytes32 certHash = _pick(certs, seed);
        if (certHash == bytes32(0)) return;
        for (uint256 i = 0; i < operatorKeys.length; ++i) {
            vm.prank(vm.addr(operatorKeys[i]));
            try vault.withdraw(certHash) {} catch {}
        }
        for (uint256 i = 0; i < auditorKeys.length; ++i) {
            vm.prank(vm.addr(auditorKeys[i]));
            try staking.unstake(certHash) {} catch {}
        }
        _snapshot();
    }

    function requestFee(uint256 operatorSeed, uint256 auditorSeed, uint256 certSeed, uint16 amount, bool accept) external {
        address operator = vm.addr(operatorKeys[operatorSeed % operatorKeys.length]);
        address auditor = vm.addr(auditorKeys[auditorSeed % auditorKeys.length]);
        uint256 fee = 1 + uint256(amount);
        usdc.mint(operator, fee);
        vm.startPrank(operator);
        usdc.approve(address(escrow), fee);
        bytes32 id = escrow.requestAudit(auditor, IERC20(address(usdc)), fee);
        vm.stopPrank();
        requests.push(id);
        bytes32 certHash = certs.length == 0 ? keccak256(abi.encode("future", nonce + 1)) : _pick(certs, certSeed);
        if (accept) {
            vm.prank(auditor);
            try escrow.accept(id, keccak256(abi.encode(certHash))) {} catch {}
        }
        _snapshot();
    }

    function feeExits(uint256 requestSeed, uint256 certSeed) external {
        bytes32 id = _pick(requests, requestSeed);
        if (id == bytes32(0)) return;
        FeeEscrow.Request memory r = escrow.getRequest(id);
        vm.prank(r.operator);
        try escrow.cancel(id) {} catch {}
        bytes32 certHash = _pick(certs, certSeed);
        vm.prank(r.operator);
        try escrow.reclaim(id, certHash) {} catch {}
        _snapshot();
    }
}

contract InvariantsTest is Base {
    LifecycleHandler handler;

    function setUp() public override {
        super.setUp();
        handler = new LifecycleHandler(registry, staking, vault, escrow, challenges, usdc);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// REVOKED and EXPIRED are final.
    function invariant_revokedAndExpiredAreFinal() public view {
        isTrue(!handler.finalityViolated(), "a REVOKED or EXPIRED certificate changed status");
    }

    /// Each contract's token balance equals the sum of what it owes.
    function invariant_balancesEqualWhatIsOwed() public view {
        address t = address(usdc);
        eq(usdc.balanceOf(address(staking)), staking.totalFree() + staking.totalLocked() + staking.totalOwed(t), "staking");
        eq(usdc.balanceOf(address(vault)), vault.totalHeld(t) + vault.totalOwed(t), "vault");
        eq(usdc.balanceOf(address(escrow)), escrow.totalEscrowed(t) + escrow.totalOwed(t), "escrow");
        eq(usdc.balanceOf(address(challenges)), challenges.totalBonds() + challenges.totalOwed(t), "challenges");
        uint256 bonds = 0;
        for (uint256 i = 0; i < 3; ++i) {
            (uint256 free, uint256 locked,) = staking.bondOf(vm.addr(handler.auditorKeys(i)));
            bonds += free + locked;
        }
        eq(bonds, staking.totalFree() + staking.totalLocked(), "per-auditor bonds add up");
    }

    /// An agent's current certificate is its own ACTIVE or CHALLENGED one, or none.
    function invariant_currentCertificateIsOwnActiveOrChallenged() public view {
        for (uint256 i = 0; i < 4; ++i) {
            address a = handler.agentOf(i);
            bytes32 current = registry.currentCertificate(a);
            if (current == bytes32(0)) continue;
            ICCPRegistry.CertificateRecord memory record = registry.getCertificate(current);
            eq(record.agent, a, "the agent's own certificate");
            isTrue(
                record.status == ICCPRegistry.Status.ACTIVE || record.status == ICCPRegistry.Status.CHALLENGED,
                "current is ACTIVE or CHALLENGED"
            );
            bytes32 active = registry.getActiveCertificate(a);
            isTrue(active == bytes32(0) || active == current, "the active certificate is the current one");
        }
    }
}
