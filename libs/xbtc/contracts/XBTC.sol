// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/**
 * X-BTC: BTC on an EVM chain, one unit per satoshi (8 decimals), moved without the sender
 * holding any gas coin.
 *
 * The sender signs an EIP-712 TransferWithFee authorization: who is paid, how much, the fee
 * the submitter earns, a validity window and a random 32-byte nonce (EIP-3009's scheme:
 * unordered, so several payments can be in flight, and no allowance is ever granted). Anyone
 * may submit it and pay the gas; the submitter (the operator's relayer) receives exactly the
 * fee the sender signed. EIP-3009 alone signs a transfer to one recipient, and EIP-2612
 * permit needs a forwarder contract and an allowance; a fee inside the one signed message is
 * what makes "the fee the user sees and signs" hold on chain.
 *
 * Minting is the bridge's: the owner mints against BTC locked elsewhere and burns on the way
 * out. The bridge is an external system; in tests and demos the owner stands in for it.
 */
contract XBTC is ERC20, Ownable, EIP712 {
    bytes32 public constant TRANSFER_WITH_FEE_TYPEHASH =
        keccak256(
            "TransferWithFee(address from,address to,uint256 value,uint256 fee,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
        );
    bytes32 public constant CANCEL_AUTHORIZATION_TYPEHASH =
        keccak256("CancelAuthorization(address authorizer,bytes32 nonce)");

    /// Whether an authorizer's nonce was used or cancelled; each authorization counts once.
    mapping(address authorizer => mapping(bytes32 nonce => bool used)) public authorizationState;

    event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce);
    event AuthorizationCanceled(address indexed authorizer, bytes32 indexed nonce);

    error AuthorizationNotYetValid(uint256 validAfter);
    error AuthorizationExpired(uint256 validBefore);
    error AuthorizationAlreadyUsed(address authorizer, bytes32 nonce);
    error InvalidSignature();

    constructor(address bridge) ERC20("X-BTC", "XBTC") Ownable(bridge) EIP712("X-BTC", "1") {}

    /// One unit is one satoshi.
    function decimals() public pure override returns (uint8) {
        return 8;
    }

    /// The bridge mints against BTC it holds.
    function mint(address to, uint256 value) external onlyOwner {
        _mint(to, value);
    }

    /// The bridge burns what it releases as BTC.
    function burn(address from, uint256 value) external onlyOwner {
        _burn(from, value);
    }

    /// Pays `to` `value` from `from`, and the caller `fee`, as `from` signed.
    function transferWithFee(
        address from,
        address to,
        uint256 value,
        uint256 fee,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external {
        if (block.timestamp <= validAfter) revert AuthorizationNotYetValid(validAfter);
        if (block.timestamp >= validBefore) revert AuthorizationExpired(validBefore);
        bytes32 structHash = keccak256(
            abi.encode(TRANSFER_WITH_FEE_TYPEHASH, from, to, value, fee, validAfter, validBefore, nonce)
        );
        _useAuthorization(from, nonce, structHash, signature);
        emit AuthorizationUsed(from, nonce);
        _transfer(from, to, value);
        if (fee > 0) _transfer(from, msg.sender, fee);
    }

    /// Burns a nonce the authorizer signed away, so that an authorization it leaked never runs.
    function cancelAuthorization(address authorizer, bytes32 nonce, bytes calldata signature) external {
        _useAuthorization(authorizer, nonce, keccak256(abi.encode(CANCEL_AUTHORIZATION_TYPEHASH, authorizer, nonce)), signature);
        emit AuthorizationCanceled(authorizer, nonce);
    }

    /// The EIP-712 domain separator of this token on this chain (name "X-BTC", version "1").
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function _useAuthorization(address authorizer, bytes32 nonce, bytes32 structHash, bytes calldata signature) private {
        if (authorizationState[authorizer][nonce]) revert AuthorizationAlreadyUsed(authorizer, nonce);
        if (!SignatureChecker.isValidSignatureNow(authorizer, _hashTypedDataV4(structHash), signature)) revert InvalidSignature();
        authorizationState[authorizer][nonce] = true;
    }
}
