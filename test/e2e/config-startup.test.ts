import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * What an operator sees when a platform's variables do not fit together: the configuration message and exit
 * code 78 (EX_CONFIG) before the database is opened, never a stack trace after the migrations.
 */
const root = join(import.meta.dirname, '..', '..');

async function runMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', PORT: '0', HOST: '127.0.0.1', KRING_DATA_DIR: '/nonexistent/kring-must-not-open', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stderr, stdout };
}

describe('start-up with platform variables that do not fit together', () => {
  it('stops a UserAssignedMSI Teams app without a tenant with the configuration message and exit 78', async () => {
    const run = await runMain({ MICROSOFT_APP_ID: '00000000-0000-4000-8000-000000000001', MICROSOFT_APP_TYPE: 'UserAssignedMSI' });

    expect(run.code).toBe(78);
    expect(run.stderr).toContain('MICROSOFT_APP_TENANT_ID');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).not.toContain('migration');
  });

  it('names the conflict when both Slack modes are configured', async () => {
    const run = await runMain({
      SLACK_BOT_TOKEN: 'xoxb-secret-token-value',
      SLACK_SIGNING_SECRET: 'signing-secret-value',
      SLACK_CLIENT_ID: '1111.2222',
      SLACK_CLIENT_SECRET: 'client-secret-value',
      SLACK_STATE_SECRET: 'state-secret-of-enough-length',
    });

    expect(run.code).toBe(78);
    expect(run.stderr).toMatch(/SLACK_BOT_TOKEN conflicts with SLACK_CLIENT_ID/);
    expect(run.stderr).not.toMatch(/secret-value|xoxb-secret/);
  });
});
