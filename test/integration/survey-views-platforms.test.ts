import { describe, expect, it } from 'vitest';
import { renderForm, renderView } from '../../adapters/web/render.js';
import { renderCard } from '../../adapters/teams/render.js';
import { answerButtonValue, answerFieldName, type Survey } from '../../src/capabilities/surveys/domain/survey.js';
import { answerForm, invitationView, questionView } from '../../src/capabilities/surveys/views.js';
import { kringTranslator } from '../../src/capabilities.js';

/**
 * The survey's direct messages are platform-neutral views: every answer button of every question kind
 * reaches the web page (HTML buttons with the action and value the web adapter posts back) and a Teams
 * card (Action.Execute with the value), and the answer forms render as the web page's dialog.
 */
const t = kringTranslator().for('nl');
const survey: Survey = {
  id: '3f2b8c1e-2d4a-4b6c-8e9f-0a1b2c3d4e5f', organizationId: 'o', createdByMemberId: null, title: 'Ledenpeiling', anonymous: true, status: 'open',
  audience: { base: { kind: 'all' }, sample: null }, minGroupSize: 5, opensAt: null, closesAt: null, sentAt: null, createdAt: new Date(), closedAt: null,
  questions: [
    { position: 0, kind: 'single', prompt: 'Welke avond?', options: ['maandag', 'donderdag'] },
    { position: 1, kind: 'scale', prompt: 'Hoe tevreden?', options: [] },
    { position: 2, kind: 'nps', prompt: 'Zou je ons aanraden?', options: [] },
    { position: 3, kind: 'multiple', prompt: 'Welke onderwerpen?', options: ['sport', 'cultuur', 'reizen'] },
    { position: 4, kind: 'text', prompt: 'Wat moet er anders?', options: [] },
  ],
};

describe('survey views on the web and Teams', () => {
  it('renders every answer button with its value', () => {
    const expected: [number, number[]][] = [[0, [0, 1]], [1, [1, 2, 3, 4, 5]], [2, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]];
    for (const [position, values] of expected) {
      const view = position === 0 ? invitationView(survey, survey.questions[0]!, t, false) : questionView(survey, survey.questions[position]!, t);
      const html = renderView(view);
      const card = JSON.stringify(renderCard(view));
      for (const v of values) {
        expect(html).toContain(answerButtonValue(survey.id, position, v));
        expect(card).toContain(answerButtonValue(survey.id, position, v));
      }
      expect(html).toContain(`Vraag ${position + 1} van 5`);
    }
    expect(renderView(invitationView(survey, survey.questions[0]!, t, false))).toContain('Deze enquête is anoniem');
  });

  it('renders the multiple-choice form as check boxes and the text form as a text area', () => {
    const multi = renderForm(answerForm(survey, survey.questions[3]!, t), { cancel: 'Annuleren' });
    expect(multi.match(/type="checkbox"/g)).toHaveLength(3);
    expect(multi).toContain(`name="${answerFieldName(survey.id, 3)}"`);
    const text = renderForm(answerForm(survey, survey.questions[4]!, t), { cancel: 'Annuleren' });
    expect(text).toContain('<textarea');
    expect(text).toContain('maxlength="1000"');
  });
});
