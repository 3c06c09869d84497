import type { Command } from 'commander';
import { UsageError } from '../capability-cli.js';
import type { Database } from '../infra/database/database.js';
import { generateSecret } from '../infra/secrets/aes-gcm.secret-box.js';
import { resealStoredSecrets, type StoredSecretsReport } from '../infra/secrets/stored-secrets.js';
import type { SecretBox } from '../kernel/ports/secret-box.js';

/**
 * `kring secrets status|rotate|generate`: the encryption at rest of the secrets Kring keeps in its
 * database (see src/infra/secrets).
 *
 * Rotating a key: generate a new one, start Kring with `KRING_SECRET=<new>` and
 * `KRING_SECRET_PREVIOUS=<old>`, run `kring secrets rotate` (with the same variables), then drop
 * `KRING_SECRET_PREVIOUS`.
 */

/** What the sub-commands need from the CLI (opened on first use, so `--help` opens nothing). */
export interface SecretsCommandHost {
  db(): Promise<Database>;
  secrets(): Promise<SecretBox>;
  out(line?: string): void;
}

/** Adds `secrets …` to the `kring` program. */
export function registerSecretsCommand(program: Command, host: SecretsCommandHost): void {
  const secrets = program
    .command('secrets')
    .description('encryption of the secrets stored in the database (Slack tokens, signing keys)')
    .addHelpText(
      'after',
      '\nTo rotate the key: set KRING_SECRET to a new key and KRING_SECRET_PREVIOUS to the old one, restart Kring,\n' +
        'run `kring secrets rotate`, then remove KRING_SECRET_PREVIOUS.',
    )
    .exitOverride();

  secrets
    .command('status')
    .description('show which keys the stored secrets are sealed with (changes nothing)')
    .action(async () => {
      const box = await host.secrets();
      const report = await resealStoredSecrets((await host.db()).prisma, box, { rotate: true, dryRun: true });
      host.out(`Current key (KRING_SECRET): ${box.currentKeyId}`);
      host.out(`Previous keys (KRING_SECRET_PREVIOUS): ${box.keyIds.slice(1).join(', ') || 'none'}`);
      printCounts(host, report);
      if (report.unreadable.length > 0) throw unreadable(report);
    });

  secrets
    .command('rotate')
    .description('seal every stored secret with the current key (also encrypts any still in clear)')
    .action(async () => {
      const box = await host.secrets();
      const report = await resealStoredSecrets((await host.db()).prisma, box, { rotate: true });
      host.out(`Sealed with key ${box.currentKeyId}: ${report.resealed} re-sealed from a previous key, ${report.sealed} encrypted from clear text, ${report.current} already current.`);
      if (report.unreadable.length > 0) throw unreadable(report);
      if (box.keyIds.length > 1) host.out('Every stored secret now uses the current key: KRING_SECRET_PREVIOUS can be removed.');
    });

  secrets
    .command('generate')
    .description('print a new random key for KRING_SECRET (the same as `openssl rand -base64 32`)')
    .action(() => host.out(generateSecret()));
}

function printCounts(host: SecretsCommandHost, r: StoredSecretsReport): void {
  host.out(`Stored secrets: ${r.current} with the current key, ${r.previous} with a previous key, ${r.clear} in clear, ${r.unreadable.length} unreadable.`);
  if (r.previous + r.clear > 0) host.out('Run `kring secrets rotate` to seal them all with the current key.');
}

function unreadable(r: StoredSecretsReport): UsageError {
  const lines = r.unreadable.map((u) => `  ${u.place}: ${u.code === 'SECRETS.UNKNOWN_KEY' ? `sealed with key ${u.keyId ?? '?'}, which is not configured` : 'does not open (changed or moved)'}`);
  return new UsageError(
    `${r.unreadable.length} stored secret(s) cannot be opened with the configured keys:\n${lines.join('\n')}\n` +
      'Put the key they were sealed with in KRING_SECRET_PREVIOUS (comma-separated) and run this again.',
  );
}
