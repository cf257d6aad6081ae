// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice A hostile ERC-20: on each transfer it first makes the call it was armed with (a re-entry into the vault or
///         the escrow), and records whether that call succeeded and what it returned.
contract ReentrantToken is ERC20 {
    address public target;
    bytes public payload;
    bool public attempted;
    bool public reentered;
    bytes public reentryError;

    constructor() ERC20("Reentrant", "EVIL") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target_, bytes calldata payload_) external {
        target = target_;
        payload = payload_;
        attempted = false;
        reentered = false;
    }

    function _update(address from, address to, uint256 value) internal override {
        address armedTarget = target;
        if (armedTarget != address(0) && !attempted) {
            attempted = true;
            (bool ok, bytes memory result) = armedTarget.call(payload);
            reentered = ok;
            reentryError = result;
        }
        super._update(from, to, value);
    }
}
