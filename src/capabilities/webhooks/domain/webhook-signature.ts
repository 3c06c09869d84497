import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signing of outgoing webhooks, in the scheme Stripe uses: the header
 * `Kring-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` where the HMAC key is the endpoint's secret and
 * the message is `<t>.<raw body>`. The timestamp is inside the signed message, so a captured delivery
 * cannot be replayed later than the receiver's tolerance. Receivers verify with {@link verifyKringSignature}
 * (docs/API.md has a copy to paste into any Node.js receiver).
 */

/** The header carrying the signature. */
export const SIGNATURE_HEADER = 'Kring-Signature';

/** Default replay window of {@link verifyKringSignature}: five minutes, as Stripe's. */
export const DEFAULT_SIGNATURE_TOLERANCE_SEC = 300;

function hmacHex(secret: string, timestamp: number, body: string | Uint8Array): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestamp}.`, 'utf8');
  mac.update(body);
  return mac.digest('hex');
}

/** The `Kring-Signature` header value for `body` sent at `timestampSec` (unix seconds). */
export function signKringWebhook(secret: string, body: string | Uint8Array, timestampSec: number): string {
  return `t=${timestampSec},v1=${hmacHex(secret, timestampSec, body)}`;
}

/**
 * Verifies a webhook delivery, for receivers. `body` must be the raw request body exactly as received
 * (bytes or the undecoded string), not re-serialised JSON. True when the header carries a `v1` signature
 * made with `secret` over `<t>.<body>` and `t` lies within `toleranceSec` of `nowSec` (either side, for
 * clock skew). Several `v1=` entries are allowed (during secret rotation); one match suffices.
 * Comparison is in constant time. Never throws on malformed input: it returns false.
 *
 * @example
 * app.post('/kring', express.raw({ type: 'application/json' }), (req, res) => {
 *   if (!verifyKringSignature(process.env.KRING_WEBHOOK_SECRET!, req.get('kring-signature'), req.body, 300)) {
 *     return res.sendStatus(400);
 *   }
 *   const event = JSON.parse(req.body.toString('utf8'));
 *   res.sendStatus(204);
 * });
 */
export function verifyKringSignature(
  secret: string,
  header: string | null | undefined,
  body: string | Uint8Array,
  toleranceSec: number = DEFAULT_SIGNATURE_TOLERANCE_SEC,
  nowSec: number = Math.floor(Date.now() / 1000),
): boolean {
  if (typeof header !== 'string' || typeof secret !== 'string' || secret === '') return false;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined || signatures.length === 0) return false;
  if (!(toleranceSec >= 0) || Math.abs(nowSec - timestamp) > toleranceSec) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  let ok = false;
  for (const signature of signatures) {
    // No early exit: every candidate is compared, so timing says nothing about which one matched.
    if (timingSafeEqual(expected, Buffer.from(signature, 'hex'))) ok = true;
  }
  return ok;
}
