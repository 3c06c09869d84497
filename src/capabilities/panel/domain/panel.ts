import type { Platform } from '../../../kernel/types.js';

/**
 * The sounding-board panel (klankbordgroep): members say they are willing to be asked; a manager draws a
 * panel of N of them, balanced over chapter and the member import's columns (age group, membership type),
 * adjusts it by hand, and gives it a members-only place on each platform. Surveys can go to the panel.
 * One panel per organisation; drawing again replaces it.
 */

export const PANEL_LIMITS = {
  /** Largest panel (a sounding board, not a sample survey). */
  size: 500,
  /** Longest stored import value (age group, membership type). */
  columnLength: 60,
} as const;

/** How a member came onto the panel. */
export type PanelSeatSource = 'draw' | 'manual';

export interface PanelSeat {
  memberId: string;
  source: PanelSeatSource;
  /** The stratum label they were drawn from (`Utrecht / 18-30 / -`); for a manual seat, their stratum when added. */
  stratum: string;
  addedAt: Date;
}

export interface Panel {
  id: string;
  organizationId: string;
  /** The size it was drawn at (seats may differ after adding or removing by hand). */
  size: number;
  /** The draw's seed: the same candidates, size and seed give the same panel. */
  seed: number;
  drawnAt: Date;
  drawnByMemberId: string | null;
  seats: PanelSeat[];
}

/** A member's panel data: their opt-in and the import's columns. */
export interface PanelCandidate {
  memberId: string;
  organizationId: string;
  optedIn: boolean;
  optedInAt: Date | null;
  ageGroup: string | null;
  membershipType: string | null;
}

/** An active member who opted in, with what places them in a stratum. */
export interface DrawablePanelCandidate {
  memberId: string;
  chapterId: string | null;
  ageGroup: string | null;
  membershipType: string | null;
}

/** The panel's members-only place in one workspace: a Discord role, or a Slack/Teams private channel. */
export interface PanelPlace {
  organizationId: string;
  platform: Platform;
  workspaceId: string;
  kind: 'role' | 'channel';
  externalId: string;
}

/** The stratifying columns of the member import, by what they mean. */
export type PanelColumn = 'ageGroup' | 'membershipType';

/** Header spellings (lower case, without spaces, `-` and `_`) of the columns the draw balances over. */
const COLUMN_HEADERS: Record<PanelColumn, readonly string[]> = {
  ageGroup: ['leeftijdsgroep', 'leeftijdscategorie', 'leeftijdsklasse', 'agegroup', 'agecategory', 'ageband'],
  membershipType: ['lidmaatschap', 'soortlidmaatschap', 'lidmaatschapstype', 'typelidmaatschap', 'lidsoort', 'soortlid', 'membershiptype', 'membership'],
};

const headerKey = (header: string) => header.toLowerCase().replace(/[\s_-]+/g, '');

/** Which stratifying column a member-import header is, if any. */
export function panelColumnOf(header: string): PanelColumn | null {
  const key = headerKey(header);
  for (const [column, headers] of Object.entries(COLUMN_HEADERS) as [PanelColumn, readonly string[]][]) {
    if (headers.includes(key)) return column;
  }
  return null;
}

/**
 * The stratifying values of one imported row (only those it carries; a value is trimmed, its spaces
 * collapsed and cut to {@link PANEL_LIMITS.columnLength}). Other columns are not kept.
 */
export function panelColumnsOf(columns: Record<string, string>): Partial<Record<PanelColumn, string>> {
  const out: Partial<Record<PanelColumn, string>> = {};
  for (const [header, value] of Object.entries(columns)) {
    const column = panelColumnOf(header);
    const clean = value.replace(/\s+/g, ' ').trim().slice(0, PANEL_LIMITS.columnLength);
    if (column && clean !== '') out[column] = clean;
  }
  return out;
}
