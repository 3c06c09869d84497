import type { CapabilityContext, CapabilityInstall } from './capability.js';

/** Installs the insights capability: services, commands, queue workers, routes. */
export function installInsights(_ctx: CapabilityContext): CapabilityInstall {
  return { name: 'insights' };
}
