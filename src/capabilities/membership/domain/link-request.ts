import type { Platform } from '../../../kernel/types.js';

/** A pending verification: a one-time code sent by e-mail, stored only as a hash. */
export interface LinkRequest {
  id: string;
  organizationId: string;
  memberId: string;
  platform: Platform;
  workspaceId: string;
  platformUserId: string;
  codeHash: string;
  attempts: number;
  expiresAt: Date;
  consumedAt: Date | null;
  createdAt: Date;
}
