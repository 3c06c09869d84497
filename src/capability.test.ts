import { describe, expect, it } from 'vitest';
import { buildCapabilities, defineCapability, type CapabilityContext } from './capability.js';
import { capabilities } from './capabilities.js';
import { InProcessEventBus } from './kernel/events.js';

/** A context whose parts a capability under test never touches (these capabilities only use the bus and the logger). */
function context(bus: InProcessEventBus): CapabilityContext {
  const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => logger };
  return { logger, bus } as unknown as CapabilityContext;
}

describe(buildCapabilities.name, () => {
  it('builds in list order, with options by name, and subscribes each capability\'s listeners in that order', async () => {
    const order: string[] = [];
    const heard: string[] = [];
    const make = (name: string) =>
      defineCapability({
        name,
        build(_ctx, options?: { note: string }) {
          order.push(`${name}:${options?.note ?? '-'}`);
          return { on: { 'member.lapsed': () => void heard.push(name) } };
        },
      });
    const bus = new InProcessEventBus({ error: () => undefined });
    const sut = buildCapabilities([make('a'), make('b')] as const, context(bus), { b: { note: 'tuned' } });
    expect(order).toEqual(['a:-', 'b:tuned']);
    expect(sut.all.map((p) => p.name)).toEqual(['a', 'b']);
    await bus.publish('member.lapsed', { member: {} as never, identities: [] });
    expect(heard).toEqual(['a', 'b']);
  });

  it('refuses a capability listed twice', () => {
    const c = defineCapability({ name: 'same', build: () => ({}) });
    expect(() => buildCapabilities([c, c], context(new InProcessEventBus({ error: () => undefined })))).toThrow(/listed twice/);
  });
});

describe('the capability list', () => {
  it('names every capability once, with its texts in both languages where it has any', () => {
    const names = capabilities.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const c of capabilities) if (c.texts) expect(Object.keys(c.texts).sort()).toEqual(['en', 'nl']);
  });
});
