import type { Command } from 'commander';

/**
 * `kring demo`: starts the server in demo mode (`KRING_DEMO=1`): a demo association in the embedded
 * database (members, chapters, web channels, a poll with votes, news), and a one-time link on the terminal
 * that signs you in to the web community as its community manager. Runs until stopped (Ctrl-C).
 */
export function registerDemoCommand(program: Command, io: { env: Record<string, string | undefined> }): void {
  program
    .command('demo')
    .description('start Kring with a demo association and sign in as its manager in the browser (no accounts needed)')
    .addHelpText('after', '\nEverything Kring does, tried in the browser: the link printed on the terminal signs you in. Stop with Ctrl-C.\n')
    .action(async () => {
      // Loaded only now: the rest of the CLI never needs the server.
      const { runServer } = await import('../main.js');
      runServer({ ...io.env, KRING_DEMO: '1' });
    });
}
