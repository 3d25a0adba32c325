/** A data key wrapped under a key-encryption key; `keyId` names that KEK. */
export interface WrappedKey {
  keyId: string;
  /** Opaque text the provider can unwrap again (base64url pieces, never the raw key). */
  blob: string;
}

/**
 * Where key-encryption keys live. The default is a local keyring read from the
 * environment or a file; a KMS implements the same three calls remotely.
 * `context` is bound to the wrapped key (as AAD), so a wrapped key copied to
 * another entry does not unwrap.
 */
export interface KeyProvider {
  /** The KEK that wraps new data keys. */
  readonly activeKeyId: string;
  wrapKey(dataKey: Uint8Array, context: string): Promise<WrappedKey>;
  unwrapKey(wrapped: WrappedKey, context: string): Promise<Uint8Array>;
  /**
   * HMAC-SHA-256 of `message` (lower-case hex) under the MAC key of `keyId`, which
   * seals the audit trail: the database never holds that key, so whoever edits
   * the database cannot recompute a MAC. `keyId` is one of the provider's key ids
   * (`activeKeyId` for new MACs; older ids to check older events), so keys rotate.
   * Same message and key, same answer. The local keyring derives each MAC key
   * from its KEK with HKDF; a KMS answers with its own HMAC operation (AWS KMS
   * GenerateMac, Google Cloud KMS MacSign, Vault transit hmac). Rejects when
   * it holds no key `keyId`.
   */
  mac(keyId: string, message: string): Promise<string>;
}
