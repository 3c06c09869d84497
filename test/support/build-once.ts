import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Global set-up of the integration project: brings dist/ up to date once, before any test file runs. The
 * tests start Kring and its CLI as processes through the compiled build (bin/kring.mjs, scripts/start.mjs),
 * which rebuild it themselves when a source changed since; doing it here first means no test's process
 * pays for a build (or writes its log line to a stderr the test reads), e.g. in CI's second run on another
 * Node version, whose build differs.
 */
export default function buildOnce(): void {
  execFileSync(process.execPath, [join(import.meta.dirname, '..', '..', 'scripts', 'build.mjs'), '--if-needed'], { stdio: 'inherit' });
}
