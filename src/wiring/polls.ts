import type { CapabilityContext, CapabilityInstall } from './capability.js';

/** Installs the polls capability: services, commands, queue workers, routes. */
export function installPolls(_ctx: CapabilityContext): CapabilityInstall {
  return { name: 'polls' };
}
