/** What a directory hands out for one device; every key serialized (`0x05 ‖ 32`, `0x08 ‖ raw`). */
export interface PreKeyBundle {
  registrationId: number;
  deviceId: number;
  identityKey: Uint8Array;
  signedPreKeyId: number;
  signedPreKey: Uint8Array;
  /** XEdDSA by the identity key over the serialized signed prekey. */
  signedPreKeySignature: Uint8Array;
  preKeyId?: number;
  preKey?: Uint8Array;
  kyberPreKeyId: number;
  kyberPreKey: Uint8Array;
  /** XEdDSA by the identity key over the serialized Kyber prekey. */
  kyberPreKeySignature: Uint8Array;
}
