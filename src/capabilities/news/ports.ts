import type { View } from '../../kernel/ports/chat-platform.js';
import type { Locale, Platform } from '../../kernel/types.js';
import type {
  Announcement,
  AnnouncementContent,
  Audience,
  Delivery,
  DeliveryReport,
  DeliveryStatus,
  DeliveryTarget,
  ReportedDelivery,
} from './domain/announcement.js';

/**
 * The news capability's ports: where announcements and deliveries are stored ({@link NewsRepository},
 * PostgreSQL in repository/prisma-news.repository.ts, in memory in test/fakes) and how work is handed
 * to the queue ({@link NewsDispatcher}, jobs/fanout.dispatcher.ts). Every query that starts from a
 * manager's command is scoped by organisation; the ones the queue worker calls start from an id it put in
 * a job itself.
 *
 * Deliberately left out: deleting announcements (they are retracted, the record stays for the report) and
 * listing deliveries of many announcements at once.
 */

/** A new announcement as stored. */
export interface NewAnnouncement extends AnnouncementContent {
  organizationId: string;
  authorMemberId: string | null;
  audience: Audience;
  directMessages: boolean;
  publishAt: Date | null;
  /** `publishing` for "now" (the publish job creates the deliveries), `scheduled` for later, or `draft`. */
  status: 'draft' | 'scheduled' | 'publishing';
}

/** Everything the fan-out worker needs to post one delivery, read in one go. */
export interface DeliveryWork {
  /** The delivery after the claim (attempts already counted). */
  delivery: Delivery;
  /** Attempts before this one; > 0 means an earlier try may have reached the platform. */
  previousAttempts: number;
  /** The error noted on the previous try (`RATE_LIMITED: ...` means it certainly did not post). */
  previousError: string | null;
  announcement: Announcement;
  authorName: string | null;
  organizationName: string;
  locale: Locale;
}

/** A delivery with the context its update or deletion needs. */
export interface DeliveryContext {
  delivery: Delivery;
  announcement: Announcement;
  authorName: string | null;
  organizationName: string;
  locale: Locale;
}

/** Outcome of recording a sent copy. */
export interface SentRecord {
  /** True when this call moved the delivery from `queued` to `sent`. */
  recorded: boolean;
  /** The delivery as stored after the call (another outcome may have won: `retracted`, or `sent` elsewhere). */
  delivery: Delivery;
  /** The announcement's version now: newer than the copy's means the copy needs an update. */
  announcementVersion: number;
}

/** A live delivery-report message and the language it is written in. */
export interface StatusMessage {
  platform: Platform;
  workspaceId: string;
  channelId: string;
  messageId: string;
  locale: Locale;
}

/** The raw material of a delivery report. */
export interface DeliveryReportData {
  counts: { platform: Platform; status: DeliveryStatus; count: number }[];
  failures: ReportedDelivery[];
  pending: ReportedDelivery[];
}

/** Storage of announcements and deliveries. */
export interface NewsRepository {
  create(input: NewAnnouncement): Promise<Announcement>;
  /** The organisation's announcement with this id, or null. */
  findById(organizationId: string, id: string): Promise<Announcement | null>;
  /** The organisation's announcements whose id starts with `prefix` (lowercase), newest first, at most `limit`. */
  findByIdPrefix(organizationId: string, prefix: string, limit: number): Promise<Announcement[]>;
  /** The organisation's newest announcements. */
  listRecent(organizationId: string, limit: number): Promise<Announcement[]>;
  /** Any organisation's announcement by id (queue jobs carry ids they created). */
  get(id: string): Promise<Announcement | null>;
  /** Announcements in this state across organisations (resuming after a restart). */
  listByStatus(status: 'scheduled' | 'publishing'): Promise<Announcement[]>;
  /**
   * Replaces title, body, link and image and increments the version, unless the announcement is retracted.
   * Returns the updated announcement, or null when it does not exist or is retracted.
   */
  updateContent(organizationId: string, id: string, content: AnnouncementContent, at: Date): Promise<Announcement | null>;
  /**
   * In one transaction: moves a `draft`/`scheduled` announcement to `publishing` (a `publishing` one stays),
   * inserts `targets` as queued deliveries if it has none yet (a re-run keeps the first set), and returns
   * its queued deliveries. Null when the announcement is in another state (retracted, published).
   */
  startPublishing(id: string, targets: readonly DeliveryTarget[], at: Date): Promise<{ announcement: Announcement; queued: Delivery[] } | null>;
  /** `publishing` -> `published` when no delivery is queued any more; true when it moved. */
  completePublishing(id: string, at: Date): Promise<boolean>;
  /**
   * In one transaction: the announcement becomes `retracted`, its queued deliveries `retracted` (a worker
   * posting one right now finds that and deletes its copy); returns the sent deliveries whose copies must
   * be deleted. Null when not found or retracted already.
   */
  retract(organizationId: string, id: string, at: Date): Promise<{ announcement: Announcement; sent: Delivery[] } | null>;
  /** An announcement's deliveries, optionally in one state, oldest first. */
  listDeliveries(announcementId: string, status?: DeliveryStatus): Promise<Delivery[]>;
  /** Counts per platform and state, and a few failed and pending deliveries by name (at most `sample` each). */
  report(announcementId: string, sample: number): Promise<DeliveryReportData>;
  /**
   * Claims a queued delivery for one try: counts the attempt and clears the previous error in one conditional
   * statement, and reads what posting needs. Null when the delivery is not queued (sent, failed, retracted:
   * nothing to do) or does not exist.
   */
  claimDelivery(id: string): Promise<DeliveryWork | null>;
  /** A delivery with its announcement, whatever its state. */
  getDelivery(id: string): Promise<DeliveryContext | null>;
  /**
   * Records a posted copy: `queued` -> `sent` with the message reference and version, conditionally, in one
   * statement (a retracted or already recorded delivery is left as it is and returned).
   */
  recordSent(id: string, copy: { channelExternalId: string; messageId: string; version: number }, at: Date): Promise<SentRecord>;
  /** `queued` -> `failed` with the reason; true when it moved. */
  recordFailed(id: string, reason: string, at: Date): Promise<boolean>;
  /** Notes a retryable error on a queued delivery (shown in the report; `RATE_LIMITED` means "not posted"). */
  noteError(id: string, reason: string): Promise<void>;
  /** Raises a sent delivery's version after its copy was updated (never lowers it). */
  recordVersion(id: string, version: number): Promise<void>;
  /** `sent` -> `retracted` once its copy is deleted; true when it moved. */
  recordRetracted(id: string, at: Date): Promise<boolean>;
  /** Notes a failure on a sent delivery without changing its state (e.g. its copy could not be deleted). */
  noteCopyProblem(id: string, reason: string): Promise<void>;
  /** Remembers a live delivery-report message of an announcement. */
  addStatusMessage(organizationId: string, announcementId: string, message: StatusMessage): Promise<void>;
  listStatusMessages(organizationId: string, announcementId: string): Promise<StatusMessage[]>;
  /**
   * Direct-message targets of an audience: every linked chat account of the organisation's active members
   * that the audience covers (all; members of the chapters; members holding one of the roles).
   */
  directTargets(organizationId: string, audience: Audience): Promise<DeliveryTarget[]>;
}

/** Hands news work to the queue. Every method is safe to repeat: jobs carry deterministic ids. */
export interface NewsDispatcher {
  /** Runs the publish job now. */
  publishNow(announcementId: string): Promise<void>;
  /** Runs the publish job at `at` (a delayed job). */
  schedulePublish(announcementId: string, at: Date): Promise<void>;
  /** One delivery job per delivery, in bulk, on its platform's queue. */
  enqueueDeliveries(deliveries: readonly Delivery[]): Promise<void>;
  /** One update job per sent delivery, carrying the version its copy must show. */
  enqueueUpdates(deliveries: readonly Delivery[], version: number): Promise<void>;
  /** One deletion job per sent delivery. */
  enqueueRetractions(deliveries: readonly Delivery[]): Promise<void>;
  /** Asks for the live delivery reports of an announcement to be refreshed soon (coalesced). */
  requestStatusRefresh(announcementId: string): Promise<void>;
}

/**
 * How announcements and reports look: built by the app layer (texts come from the catalogues), used by the
 * queue worker, which posts and refreshes them.
 */
export interface NewsViews {
  /** The announcement as posted in channels and direct messages. */
  announcement(content: Pick<DeliveryContext, 'announcement' | 'authorName' | 'organizationName' | 'locale'>): View;
  /** The delivery report (live status message). */
  report(report: DeliveryReport, locale: Locale): View;
}
