import type { CapabilityContext, CapabilityInstall } from './capability.js';

/** Installs the news capability: services, commands, queue workers, routes. */
export function installNews(_ctx: CapabilityContext): CapabilityInstall {
  return { name: 'news' };
}
