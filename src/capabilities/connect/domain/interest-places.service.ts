import type { Member } from '../../../kernel/community.js';
import type { ChatPlatforms } from '../../../kernel/ports/chat-platform.js';
import type { IdentityRepository } from '../../../kernel/ports/directory.js';
import type { Logger } from '../../../kernel/ports/logger.js';
import type { Platform } from '../../../kernel/types.js';
import type { InterestPlace, InterestPlaceRepository } from '../ports.js';
import { connectError } from './connect.errors.js';
import type { Interest } from './profile.js';

/**
 * Interests that open doors: a manager gives an interest a place (`/kring interests place <interest>` in a
 * Slack or Teams channel, or with a Discord role), and a member who picks that interest in their profile
 * is let into it on every platform they have an account in that workspace on; one who drops it is taken
 * out. Platform errors are logged and never undo the profile.
 */
export class InterestPlaceService {
  constructor(private readonly deps: { repo: InterestPlaceRepository; identities: Pick<IdentityRepository, 'listByMember'>; platforms: ChatPlatforms; logger: Logger }) {}

  /**
   * The interest's place in the workspace the manager typed in: `roleId` on Discord (a role mention or
   * id), else the channel they typed in. CONNECT.PLACE_NOT_SUPPORTED where the platform opens no such place.
   */
  async setPlace(interest: Interest, where: { platform: Platform; workspaceId: string; channelId: string }, roleId: string | null): Promise<InterestPlace> {
    const kinds = this.deps.platforms.get(where.platform)?.accessPlaceKinds ?? [];
    const kind: InterestPlace['kind'] = roleId ? 'role' : 'channel';
    if (!kinds.includes(kind) || (kind === 'channel' && where.channelId === '')) throw connectError('CONNECT.PLACE_NOT_SUPPORTED', 'no such place on this platform');
    const place: InterestPlace = { interestId: interest.id, platform: where.platform, workspaceId: where.workspaceId, kind, externalId: roleId ?? where.channelId };
    await this.deps.repo.setPlace(place);
    return place;
  }

  /** After a profile save: into the places of interests picked now, out of those of interests dropped. */
  async sync(member: Member, before: readonly string[], after: readonly string[]): Promise<void> {
    const added = after.filter((id) => !before.includes(id));
    const dropped = before.filter((id) => !after.includes(id));
    if (added.length === 0 && dropped.length === 0) return;
    const places = (await this.deps.repo.placesOf(member.organizationId)).filter((p) => added.includes(p.interestId) || dropped.includes(p.interestId));
    if (places.length === 0) return;
    const accounts = await this.deps.identities.listByMember(member.id);
    for (const place of places) {
      const account = accounts.find((a) => a.platform === place.platform && a.workspaceId === place.workspaceId);
      const platform = this.deps.platforms.get(place.platform);
      if (!account || !platform?.grantChannelAccess || !platform.revokeChannelAccess) continue;
      const user = { workspaceId: account.workspaceId, userId: account.platformUserId };
      const target = { workspaceId: place.workspaceId, kind: place.kind, id: place.externalId };
      try {
        if (added.includes(place.interestId)) await platform.grantChannelAccess(user, target);
        else await platform.revokeChannelAccess(user, target);
      } catch (err) {
        this.deps.logger.warn({ platform: place.platform, kind: place.kind, err: (err as Error).message }, 'interest place not updated');
      }
    }
  }
}
