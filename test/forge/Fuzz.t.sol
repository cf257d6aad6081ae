// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {ICCPRegistry} from "../../adapters/evm/contracts/ICCPRegistry.sol";
import {ICCPLifecycle} from "../../adapters/evm/contracts/ICCPLifecycle.sol";
import {CCPRegistry} from "../../adapters/evm/contracts/CCPRegistry.sol";
import {AuditorStaking} from "../../adapters/evm/contracts/AuditorStaking.sol";
import {ReserveVault} from "../../adapters/evm/contracts/ReserveVault.sol";
import {TestToken} from "./mocks/TestToken.sol";
import {Base} from "./Base.sol";
import {vm} from "./Vm.sol";

/// @notice Fuzzed properties: the slash split adds up to the wei for any stake and panel; pro-rata reserves never pay
///         out more than the vault holds; the class maximum validity; the required reserve.
contract FuzzTest is Base {
    address constant BURN = 0x000000000000000000000000000000000000dEaD;

    /// This test contract plays the registry of a stand-alone AuditorStaking, so it can call `slash` directly.
    function anchorOf(bytes32) external pure returns (bool, address, bool) {
        return (false, address(0), false);
    }

    function isAuditorOf(bytes32, address) external pure returns (bool) {
        return false;
    }

    function testFuzz_slashSplitAddsUpToTheWei(uint256 stake, uint8 verifierCount) public {
        stake = 1 + stake % (1e30);
        uint256 n = verifierCount % 8;
        AuditorStaking alone = new AuditorStaking(ICCPLifecycle(address(this)), IERC20(address(usdc)), 1);
        usdc.mint(auditor, stake);
        vm.startPrank(auditor);
        usdc.approve(address(alone), stake);
        alone.bond(stake);
        alone.stake(key(bytes32("c")), stake);
        vm.stopPrank();
        address[] memory verifiers = new address[](n);
        for (uint256 i = 0; i < n; ++i) verifiers[i] = address(uint160(0x1000 + i));
        alone.slash(bytes32("c"), auditor, challenger, verifiers);

        uint256 toChallenger = usdc.balanceOf(challenger);
        uint256 toVerifiers = 0;
        for (uint256 i = 0; i < n; ++i) {
            uint256 share = usdc.balanceOf(verifiers[i]);
            uint256 expected = (stake * 50 / 100) / n + (i < (stake * 50 / 100) % n ? 1 : 0);
            eq(share, expected, "equal verifier shares, the odd units to the first ones");
            toVerifiers += share;
        }
        uint256 burned = usdc.balanceOf(BURN);
        eq(toChallenger, stake * 30 / 100, "30% rounded down");
        eq(toVerifiers, n == 0 ? 0 : stake * 50 / 100, "50% rounded down (burned with no verifier)");
        eq(toChallenger + toVerifiers + burned, stake, "nothing created or stranded");
        isTrue(burned >= stake * 20 / 100 && burned <= stake * 20 / 100 + (n == 0 ? stake * 50 / 100 + 2 : 2), "20% plus rounding");
        eq(usdc.balanceOf(address(alone)), 0, "staking holds nothing more");
    }

    function testFuzz_proRataReservesNeverOverpay(uint96 a, uint96 b, uint96 seized) public {
        uint256 first = 1 + uint256(a);
        uint256 second = 1 + uint256(b);
        uint256 loss = uint256(seized) % (first + second + 1);
        fundReserve(operator, keccak256("first"), first);
        fundReserve(otherOperator, keccak256("second"), second);
        usdc.burnFrom(address(vault), loss);
        (,, uint256 backingFirst,,) = vault.reserveOf(keccak256("first"), operator);
        (,, uint256 backingSecond,,) = vault.reserveOf(keccak256("second"), otherOperator);
        isTrue(backingFirst + backingSecond <= first + second - loss, "backing never exceeds the balance");
        if (loss == 0) isTrue(backingFirst == first && backingSecond == second, "whole when nothing is missing");
        vm.prank(operator);
        vault.withdraw(keccak256("first"));
        eq(usdc.balanceOf(operator), backingFirst, "paid the backed part");
        vm.prank(otherOperator);
        vault.withdraw(keccak256("second"));
        isTrue(usdc.balanceOf(otherOperator) >= backingSecond, "a later withdrawal is not worse off");
        eq(usdc.balanceOf(operator) + usdc.balanceOf(otherOperator) + usdc.balanceOf(address(vault)), first + second - loss, "conserved");
        eq(vault.totalHeld(address(usdc)), 0, "books closed");
    }

    function testFuzz_classMaximumValidity(uint8 klass, uint16 hoursValid) public {
        ICCPRegistry.CertificateClass c = ICCPRegistry.CertificateClass(1 + klass % 3);
        uint256 validity = (1 + uint256(hoursValid) % (100 * 24)) * 1 hours;
        uint256 maximum = registry.maxValidity(c);
        ICCPRegistry.PublishParams memory p = params("window", operator, c, 1, 1);
        p.expiresAt = uint48(p.issuedAt + validity);
        if (c != ICCPRegistry.CertificateClass.C1) return; // C2/C3 also need an auditor: the window check comes first
        fundReserve(operator, p.certHash, 1 * USDC);
        vm.prank(operator);
        if (validity > maximum) {
            vm.expectRevert(abi.encodeWithSelector(CCPRegistry.ClassMaximumExceeded.selector, c, validity, maximum));
        }
        registry.publish(p, "", noSigs());
    }

    function testFuzz_windowRefusedForEveryClass(uint8 klass, uint16 extraHours) public {
        ICCPRegistry.CertificateClass c = ICCPRegistry.CertificateClass(1 + klass % 3);
        uint256 maximum = registry.maxValidity(c);
        uint256 validity = maximum + 1 + uint256(extraHours) * 1 hours;
        ICCPRegistry.PublishParams memory p = params("too-long", agent, c, 1, 1);
        p.expiresAt = uint48(p.issuedAt + validity);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(CCPRegistry.ClassMaximumExceeded.selector, c, validity, maximum));
        registry.publish(p, "", noSigs());
    }

    function testFuzz_requiredReserve(uint128 bound, uint8 klass, uint8 decimals) public view {
        ICCPRegistry.CertificateClass c = ICCPRegistry.CertificateClass(1 + klass % 3);
        uint256 d = decimals % 19;
        uint256 ratio = c == ICCPRegistry.CertificateClass.C1 ? 1 : c == ICCPRegistry.CertificateClass.C2 ? 3 : 5;
        eq(registry.requiredReserve(c, bound, uint8(d)), uint256(bound) * ratio * 10 ** d, "bound x ratio x 10^decimals");
    }
}
