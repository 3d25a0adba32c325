import type { Request } from 'express';
import type { Actor, Latchkey } from '../../core/index.ts';

/** How a non-Node host proves who the user is: a short-lived JWT it signs. */
export interface EmbedOptions {
  /** `iss` the host puts in its tokens. */
  issuer: string;
  /** `aud` the host puts in its tokens (this Latchkey installation). */
  audience: string;
  /** Shared secret for HS256 (WHMCS bridge) ... */
  secret?: string;
  /** ...or a PEM public key for RS256 (Zendesk signed URLs). */
  publicKeyPem?: string;
}

export interface MountOptions {
  latchkey: Latchkey;
  /** Where Latchkey's routes live in the host app, e.g. `/latchkey`. */
  basePath: string;
  /**
   * In-process hosts: who is making this request (from the host's own session),
   * or null when nobody is logged in.
   */
  identify?: (req: Request) => Actor | null | Promise<Actor | null>;
  /** At least 32 characters; signs CSRF tokens and frame sessions. */
  secret: string;
  /** Non-Node hosts that frame Latchkey pages. */
  embed?: EmbedOptions;
  /** Origins allowed to frame Latchkey's pages (CSP frame-ancestors). Default: same origin only. */
  frameAncestors?: string[];
  /** Seconds before a copied password is cleared from the clipboard (default 30). */
  clipboardClearSeconds?: number;
  /** Minutes a frame session lasts after the embed token is exchanged (default 30). */
  frameSessionMinutes?: number;
}
