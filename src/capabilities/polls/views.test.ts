import { kringTranslator } from '../../capabilities.js';
import { describe, expect, it } from 'vitest';
import type { Poll } from './domain/poll.js';
import { pollMessageView, voteConfirmation } from './views.js';

const nl = kringTranslator().for('nl');
const now = new Date('2026-11-25T12:00:00Z');
const poll: Poll = {
  id: '3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f', organizationId: 'o', createdByMemberId: null, question: 'Waar?',
  options: ['Utrecht', 'Zwolle'], choiceMode: 'single', maxChoices: null, anonymous: false, resultsVisibility: 'live',
  deadline: new Date('2026-12-01T17:00:00Z'), status: 'open', audience: { kind: 'roles', roles: ['board'] },
  createdAt: now, closedAt: null,
};
const ctx = { t: nl, locale: 'nl' as const, timeZone: 'Europe/Amsterdam', now };
const text = (v: ReturnType<typeof pollMessageView>) => JSON.stringify(v);

describe(pollMessageView.name, () => {
  it('shows the deadline in the organisation’s zone and language, the audience and the vote buttons', () => {
    const v = pollMessageView(poll, { counts: [1, 0], voters: 1 }, ctx);
    expect(text(v)).toContain('Stemmen kan tot 1 dec 2026, 18:00 (Europe/Amsterdam).');
    expect(text(v)).toContain('Voor: bestuur.');
    expect(text(v)).toContain('Niet anoniem');
    expect(v.blocks.find((b) => b.type === 'buttons')).toMatchObject({ buttons: [{ actionId: 'poll.vote', value: `${poll.id}:0` }, { value: `${poll.id}:1` }] });
    expect(v.blocks.at(-1)).toEqual({ type: 'context', text: 'Poll 3f2a9c1e · 1 stem' });
  });

  it('hides the counts of a hidden poll until it closes', () => {
    const hidden = { ...poll, resultsVisibility: 'after_close' as const };
    const open = pollMessageView(hidden, { counts: [2, 1], voters: 3 }, ctx);
    expect(open.blocks.some((b) => b.type === 'bars')).toBe(false);
    expect(text(open)).toContain('**3 stemmen**. De uitslag verschijnt als de poll sluit.');
    const closed = pollMessageView({ ...hidden, status: 'closed' }, { counts: [2, 1], voters: 3 }, ctx);
    expect(closed.blocks.find((b) => b.type === 'bars')).toMatchObject({ bars: [{ label: 'Utrecht', count: 2, percent: 67 }, { label: 'Zwolle', count: 1, percent: 33 }] });
    expect(closed.blocks.some((b) => b.type === 'buttons' || b.type === 'select')).toBe(false);
  });

  it('treats a poll past its deadline as closed, even before the close job ran', () => {
    const late = pollMessageView(poll, { counts: [0, 0], voters: 0 }, { ...ctx, now: new Date('2026-12-02T00:00:00Z') });
    expect(late.blocks.some((b) => b.type === 'buttons')).toBe(false);
    expect(text(late)).toContain('Deze poll is gesloten.');
  });
});

describe(voteConfirmation.name, () => {
  it('confirms the current choice in the member’s language', () => {
    expect(voteConfirmation(poll, [1], nl)).toBe('Je stem: **Zwolle**. Je kunt hem aanpassen tot de poll sluit.');
    expect(voteConfirmation({ ...poll, choiceMode: 'multi' }, [0, 1], nl)).toBe('Je keuzes: **Utrecht, Zwolle**. Druk nog eens op een optie om hem weg te halen.');
    expect(voteConfirmation({ ...poll, choiceMode: 'multi' }, [], nl)).toBe('Je hebt nu geen optie gekozen in deze poll.');
  });
});

describe('poll command texts', () => {
  it('fit Discord’s 100-character limit for command and option descriptions', async () => {
    const { pollsEn } = await import('./i18n/en.js');
    const { pollsNl } = await import('./i18n/nl.js');
    for (const texts of [pollsEn, pollsNl]) {
      for (const text of [...Object.values(texts.commands), ...Object.values(texts.args)]) expect(text.length, text).toBeLessThanOrEqual(100);
    }
  });
});
