import { KringError } from '../errors.js';

/**
 * Encryption at rest for the secrets Kring keeps in its own database: Slack OAuth installations (bot
 * tokens), the per-organisation keys that make anonymous voter keys and sign dashboard sessions, outgoing
 * webhook signing secrets. A database dump or backup then holds no usable secret without the key from the
 * environment (`KRING_SECRET`).
 *
 * Every sealed value is a self-describing envelope naming its format version and the id of the key that
 * sealed it, so keys can rotate: values sealed with a previous key still open (while that key is
 * configured as previous), and `kring secrets rotate` seals them again with the current one.
 *
 * `context` names the place a value is stored (`workspace.installation:slack:T0123`,
 * `organization_setting:<org>:<key>`); it is authenticated, not stored, so an envelope copied into another
 * row or another organisation does not open. Callers build it from the row's identity, never from input.
 *
 * Deliberately left out: key management services (the methods are asynchronous so one can be added
 * behind this port), searching or comparing sealed values (each seal is randomised), and secrets that are
 * only ever compared (API tokens, link codes: those are stored as hashes, not sealed).
 */
export interface SecretBox {
  /** Encrypts `plaintext` with the current key for the place `context` names; returns the envelope to store. */
  seal(plaintext: string, context: string): Promise<string>;
  /**
   * Decrypts an envelope written by {@link seal} for the same `context`, with whichever configured key
   * sealed it. Rejects with {@link SecretBoxError}: `SECRETS.UNKNOWN_KEY` when no configured key has the
   * envelope's key id, `SECRETS.TAMPERED` when the envelope, the context or the key do not match.
   */
  open(envelope: string, context: string): Promise<string>;
  /** Whether a stored value is an envelope; anything else is clear text stored before encryption. */
  isSealed(value: unknown): value is string;
  /** The key id an envelope names (undefined for anything that is not an envelope). */
  keyIdOf(envelope: string): string | undefined;
  /** The id of the key new values are sealed with. */
  readonly currentKeyId: string;
  /** Every key id that opens envelopes: the current one first, then the previous ones. */
  readonly keyIds: readonly string[];
}

/** A sealed secret that cannot be opened (see {@link SecretBox.open}). Never carries the secret itself. */
export class SecretBoxError extends KringError {
  constructor(code: 'SECRETS.UNKNOWN_KEY' | 'SECRETS.TAMPERED' | 'SECRETS.MALFORMED', message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
  }
}
