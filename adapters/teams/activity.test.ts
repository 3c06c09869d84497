import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTeamsActivity } from './activity.js';

const FIXTURES = new URL('./fixtures/', import.meta.url);
const recorded = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));

describe(parseTeamsActivity.name, () => {
  it.each(recorded)('accepts the recorded activity %s unchanged', (name) => {
    const activity = JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, unknown>;

    expect(parseTeamsActivity(activity)).toEqual({ ok: true, activity });
  });

  it('names the mistyped fields, never what they hold', () => {
    const result = parseTeamsActivity({ type: 'message', text: ['geheim bericht'], entities: 'mention' });

    expect(result.ok).toBe(false);
    const problem = (result as { problem: string }).problem;
    expect(problem).toContain('text');
    expect(problem).toContain('entities');
    expect(problem).not.toContain('geheim');
  });
});
