import { describe, expect, it } from 'vitest';
import { signKringWebhook, verifyKringSignature } from './webhook-signature.js';

const secret = 'whsec_test';
const body = JSON.stringify({ id: 'e1', type: 'member.linked', data: { name: 'Jan' } });
const t = 1_735_689_600;

describe('verifyKringSignature', () => {
  it('accepts a signature made with the secret over the same bytes', () => {
    expect(verifyKringSignature(secret, signKringWebhook(secret, body, t), body, 300, t + 10)).toBe(true);
    expect(verifyKringSignature(secret, signKringWebhook(secret, body, t), Buffer.from(body), 300, t)).toBe(true);
  });

  it('rejects another secret, a changed body or a changed timestamp', () => {
    const header = signKringWebhook(secret, body, t);
    expect(verifyKringSignature('whsec_other', header, body, 300, t)).toBe(false);
    expect(verifyKringSignature(secret, header, body.replace('Jan', 'Piet'), 300, t)).toBe(false);
    expect(verifyKringSignature(secret, header.replace(`t=${t}`, `t=${t + 1}`), body, 300, t)).toBe(false);
  });

  it('rejects a delivery older or newer than the tolerance (replay)', () => {
    const header = signKringWebhook(secret, body, t);
    expect(verifyKringSignature(secret, header, body, 300, t + 301)).toBe(false);
    expect(verifyKringSignature(secret, header, body, 300, t - 301)).toBe(false);
    expect(verifyKringSignature(secret, header, body, 300, t + 300)).toBe(true);
  });

  it('accepts any one matching v1 among several (secret rotation)', () => {
    const good = signKringWebhook(secret, body, t).split(',')[1]!;
    expect(verifyKringSignature(secret, `t=${t},v1=${'0'.repeat(64)},${good}`, body, 300, t)).toBe(true);
  });

  it('returns false for malformed headers instead of throwing', () => {
    for (const header of [undefined, null, '', 'garbage', `t=${t}`, `v1=${'a'.repeat(64)}`, `t=abc,v1=${'a'.repeat(64)}`, `t=${t},v1=xyz`, 't=,v1=']) {
      expect(verifyKringSignature(secret, header, body, 300, t)).toBe(false);
    }
    expect(verifyKringSignature('', signKringWebhook('', body, t), body, 300, t)).toBe(false);
  });
});
