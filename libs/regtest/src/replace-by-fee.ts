import type { Mempool, MempoolEntry, Transaction } from 'bcoin';

/** BIP-125: an input sequence below this signals that the transaction may be replaced. */
const MAX_REPLACEABLE_SEQUENCE = 0xffff_fffd;
/** BIP-125's incremental relay fee: a replacement pays for its own size on top of what it evicts. */
const INCREMENTAL_SAT_PER_VBYTE = 1;

/**
 * Gives bcoin's mempool BIP-125 replacement. bcoin 1.0.2 takes transactions that signal
 * replaceability (though its isRBF() ignores version 2 transactions) but refuses any that spends what a mempool transaction already spends;
 * Bitcoin Core, which the payments service is written against, replaces them. So before
 * bcoin looks at a transaction, the mempool transactions it conflicts with are evicted
 * (with their descendants) when every one of them signals replaceability and the newcomer
 * pays more than all of them together plus its own size at the incremental rate.
 * Otherwise bcoin refuses it as before.
 */
export function enableReplaceByFee(mempool: Mempool): void {
  const addTX = mempool.addTX.bind(mempool);
  mempool.addTX = async (transaction, id) => {
    const conflicts = new Set<MempoolEntry>();
    for (const { prevout } of transaction.inputs) {
      const spender = mempool.getSpent(prevout.hash, prevout.index);
      if (spender !== undefined) conflicts.add(spender);
    }
    if (conflicts.size > 0 && [...conflicts].every((entry) => signalsReplacement(entry.tx))) {
      const fee = transaction.getFee(await mempool.getCoinView(transaction));
      const evicted = [...conflicts].reduce((sum, entry) => sum + entry.fee, 0);
      if (fee >= evicted + transaction.getVirtualSize() * INCREMENTAL_SAT_PER_VBYTE) {
        for (const entry of conflicts) mempool.evictEntry(entry);
      }
    }
    return addTX(transaction, id);
  };
}

/** BIP-125's signal, read from the sequences: bcoin's own isRBF() says no for every version 2 transaction. */
function signalsReplacement(transaction: Transaction): boolean {
  return transaction.inputs.some(({ sequence }) => sequence <= MAX_REPLACEABLE_SEQUENCE);
}
