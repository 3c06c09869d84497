import { Option, type Command } from 'commander';
import { PROCESS_ROLES } from '../config/env.js';

/**
 * `kring start [--roles http,workers]`: starts the server as `npm start` does, with `--roles` in place of
 * `KRING_ROLES` (the flag wins). The value is checked with the rest of the configuration (src/config/env.ts),
 * so a bad role, or a split set of roles without REDIS_URL, stops with the same message naming the key.
 */
export function registerStartCommand(program: Command, io: { env: Record<string, string | undefined> }): void {
  program
    .command('start')
    .description('start the Kring server (all roles, or only some: --roles http,workers)')
    .addOption(new Option('--roles <roles>', `what this process runs: all, or a comma-separated list of ${PROCESS_ROLES.join(', ')} (default: KRING_ROLES, else all)`))
    .addHelpText(
      'after',
      '\nRoles: http (platform webhooks, API, dashboard, web community), workers (queue jobs), gateway (Discord gateway shards),\n' +
        'schedulers (repeating jobs). Several processes with some roles each need REDIS_URL and DATABASE_URL (docs/SCALING.md).\n',
    )
    .action(async (opts: { roles?: string }) => {
      // Loaded only now: the rest of the CLI never needs the server.
      const { runServer } = await import('../main.js');
      // The server keeps the process alive and exits itself on SIGTERM (as `kring demo`).
      runServer({ ...io.env, ...(opts.roles === undefined ? {} : { KRING_ROLES: opts.roles }) });
    });
}
