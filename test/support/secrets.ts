import { AesGcmSecretBox } from '../../src/infra/secrets/aes-gcm.secret-box.js';

/** The key tests seal with (fixed, so a test can open what another part of the same test stored). */
export const TEST_KRING_SECRET = Buffer.alloc(32, 7).toString('base64');

/** The secret box over {@link TEST_KRING_SECRET}: what src/main.ts builds from KRING_SECRET. */
export const testSecretBox = new AesGcmSecretBox({ current: TEST_KRING_SECRET });
