/** A remote device: the account's name (for Coming, its account ID) and the device number. */
export interface ProtocolAddress {
  name: string;
  deviceId: number;
}

export function protocolAddressKey(address: ProtocolAddress): string {
  return `${address.name}.${address.deviceId}`;
}
