// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title CidUri
/// @notice Rebuilds a stored document's URI from its 32-byte sha2-256 digest: `ipfs://` + CIDv1 (raw codec, sha2-256)
///         in multibase base32 (`b` + RFC 4648 lower case, no padding), the `ipfs://bafkrei…` the bridge stores.
library CidUri {
    bytes private constant ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    function uri(bytes32 digest) internal pure returns (string memory) {
        // CIDv1 bytes: 0x01 (version) 0x55 (raw) 0x12 (sha2-256) 0x20 (32 bytes) ‖ digest: 36 bytes → 58 base32 chars
        bytes memory cid = abi.encodePacked(bytes4(0x01551220), digest);
        bytes memory out = new bytes(7 + 1 + 58);
        bytes memory prefix = "ipfs://b";
        for (uint256 i = 0; i < 8; ++i) out[i] = prefix[i];
        for (uint256 i = 0; i < 58; ++i) {
            uint256 bit = i * 5;
            uint256 index = bit / 8;
            uint256 word = uint256(uint8(cid[index])) << 8;
            if (index + 1 < 36) word |= uint8(cid[index + 1]);
            uint256 value = (word >> (11 - (bit % 8))) & 31;
            out[8 + i] = ALPHABET[value];
        }
        return string(out);
    }
}
