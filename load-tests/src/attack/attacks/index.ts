import type { Attack } from '../attack';
import { frameFloodAttack } from './frame-flood.attack';
import { loginFloodAttack } from './login-flood.attack';
import { mailboxFillAttack } from './mailbox-fill.attack';
import { prekeyDrainAttack } from './prekey-drain.attack';
import { slowReaderAttack } from './slow-reader.attack';
import { socketFloodAttack } from './socket-flood.attack';

/** Every attack `npm run attack` runs, in this order. */
export const ATTACKS: readonly Attack[] = [
  slowReaderAttack,
  frameFloodAttack,
  prekeyDrainAttack,
  mailboxFillAttack,
  loginFloodAttack,
  socketFloodAttack,
];

export function attacksNamed(names: readonly string[]): Attack[] {
  return names.map((name) => {
    const attack = ATTACKS.find((each) => each.name === name);
    if (attack === undefined) throw new Error(`unknown attack "${name}"; known: ${ATTACKS.map((each) => each.name).join(', ')}`);
    return attack;
  });
}
