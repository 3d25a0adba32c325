/** A data key wrapped under a key-encryption key; `keyId` names that KEK. */
export interface WrappedKey {
  keyId: string;
  /** Opaque text the provider can unwrap again (base64url pieces, never the raw key). */
  blob: string;
}

/**
 * Where key-encryption keys live. The default is a local keyring read from the
 * environment or a file; a KMS implements the same two calls remotely.
 * `context` is bound to the wrapped key (as AAD), so a wrapped key copied to
 * another entry does not unwrap.
 */
export interface KeyProvider {
  /** The KEK that wraps new data keys. */
  readonly activeKeyId: string;
  wrapKey(dataKey: Uint8Array, context: string): Promise<WrappedKey>;
  unwrapKey(wrapped: WrappedKey, context: string): Promise<Uint8Array>;
}
