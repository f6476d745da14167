// The local EVM chain of tests and demos: hardhat's in-memory network, served by `hardhat
// node`. Nothing is compiled by hardhat (tools/compile-contracts.mjs builds the token).
module.exports = {
  networks: {
    hardhat: { chainId: 31337 },
  },
};
