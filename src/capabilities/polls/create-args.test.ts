import { describe, expect, it } from 'vitest';
import { parsePollDefinition } from './create-args.js';

const ok = (text: string) => {
  const r = parsePollDefinition(text);
  if ('problem' in r) throw new Error(`unexpected problem ${r.problem.key}`);
  return r.ok;
};
const problem = (text: string) => {
  const r = parsePollDefinition(text);
  return 'problem' in r ? r.problem.key : undefined;
};

describe(parsePollDefinition.name, () => {
  it('splits question and options on |', () => {
    expect(ok('Where do we meet? | Utrecht | Zwolle |  Online ')).toMatchObject({
      question: 'Where do we meet?',
      options: ['Utrecht', 'Zwolle', 'Online'],
      multi: false,
      anonymous: false,
      hidden: false,
      deadline: null,
      everywhere: false,
    });
  });

  it('reads every setting, wherever it stands', () => {
    const d = ok('--anonymous Q | a | b | c --multi=2 --hidden --deadline=2026-12-01T18:00 --chapter=Utrecht,Zwolle --everywhere');
    expect(d).toMatchObject({ question: 'Q', options: ['a', 'b', 'c'], multi: true, maxChoices: 2, anonymous: true, hidden: true, deadline: '2026-12-01T18:00', chapters: ['Utrecht', 'Zwolle'], everywhere: true });
  });

  it('accepts quoted values, curly quotes and the dash a chat client makes of --', () => {
    expect(ok('Q | a | b --chapter="Den Haag"').chapters).toEqual(['Den Haag']);
    expect(ok('Q | a | b —role=“bestuur”').roles).toEqual(['bestuur']);
    expect(ok('Q | a | b --deadline="2026-12-01 18:00"').deadline).toBe('2026-12-01 18:00');
  });

  it('explains what is wrong', () => {
    expect(problem('Just a question')).toBe('polls.create.usage');
    expect(problem('Q | only one')).toBe('polls.create.tooFewOptions');
    expect(problem(`Q | ${Array.from({ length: 11 }, (_, i) => `o${i}`).join(' | ')}`)).toBe('polls.create.tooManyOptions');
    expect(problem('Q | a | A')).toBe('polls.create.duplicateOption');
    expect(problem('Q | a | b --secret')).toBe('polls.create.unknownFlag');
    expect(problem('Q | a | b --multi=x')).toBe('polls.create.badMulti');
    expect(problem('Q | a | b --multi=3')).toBe('polls.create.badMulti');
    expect(problem('Q | a | b --chapter=x --role=board')).toBe('polls.create.chapterAndRole');
    expect(problem(`${'x'.repeat(301)} | a | b`)).toBe('polls.create.tooLong');
  });
});
