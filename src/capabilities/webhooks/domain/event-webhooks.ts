import type { Member, PlatformIdentity } from '../../../kernel/community.js';
import type { KringEventListeners } from '../../../kernel/events.js';
import type { ChapterRepository } from '../../../kernel/ports/directory.js';
import type { WebhookEventData, WebhookIdentity } from './webhook-events.js';
import type { WebhookService } from './webhook.service.js';

function identityOf(identity: PlatformIdentity): WebhookIdentity {
  return {
    platform: identity.platform,
    workspaceId: identity.workspaceId,
    platformUserId: identity.platformUserId,
    displayName: identity.displayName,
  };
}

/** Whose access changed (`member.lapsed`, `member.reactivated`). */
function accessOf(member: Member, identities: readonly PlatformIdentity[]): WebhookEventData['member.lapsed'] {
  return { memberNumber: member.memberNumber, name: member.name, status: member.status, identities: identities.map(identityOf) };
}

/**
 * Kring's events as outgoing webhooks: `member.linked`, `member.unlinked`, `member.updated`,
 * `member.lapsed`, `member.reactivated`, `poll.closed`, `statement.closed`, `survey.closed`, the idea box's `idea.submitted` and
 * `idea.status-changed`, `announcement.published` and the meet-ups'
 * `event.created`, `rsvp.changed` and `event.attended`, access's `access.changed` and moderation's
 * `member.suspended`, `member.suspension-ended`, `case.opened` and `case.closed`, each to the
 * organisation's endpoints subscribed to it. Publishing only enqueues (one job per endpoint), so it is
 * quick; a failure is logged by the bus and never undoes what happened. `chapters` names a member's chapter.
 */
export function eventWebhooks(webhooks: Pick<WebhookService, 'publish'>, deps: { chapters: Pick<ChapterRepository, 'findById'> }): KringEventListeners {
  return {
    async 'member.updated'({ member }) {
      // The chapter is looked up only when an endpoint listens: imports publish this for every changed member.
      await webhooks.publish(member.organizationId, 'member.updated', async () => {
        const chapter = member.chapterId ? await deps.chapters.findById(member.organizationId, member.chapterId) : null;
        return {
          member: {
            memberNumber: member.memberNumber,
            name: member.name,
            email: member.email,
            status: member.status,
            roles: [...member.roles],
            chapter: chapter ? { id: chapter.id, name: chapter.name } : null,
            locale: member.locale,
            updatedAt: member.updatedAt.toISOString(),
          },
        };
      });
    },
    async 'member.lapsed'({ member, identities }) {
      await webhooks.publish(member.organizationId, 'member.lapsed', accessOf(member, identities));
    },
    async 'member.reactivated'({ member, identities }) {
      await webhooks.publish(member.organizationId, 'member.reactivated', accessOf(member, identities));
    },
    async 'member.linked'({ member, identity }) {
      await webhooks.publish(member.organizationId, 'member.linked', {
        memberNumber: member.memberNumber,
        name: member.name,
        identity: identityOf(identity),
        linkedAt: identity.linkedAt.toISOString(),
      });
    },
    async 'member.unlinked'({ member, identity }) {
      await webhooks.publish(member.organizationId, 'member.unlinked', {
        memberNumber: member.memberNumber,
        name: member.name,
        identity: identityOf(identity),
      });
    },
    async 'poll.closed'(poll) {
      await webhooks.publish(poll.organizationId, 'poll.closed', {
        pollId: poll.pollId,
        question: poll.question,
        closedAt: poll.closedAt.toISOString(),
        totalVoters: poll.totalVoters,
        results: poll.results.map((line, position) => ({ position, label: line.label, votes: line.votes })),
      });
    },
    async 'statement.closed'(s) {
      await webhooks.publish(s.organizationId, 'statement.closed', { statementId: s.statementId, text: s.text, closedAt: s.closedAt.toISOString(), answers: { ...s.answers } });
    },
    async 'survey.closed'(s) {
      await webhooks.publish(s.organizationId, 'survey.closed', {
        surveyId: s.surveyId,
        title: s.title,
        anonymous: s.anonymous,
        closedAt: s.closedAt.toISOString(),
        invited: s.invited,
        completed: s.completed,
        respondents: s.respondents,
        questions: s.questions.map((q) => ({ ...q, counts: q.counts.map((c) => ({ ...c })) })),
      });
    },
    async 'idea.submitted'(i) {
      await webhooks.publish(i.organizationId, 'idea.submitted', { ideaId: i.ideaId, text: i.text, submitter: { ...i.submitter }, submittedAt: i.submittedAt.toISOString() });
    },
    async 'idea.status-changed'(i) {
      await webhooks.publish(i.organizationId, 'idea.status-changed', { ideaId: i.ideaId, text: i.text, status: i.status, reason: i.reason, votes: i.votes, changedAt: i.changedAt.toISOString() });
    },
    async 'announcement.published'(a) {
      await webhooks.publish(a.organizationId, 'announcement.published', {
        announcementId: a.announcementId,
        title: a.title,
        publishedAt: a.publishedAt.toISOString(),
        deliveries: a.deliveries,
      });
    },
    async 'meetup.created'(m) {
      await webhooks.publish(m.organizationId, 'event.created', {
        eventId: m.meetupId,
        title: m.title,
        description: m.description,
        startsAt: m.startsAt.toISOString(),
        endsAt: m.endsAt.toISOString(),
        timeZone: m.timeZone,
        place: { ...m.place },
        capacity: m.capacity,
        audience: {
          kind: m.audience.kind,
          chapterIds: m.audience.kind === 'chapters' ? [...m.audience.chapterIds] : [],
          roles: m.audience.kind === 'roles' ? [...m.audience.roles] : [],
        },
        createdAt: m.createdAt.toISOString(),
      });
    },
    async 'meetup.rsvp-changed'(r) {
      await webhooks.publish(r.organizationId, 'rsvp.changed', {
        eventId: r.meetupId,
        title: r.title,
        member: { memberNumber: r.member.memberNumber, name: r.member.name },
        answer: r.answer,
        place: r.seat,
        guests: r.guests,
        previousAnswer: r.previousAnswer,
        promoted: r.promoted,
        changedAt: r.changedAt.toISOString(),
      });
    },
    async 'meetup.attended'(a) {
      await webhooks.publish(a.organizationId, 'event.attended', {
        eventId: a.meetupId,
        title: a.title,
        member: { memberNumber: a.member.memberNumber, name: a.member.name },
        checkedInAt: a.checkedInAt.toISOString(),
        firstTime: a.firstTime,
      });
    },
    async 'access.changed'(a) {
      await webhooks.publish(a.organizationId, 'access.changed', {
        member: { memberNumber: a.member.memberNumber, name: a.member.name },
        account: { ...a.account },
        place: { ...a.place },
        change: a.change,
        reason: a.reason,
        at: a.at.toISOString(),
      });
    },
    async 'member.suspended'(s) {
      await webhooks.publish(s.member.organizationId, 'member.suspended', {
        member: { memberNumber: s.member.memberNumber, name: s.member.name },
        until: s.until.toISOString(),
        caseNumber: s.caseNumber,
      });
    },
    async 'member.suspension-ended'(s) {
      await webhooks.publish(s.member.organizationId, 'member.suspension-ended', {
        member: { memberNumber: s.member.memberNumber, name: s.member.name },
        endedAt: s.endedAt.toISOString(),
        caseNumber: s.caseNumber,
      });
    },
    async 'case.opened'(c) {
      await webhooks.publish(c.organizationId, 'case.opened', {
        caseNumber: c.caseNumber,
        platform: c.platform,
        reportedMember: c.reportedMember ? { memberNumber: c.reportedMember.memberNumber, name: c.reportedMember.name } : null,
        openedAt: c.openedAt.toISOString(),
      });
    },
    async 'case.closed'(c) {
      await webhooks.publish(c.organizationId, 'case.closed', { caseNumber: c.caseNumber, outcome: c.outcome, closedAt: c.closedAt.toISOString() });
    },
    async 'assembly.item-closed'(r) {
      const { organizationId, closedAt, counts, ...rest } = r;
      await webhooks.publish(organizationId, 'assembly.item-closed', { ...rest, counts: counts.map((c) => ({ ...c })), closedAt: closedAt.toISOString() });
    },
    async 'connect.profile-saved'({ member, shared, profile, at }) {
      // Only with the member's consent: the association's own systems read a profile only when it is shared.
      if (!shared) return;
      await webhooks.publish(member.organizationId, 'profile.shared', { memberNumber: member.memberNumber, name: member.name, ...profile, helpsWith: [...profile.helpsWith], interests: [...profile.interests], savedAt: at.toISOString() });
    },
    async 'connect.round-completed'(r) {
      await webhooks.publish(r.organizationId, 'intros.round-completed', { roundId: r.roundId, label: r.label, number: r.number, ranAt: r.ranAt.toISOString(), members: r.members, groups: r.groups });
    },
    async 'panel.drawn'(p) {
      await webhooks.publish(p.organizationId, 'panel.drawn', { panelId: p.panelId, size: p.size, seats: p.seats, candidates: p.candidates, drawnAt: p.drawnAt.toISOString(), strata: p.strata.map((s) => ({ ...s })) });
    },
  };
}
