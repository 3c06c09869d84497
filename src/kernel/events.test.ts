import { describe, expect, it } from 'vitest';
import type { Member, PlatformIdentity } from './community.js';
import { InProcessEventBus } from './events.js';

const member = { id: 'm1', organizationId: 'o1' } as Member;
const identity = { id: 'i1', memberId: 'm1' } as PlatformIdentity;

function recordingLog() {
  const lines: { obj: object; msg: string | undefined }[] = [];
  return { lines, logger: { error: (obj: object | string, msg?: string) => void lines.push({ obj: typeof obj === 'string' ? {} : obj, msg }) } };
}

describe(InProcessEventBus.name, () => {
  it('calls listeners one after another, in the order they subscribed, and awaits each', async () => {
    const sut = new InProcessEventBus(recordingLog().logger);
    const calls: string[] = [];
    sut.on('member.linked', async () => {
      await new Promise((r) => setTimeout(r, 20));
      calls.push('first');
    });
    sut.on('member.linked', () => void calls.push('second'));
    await sut.publish('member.linked', { member, identity });
    expect(calls).toEqual(['first', 'second']);
  });

  it('isolates a failing listener: the others still run, publish resolves, and the failure is logged without the payload', async () => {
    const log = recordingLog();
    const sut = new InProcessEventBus(log.logger);
    const calls: string[] = [];
    sut.on('member.linked', () => {
      throw new Error('Discord is down');
    }, 'membership');
    sut.on('member.linked', () => void calls.push('webhooks'), 'webhooks');
    await expect(sut.publish('member.linked', { member, identity })).resolves.toBe(1);
    expect(calls).toEqual(['webhooks']);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]!.obj).toMatchObject({ event: 'member.linked', listener: 'membership' });
    expect(JSON.stringify(log.lines[0]!.obj)).not.toContain('m1');
  });

  it('delivers only to the event subscribed to, and stops after unsubscribing', async () => {
    const sut = new InProcessEventBus(recordingLog().logger);
    const seen: string[] = [];
    const off = sut.on('member.unlinked', ({ identity: i }) => void seen.push(i.id));
    sut.on('member.linked', () => void seen.push('linked'));
    await sut.publish('member.unlinked', { member, identity });
    off();
    await sut.publish('member.unlinked', { member, identity });
    expect(seen).toEqual(['i1']);
    expect(sut.listenerCount('member.unlinked')).toBe(0);
    await expect(sut.publish('poll.closed', { organizationId: 'o', pollId: 'p', question: 'q', closedAt: new Date(), totalVoters: 0, results: [] })).resolves.toBe(0);
  });

  it('keeps the listener list a publish started with, when a listener subscribes another', async () => {
    const sut = new InProcessEventBus(recordingLog().logger);
    const calls: string[] = [];
    sut.on('member.lapsed', () => {
      calls.push('a');
      sut.on('member.lapsed', () => void calls.push('b'));
    });
    await sut.publish('member.lapsed', { member, identities: [] });
    expect(calls).toEqual(['a']);
  });
});
