// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title DemoUSDC
/// @notice A 6-decimal stand-in for USDC on local chains (`devnet`, the demo, tests). Its issuer mints, and can
///         seize (burn) a holder's balance, as real stablecoin issuers can (USDT's destroyBlackFunds): that is how the
///         demo makes the reserve vault's balance fall short. Never deploy it on a real chain.
contract DemoUSDC is ERC20 {
    address public immutable issuer;

    event Seized(address indexed holder, uint256 amount);

    error NotIssuer(address caller);

    constructor() ERC20("Demo USD Coin", "USDC") {
        issuer = msg.sender;
    }

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        if (msg.sender != issuer) revert NotIssuer(msg.sender);
        _mint(to, amount);
    }

    /// @notice The issuer burns `amount` held by `holder` (a freeze-and-destroy, as some stablecoins allow).
    function seize(address holder, uint256 amount) external {
        if (msg.sender != issuer) revert NotIssuer(msg.sender);
        _burn(holder, amount);
        emit Seized(holder, amount);
    }
}
