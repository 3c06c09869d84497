import { describe, expect, it } from 'vitest';
import { kringTranslator } from '../../capabilities.js';
import type { Member } from '../../kernel/community.js';
import type { PanelOverview } from './domain/panel.service.js';
import { PANEL_SHOW_LIMITS, panelOverviewReply } from './views.js';

function overview(members: number, strata: number): PanelOverview {
  const at = new Date('2026-12-04T10:00:00Z');
  const member = (i: number): Member => ({ id: `m${i}`, organizationId: 'o', memberNumber: `N${i}`, name: `Lid ${i}`, email: null, status: 'active', roles: ['member'], chapterId: null, locale: null, createdAt: at, updatedAt: at });
  return {
    panel: { id: 'p', organizationId: 'o', size: members, seed: 7, drawnAt: at, drawnByMemberId: null, seats: Array.from({ length: members }, (_, i) => ({ memberId: `m${i}`, source: 'draw', stratum: `G${i % strata}`, addedAt: at })) },
    members: Array.from({ length: members }, (_, i) => ({ member: member(i), chapterName: null, ageGroup: null, membershipType: null, source: i === 0 ? 'manual' : 'draw', stratum: `G${i % strata}`, addedAt: at })),
    strata: Array.from({ length: strata }, (_, i) => ({ label: `G${i}`, pool: 10, seats: 1 })),
    candidates: 10 * strata,
    places: [],
  };
}

describe(panelOverviewReply.name, () => {
  const t = kringTranslator().for('en');
  const where = { locale: 'en', timeZone: 'Europe/Amsterdam' };

  it('lists every member with their group, marking one added by hand, and the seats per group', () => {
    const text = JSON.stringify(panelOverviewReply(overview(3, 2), t, where));
    expect(text).toContain('Lid 0 (N0): G0, added by hand');
    expect(text).toContain('Lid 1 (N1): G1');
    expect(text).toContain('G1: 1 of 10');
    expect(text).toContain('Drawn 4 Dec 2026, 11:00. On it: 3 members (drawn at 3, seed 7); 20 members signed up.');
    expect(text).not.toContain('more');
  });

  it('lists a large panel in part, saying how many more there are, so the reply fits a chat message', () => {
    const reply = panelOverviewReply(overview(100, 25), t, where);
    const text = JSON.stringify(reply);
    expect(text).toContain(`Lid ${PANEL_SHOW_LIMITS.members - 1} (`);
    expect(text).not.toContain(`Lid ${PANEL_SHOW_LIMITS.members} (`);
    expect(text).toContain(`and ${100 - PANEL_SHOW_LIMITS.members} more`);
    expect(text).toContain(`and ${25 - PANEL_SHOW_LIMITS.strata} more`);
    const blocks = reply.view.blocks.map((b) => ('text' in b ? String(b.text) : ''));
    for (const b of blocks) expect(b.length).toBeLessThan(2000);
  });
});
