-- A safe, closed community (issue 16): members-only places per platform, grants, lapses with a grace period,
-- suspensions and house rules (access); reported messages as cases, reports, the moderators' audit log,
-- posted case cards, settings and case-page sign-in links (moderation). New roles moderator and counsellor
-- (vertrouwenspersoon), and the channel purpose moderators. The new enum values are not used in this file:
-- PostgreSQL only allows that after the transaction that adds them.
-- CreateEnum
CREATE TYPE "AccessPlaceKind" AS ENUM ('role', 'channel');

-- CreateEnum
CREATE TYPE "ModerationCaseStatus" AS ENUM ('open', 'counsellor', 'closed');

-- CreateEnum
CREATE TYPE "ModerationOutcome" AS ENUM ('dismissed', 'warned', 'suspended', 'resolved');

-- AlterEnum
ALTER TYPE "ChannelPurpose" ADD VALUE IF NOT EXISTS 'moderators';

-- AlterEnum


ALTER TYPE "MemberRole" ADD VALUE IF NOT EXISTS 'moderator';
ALTER TYPE "MemberRole" ADD VALUE IF NOT EXISTS 'counsellor';

-- CreateTable
CREATE TABLE "access_place" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "workspace_external_id" TEXT NOT NULL,
    "kind" "AccessPlaceKind" NOT NULL,
    "external_id" TEXT NOT NULL,
    "name" TEXT,
    "audience_kind" "AudienceKind" NOT NULL DEFAULT 'all',
    "audience_chapter_ids" UUID[] DEFAULT ARRAY[]::UUID[],
    "audience_roles" "MemberRole"[] DEFAULT ARRAY[]::"MemberRole"[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "access_place_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "access_grant" (
    "platform" "Platform" NOT NULL,
    "workspace_external_id" TEXT NOT NULL,
    "platform_user_id" TEXT NOT NULL,
    "place_key" TEXT NOT NULL,
    "organization_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "granted_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "access_grant_pkey" PRIMARY KEY ("platform","workspace_external_id","platform_user_id","place_key")
);

-- CreateTable
CREATE TABLE "access_lapse" (
    "member_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "lapsed_at" TIMESTAMPTZ(3) NOT NULL,
    "notified_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "access_lapse_pkey" PRIMARY KEY ("member_id")
);

-- CreateTable
CREATE TABLE "access_suspension" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "until" TIMESTAMPTZ(3) NOT NULL,
    "case_number" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "access_suspension_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "access_settings" (
    "organization_id" UUID NOT NULL,
    "grace_days" INTEGER NOT NULL DEFAULT 0,
    "rules_version" INTEGER NOT NULL DEFAULT 0,
    "rules_nl" TEXT,
    "rules_en" TEXT,
    "rules_updated_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "access_settings_pkey" PRIMARY KEY ("organization_id")
);

-- CreateTable
CREATE TABLE "house_rules_agreement" (
    "member_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "agreed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "house_rules_agreement_pkey" PRIMARY KEY ("member_id")
);

-- CreateTable
CREATE TABLE "moderation_case" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "status" "ModerationCaseStatus" NOT NULL DEFAULT 'open',
    "outcome" "ModerationOutcome",
    "platform" "Platform" NOT NULL,
    "workspace_external_id" TEXT NOT NULL,
    "channel_external_id" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "channel_name" TEXT,
    "link" TEXT,
    "reported_platform_user_id" TEXT,
    "reported_member_id" UUID,
    "counsellor_member_id" UUID,
    "message_removed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "moderation_case_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "moderation_report" (
    "id" UUID NOT NULL,
    "case_id" UUID NOT NULL,
    "reporter_member_id" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "workspace_external_id" TEXT NOT NULL,
    "platform_user_id" TEXT NOT NULL,
    "text" TEXT,
    "note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "erased_at" TIMESTAMPTZ(3),

    CONSTRAINT "moderation_report_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "moderation_audit" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "case_number" INTEGER NOT NULL,
    "actor_member_id" UUID,
    "actor_label" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "moderation_audit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "moderation_case_post" (
    "case_id" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "workspace_external_id" TEXT NOT NULL,
    "channel_external_id" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,

    CONSTRAINT "moderation_case_post_pkey" PRIMARY KEY ("case_id","platform","workspace_external_id","channel_external_id")
);

-- CreateTable
CREATE TABLE "moderation_settings" (
    "organization_id" UUID NOT NULL,
    "counsellor_email" TEXT,
    "text_retention_days" INTEGER NOT NULL DEFAULT 30,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "moderation_settings_pkey" PRIMARY KEY ("organization_id")
);

-- CreateTable
CREATE TABLE "moderation_desk_link" (
    "token_hash" TEXT NOT NULL,
    "organization_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "moderation_desk_link_pkey" PRIMARY KEY ("token_hash")
);

-- CreateIndex
CREATE UNIQUE INDEX "access_place_organization_id_platform_workspace_external_id_key" ON "access_place"("organization_id", "platform", "workspace_external_id", "kind", "external_id");

-- CreateIndex
CREATE INDEX "access_grant_member_id_idx" ON "access_grant"("member_id");

-- CreateIndex
CREATE INDEX "access_grant_place_key_idx" ON "access_grant"("place_key");

-- CreateIndex
CREATE INDEX "access_lapse_organization_id_revoked_at_lapsed_at_idx" ON "access_lapse"("organization_id", "revoked_at", "lapsed_at");

-- CreateIndex
CREATE INDEX "access_suspension_member_id_ended_at_idx" ON "access_suspension"("member_id", "ended_at");

-- CreateIndex
CREATE INDEX "access_suspension_organization_id_ended_at_until_idx" ON "access_suspension"("organization_id", "ended_at", "until");

-- CreateIndex
CREATE INDEX "moderation_case_organization_id_status_idx" ON "moderation_case"("organization_id", "status");

-- CreateIndex
CREATE INDEX "moderation_case_platform_workspace_external_id_channel_exte_idx" ON "moderation_case"("platform", "workspace_external_id", "channel_external_id", "message_id");

-- CreateIndex
CREATE UNIQUE INDEX "moderation_case_organization_id_number_key" ON "moderation_case"("organization_id", "number");

-- CreateIndex
CREATE UNIQUE INDEX "moderation_report_case_id_reporter_member_id_key" ON "moderation_report"("case_id", "reporter_member_id");

-- CreateIndex
CREATE INDEX "moderation_audit_organization_id_case_number_at_idx" ON "moderation_audit"("organization_id", "case_number", "at");

-- CreateIndex
CREATE INDEX "moderation_desk_link_expires_at_idx" ON "moderation_desk_link"("expires_at");

-- AddForeignKey
ALTER TABLE "moderation_report" ADD CONSTRAINT "moderation_report_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "moderation_case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "moderation_case_post" ADD CONSTRAINT "moderation_case_post_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "moderation_case"("id") ON DELETE CASCADE ON UPDATE CASCADE;


