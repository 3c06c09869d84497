import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretBoxError } from '../../kernel/ports/secret-box.js';
import { AesGcmSecretBox, decodeSecret, generateSecret } from './aes-gcm.secret-box.js';

const OLD = Buffer.alloc(32, 1).toString('base64');
const NEW = Buffer.alloc(32, 2).toString('base64');
const CONTEXT = 'workspace.installation:slack:T0123';

async function openError(box: AesGcmSecretBox, envelope: string, context = CONTEXT): Promise<SecretBoxError> {
  const err = await box.open(envelope, context).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SecretBoxError);
  return err as SecretBoxError;
}

describe(AesGcmSecretBox.name, () => {
  const sut = new AesGcmSecretBox({ current: NEW });

  it('opens what it sealed, for the same context', async () => {
    const envelope = await sut.seal('xoxb-123-secret', CONTEXT);
    expect(await sut.open(envelope, CONTEXT)).toBe('xoxb-123-secret');
  });

  it('stores the format version and the key id in the envelope, and never the plaintext', async () => {
    const envelope = await sut.seal('xoxb-123-secret', CONTEXT);
    const [format, version, keyId, iv, ciphertext, tag] = envelope.split(':');
    expect([format, version, keyId]).toEqual(['kring-secret', 'v1', sut.currentKeyId]);
    expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(ciphertext!, 'base64url').toString('latin1')).not.toContain('xoxb');
    expect(envelope).not.toContain('xoxb');
    expect(sut.isSealed(envelope)).toBe(true);
    expect(sut.keyIdOf(envelope)).toBe(sut.currentKeyId);
  });

  it('uses a fresh random IV for every seal', async () => {
    const envelopes = await Promise.all(Array.from({ length: 50 }, () => sut.seal('same', CONTEXT)));
    const ivs = new Set(envelopes.map((e) => e.split(':')[3]));
    expect(ivs.size).toBe(50);
  });

  it('derives a key id that says nothing about the key, the same for the same key', () => {
    const again = new AesGcmSecretBox({ current: NEW });
    expect(again.currentKeyId).toBe(sut.currentKeyId);
    expect(new AesGcmSecretBox({ current: OLD }).currentKeyId).not.toBe(sut.currentKeyId);
    expect(sut.currentKeyId).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(NEW).not.toContain(sut.currentKeyId);
  });

  it('refuses an envelope moved to another place (the context is authenticated)', async () => {
    const envelope = await sut.seal('secret', 'organization_setting:org-a:polls.voterKeySecret');
    const err = await openError(sut, envelope, 'organization_setting:org-b:polls.voterKeySecret');
    expect(err.code).toBe('SECRETS.TAMPERED');
  });

  it('refuses any change to the envelope', async () => {
    const envelope = await sut.seal('a secret of some length', CONTEXT);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: envelope.length - 1 }), fc.constantFrom(...'AQgw_-:x0'), async (at, char) => {
        fc.pre(envelope[at] !== char);
        const changed = envelope.slice(0, at) + char + envelope.slice(at + 1);
        await expect(sut.open(changed, CONTEXT)).rejects.toBeInstanceOf(SecretBoxError);
      }),
      { seed: 21, numRuns: 1000 },
    );
  });

  it('opens every plaintext it sealed, whatever the text and the context', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ maxLength: 80 }), async (plaintext, context) => {
        expect(await sut.open(await sut.seal(plaintext, context), context)).toBe(plaintext);
      }),
      { seed: 21, numRuns: 200 },
    );
  });

  it('opens values sealed with a previous key and seals new ones with the current key (rotation)', async () => {
    const before = new AesGcmSecretBox({ current: OLD });
    const sealedBefore = await before.seal('old token', CONTEXT);
    const rotated = new AesGcmSecretBox({ current: NEW, previous: [OLD] });
    expect(await rotated.open(sealedBefore, CONTEXT)).toBe('old token');
    expect(rotated.keyIdOf(await rotated.seal('new token', CONTEXT))).toBe(sut.currentKeyId);
    expect(rotated.keyIds).toEqual([sut.currentKeyId, before.currentKeyId]);
  });

  it('names the key id when no configured key sealed the value, without the secret', async () => {
    const before = new AesGcmSecretBox({ current: OLD });
    const err = await openError(sut, await before.seal('old token', CONTEXT));
    expect(err.code).toBe('SECRETS.UNKNOWN_KEY');
    expect(err.message).toContain(before.currentKeyId);
    expect(err.message).not.toContain('old token');
  });

  it('refuses an envelope of a newer format and one that is not an envelope', async () => {
    const envelope = await sut.seal('x', CONTEXT);
    expect((await openError(sut, envelope.replace(':v1:', ':v2:'))).message).toContain('newer Kring');
    expect((await openError(sut, 'xoxb-in-clear')).code).toBe('SECRETS.MALFORMED');
    expect(sut.isSealed('xoxb-in-clear')).toBe(false);
    expect(sut.isSealed({ bot: { token: 'xoxb' } })).toBe(false);
  });

  it('refuses keys that are not base64 of at least 32 bytes, naming none of them', () => {
    expect(() => new AesGcmSecretBox({ current: 'hunter2' })).toThrow('the current secret is not base64 of at least 32 bytes');
    expect(() => new AesGcmSecretBox({ current: NEW, previous: [Buffer.alloc(16).toString('base64')] })).toThrow('previous secret #1');
    expect(decodeSecret('not base64 at all!')).toBeUndefined();
    expect(decodeSecret(generateSecret())).toHaveLength(32);
    expect(decodeSecret(Buffer.alloc(32, 9).toString('base64url'))).toEqual(Buffer.alloc(32, 9));
  });
});
