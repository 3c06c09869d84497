import type { CapabilityContext, CapabilityInstall } from './capability.js';

/** Installs the api capability: services, commands, queue workers, routes. */
export function installApi(_ctx: CapabilityContext): CapabilityInstall {
  return { name: 'api' };
}
