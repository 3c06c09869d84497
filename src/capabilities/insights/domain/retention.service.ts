import { z } from 'zod';
import type { Clock } from '../../../kernel/clock.js';
import { validate } from '../../../kernel/validate.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { OrganizationRepository } from '../../../kernel/ports/directory.js';
import type { RetentionStore, SettingsStore } from '../ports.js';
import { addMonths, localDay } from './time.js';

/**
 * How long insights keep what they count: per organisation a number of months (default
 * {@link DEFAULT_RETENTION_MONTHS}), settable by managers (CLI, admin API). A nightly job deletes the daily
 * activity rollups and weekly topic counts of days before the cut-off, and the question threads started
 * before it. The cut-off is the organisation's local day `months` calendar months before today (the 31st
 * becomes the month's last day): rows of that day and later stay.
 */

/** Setting key of the retention in `organization_setting`. */
export const RETENTION_SETTING = 'insights.retentionMonths';

/** The retention when an organisation set none. */
export const DEFAULT_RETENTION_MONTHS = 24;

/** Whole months, 1 to 120 (ten years): less than a month would leave no period to compare with. */
export const retentionMonthsSchema = z.number().int().min(1).max(120);

/** What one run deleted, per organisation. */
export interface RetentionRun {
  organizationId: string;
  months: number;
  /** First local day kept (`YYYY-MM-DD`). */
  keepFrom: string;
  activityRows: number;
  topicRows: number;
  threads: number;
}

/** Dependencies of {@link RetentionService}. */
export interface RetentionServiceDeps {
  settings: Pick<SettingsStore, 'getSetting' | 'setSetting'>;
  store: RetentionStore;
  organizations: Pick<OrganizationRepository, 'list' | 'findById'>;
  clock: Clock;
  logger: Pick<Logger, 'info'>;
}

/** The first local day kept: today in `timeZone` minus `months` calendar months (clamped to the month's end). */
export function retentionCutoff(now: Date, timeZone: string, months: number): { keepFrom: string } {
  const today = localDay(now, timeZone);
  const month = addMonths(today, -months);
  const lastDay = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
  const day = Math.min(Number(today.slice(8, 10)), lastDay);
  return { keepFrom: `${month.slice(0, 8)}${String(day).padStart(2, '0')}` };
}

/** Reads, sets and enforces the retention of insights data. */
export class RetentionService {
  constructor(private readonly deps: RetentionServiceDeps) {}

  /** The organisation's retention in months (the default when none or a malformed value is stored). */
  async months(organizationId: string): Promise<number> {
    const stored = retentionMonthsSchema.safeParse(await this.deps.settings.getSetting(organizationId, RETENTION_SETTING));
    return stored.success ? stored.data : DEFAULT_RETENTION_MONTHS;
  }

  /** Sets the retention (whole months, 1–120); the next nightly run applies it. @throws ValidationError */
  async setMonths(organizationId: string, months: number): Promise<number> {
    const valid = validate(retentionMonthsSchema, months);
    await this.deps.settings.setSetting(organizationId, RETENTION_SETTING, valid);
    return valid;
  }

  /** Deletes, for every organisation (or one), what is older than its retention allows. */
  async enforce(organizationId?: string): Promise<RetentionRun[]> {
    const now = this.deps.clock.now();
    const organizations = organizationId
      ? [await this.deps.organizations.findById(organizationId)].filter((o) => o !== null)
      : await this.deps.organizations.list();
    const runs: RetentionRun[] = [];
    for (const org of organizations) {
      const months = await this.months(org.id);
      const { keepFrom } = retentionCutoff(now, org.timezone, months);
      const deleted = await this.deps.store.deleteBefore(org.id, keepFrom, org.timezone);
      const run = { organizationId: org.id, months, keepFrom, ...deleted };
      if (deleted.activityRows + deleted.topicRows + deleted.threads > 0) {
        this.deps.logger.info({ organization: org.slug, ...run }, 'insights: retention applied');
      }
      runs.push(run);
    }
    return runs;
  }
}
