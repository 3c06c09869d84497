-- CreateEnum
CREATE TYPE "PollChoiceMode" AS ENUM ('single', 'multi');

-- CreateEnum
CREATE TYPE "PollResultsVisibility" AS ENUM ('live', 'after_close');

-- CreateEnum
CREATE TYPE "PollStatus" AS ENUM ('open', 'closed');

-- CreateEnum
CREATE TYPE "AudienceKind" AS ENUM ('all', 'chapters', 'roles');

-- CreateEnum
CREATE TYPE "AnnouncementStatus" AS ENUM ('draft', 'scheduled', 'publishing', 'published', 'retracted');

-- CreateEnum
CREATE TYPE "DeliveryKind" AS ENUM ('channel', 'direct');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('queued', 'sent', 'failed', 'retracted');

-- CreateTable
CREATE TABLE "poll" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "created_by_member_id" UUID,
    "question" TEXT NOT NULL,
    "choice_mode" "PollChoiceMode" NOT NULL DEFAULT 'single',
    "max_choices" INTEGER,
    "anonymous" BOOLEAN NOT NULL DEFAULT false,
    "results_visibility" "PollResultsVisibility" NOT NULL DEFAULT 'live',
    "deadline" TIMESTAMPTZ(3),
    "status" "PollStatus" NOT NULL DEFAULT 'open',
    "audience_kind" "AudienceKind" NOT NULL DEFAULT 'all',
    "audience_chapter_ids" UUID[] DEFAULT ARRAY[]::UUID[],
    "audience_roles" "MemberRole"[] DEFAULT ARRAY[]::"MemberRole"[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "poll_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "poll_option" (
    "id" UUID NOT NULL,
    "poll_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "label" TEXT NOT NULL,

    CONSTRAINT "poll_option_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "poll_post" (
    "id" UUID NOT NULL,
    "poll_id" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "workspace_external_id" TEXT NOT NULL,
    "channel_external_id" TEXT NOT NULL,
    "message_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "poll_post_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ballot" (
    "id" UUID NOT NULL,
    "poll_id" UUID NOT NULL,
    "voter_key" TEXT NOT NULL,
    "member_id" UUID,
    "choices" INTEGER[],
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ballot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "announcement" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "author_member_id" UUID,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "link_url" TEXT,
    "image_url" TEXT,
    "audience_kind" "AudienceKind" NOT NULL DEFAULT 'all',
    "audience_chapter_ids" UUID[] DEFAULT ARRAY[]::UUID[],
    "audience_roles" "MemberRole"[] DEFAULT ARRAY[]::"MemberRole"[],
    "direct_messages" BOOLEAN NOT NULL DEFAULT false,
    "publish_at" TIMESTAMPTZ(3),
    "status" "AnnouncementStatus" NOT NULL DEFAULT 'draft',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "retracted_at" TIMESTAMPTZ(3),

    CONSTRAINT "announcement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "delivery" (
    "id" UUID NOT NULL,
    "announcement_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "kind" "DeliveryKind" NOT NULL,
    "platform" "Platform" NOT NULL,
    "workspace_external_id" TEXT NOT NULL,
    "target_external_id" TEXT NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'queued',
    "channel_external_id" TEXT,
    "message_id" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,
    "failure_reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "sent_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activity_daily" (
    "organization_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "platform" "Platform" NOT NULL,
    "channel_key" TEXT NOT NULL DEFAULT '',
    "chapter_id" UUID,
    "member_key" TEXT NOT NULL DEFAULT '',
    "kind" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "chars" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "activity_daily_pkey" PRIMARY KEY ("organization_id","day","platform","channel_key","member_key","kind")
);

-- CreateTable
CREATE TABLE "topic_weekly" (
    "organization_id" UUID NOT NULL,
    "week" DATE NOT NULL,
    "channel_key" TEXT NOT NULL,
    "term" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "topic_weekly_pkey" PRIMARY KEY ("organization_id","week","channel_key","term")
);

-- CreateTable
CREATE TABLE "thread_state" (
    "organization_id" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "channel_key" TEXT NOT NULL,
    "thread_key" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "first_reply_at" TIMESTAMPTZ(3),
    "replies" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "thread_state_pkey" PRIMARY KEY ("organization_id","platform","channel_key","thread_key")
);

-- CreateTable
CREATE TABLE "organization_setting" (
    "organization_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organization_setting_pkey" PRIMARY KEY ("organization_id","key")
);

-- CreateTable
CREATE TABLE "member_privacy" (
    "member_id" UUID NOT NULL,
    "insights_opt_out" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "member_privacy_pkey" PRIMARY KEY ("member_id")
);

-- CreateTable
CREATE TABLE "api_token" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_token_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_endpoint" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "events" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_endpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dashboard_link" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dashboard_link_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "poll_organization_id_status_idx" ON "poll"("organization_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "poll_option_poll_id_position_key" ON "poll_option"("poll_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "poll_post_poll_id_platform_workspace_external_id_channel_ex_key" ON "poll_post"("poll_id", "platform", "workspace_external_id", "channel_external_id");

-- CreateIndex
CREATE INDEX "ballot_member_id_idx" ON "ballot"("member_id");

-- CreateIndex
CREATE UNIQUE INDEX "ballot_poll_id_voter_key_key" ON "ballot"("poll_id", "voter_key");

-- CreateIndex
CREATE INDEX "announcement_organization_id_status_idx" ON "announcement"("organization_id", "status");

-- CreateIndex
CREATE INDEX "delivery_announcement_id_status_idx" ON "delivery"("announcement_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "delivery_announcement_id_platform_workspace_external_id_kin_key" ON "delivery"("announcement_id", "platform", "workspace_external_id", "kind", "target_external_id");

-- CreateIndex
CREATE INDEX "activity_daily_organization_id_day_idx" ON "activity_daily"("organization_id", "day");

-- CreateIndex
CREATE INDEX "thread_state_organization_id_started_at_idx" ON "thread_state"("organization_id", "started_at");

-- CreateIndex
CREATE UNIQUE INDEX "api_token_token_hash_key" ON "api_token"("token_hash");

-- CreateIndex
CREATE INDEX "api_token_organization_id_idx" ON "api_token"("organization_id");

-- CreateIndex
CREATE INDEX "webhook_endpoint_organization_id_idx" ON "webhook_endpoint"("organization_id");

-- CreateIndex
CREATE UNIQUE INDEX "dashboard_link_token_hash_key" ON "dashboard_link"("token_hash");

-- AddForeignKey
ALTER TABLE "poll" ADD CONSTRAINT "poll_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "poll_option" ADD CONSTRAINT "poll_option_poll_id_fkey" FOREIGN KEY ("poll_id") REFERENCES "poll"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "poll_post" ADD CONSTRAINT "poll_post_poll_id_fkey" FOREIGN KEY ("poll_id") REFERENCES "poll"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ballot" ADD CONSTRAINT "ballot_poll_id_fkey" FOREIGN KEY ("poll_id") REFERENCES "poll"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ballot" ADD CONSTRAINT "ballot_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "announcement" ADD CONSTRAINT "announcement_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "delivery" ADD CONSTRAINT "delivery_announcement_id_fkey" FOREIGN KEY ("announcement_id") REFERENCES "announcement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "member_privacy" ADD CONSTRAINT "member_privacy_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_token" ADD CONSTRAINT "api_token_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_endpoint" ADD CONSTRAINT "webhook_endpoint_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dashboard_link" ADD CONSTRAINT "dashboard_link_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dashboard_link" ADD CONSTRAINT "dashboard_link_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE ON UPDATE CASCADE;
