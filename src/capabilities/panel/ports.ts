import type { DrawablePanelCandidate, Panel, PanelCandidate, PanelColumn, PanelPlace, PanelSeat } from './domain/panel.js';

/** The panel's queue (jobs/panel.jobs.ts). */
export interface PanelJobs {
  /** Puts each member's places right (in where they are on the panel, out where they are not), one job each. */
  syncPlaces(organizationId: string, memberIds: readonly string[]): Promise<void>;
  /** Tells each member by direct message that they are on the panel now, one job each. */
  welcome(organizationId: string, memberIds: readonly string[]): Promise<void>;
}

/** A new panel, replacing the organisation's current one. */
export interface NewPanelRecord {
  organizationId: string;
  size: number;
  seed: number;
  drawnAt: Date;
  drawnByMemberId: string | null;
  seats: PanelSeat[];
}

/**
 * Panel storage (repository/prisma-panel.repository.ts). One panel per organisation: a draw replaces the
 * seats in one transaction. The opt-in and the import's columns live in one row per member
 * (`panel_candidate`), deleted with the member. Deliberately left out: a history of earlier panels (the
 * `panel.drawn` event carries the counts of each draw to whoever keeps one).
 */
export interface PanelRepository {
  /** The member's row, or null when neither they nor an import touched it. */
  candidate(memberId: string): Promise<PanelCandidate | null>;
  /** Records the member's own choice (creates the row when needed). */
  setOptIn(organizationId: string, memberId: string, optedIn: boolean, at: Date): Promise<void>;
  /** Active members who opted in, in member-id order. */
  drawable(organizationId: string): Promise<DrawablePanelCandidate[]>;
  /** How many active members opted in. */
  countDrawable(organizationId: string): Promise<number>;
  /**
   * Stores the import's stratifying values by member number (only the columns a row carries; members
   * unknown in the organisation are skipped). Returns how many members were updated.
   */
  importColumns(organizationId: string, rows: readonly { memberNumber: string; values: Partial<Record<PanelColumn, string>> }[]): Promise<number>;
  find(organizationId: string): Promise<Panel | null>;
  /** The panel's active members with a linked chat account (whom a survey can reach), in member-id order. */
  reachableMemberIds(organizationId: string): Promise<string[]>;
  /** Replaces the organisation's panel (and all its seats) by `input`; returns it. */
  replace(input: NewPanelRecord): Promise<Panel>;
  /** Adds a seat; false when the member has one already. */
  addSeat(panelId: string, seat: PanelSeat): Promise<boolean>;
  /** Removes a seat; false when there was none. */
  removeSeat(panelId: string, memberId: string): Promise<boolean>;
  /** The panel's place in a workspace (replaces the one set before there). */
  setPlace(place: PanelPlace): Promise<void>;
  places(organizationId: string): Promise<PanelPlace[]>;
}
