-- CreateEnum
CREATE TYPE "MeetupStatus" AS ENUM ('scheduled', 'cancelled');

-- CreateEnum
CREATE TYPE "MeetupPlaceKind" AS ENUM ('address', 'online');

-- CreateEnum
CREATE TYPE "MeetupAnswer" AS ENUM ('going', 'maybe', 'not_going');

-- CreateEnum
CREATE TYPE "MeetupSeat" AS ENUM ('confirmed', 'waitlisted');

-- CreateTable
CREATE TABLE "meetup" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "created_by_member_id" UUID,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "time_zone" TEXT NOT NULL,
    "place_kind" "MeetupPlaceKind" NOT NULL,
    "place" TEXT NOT NULL,
    "audience_kind" "AudienceKind" NOT NULL DEFAULT 'all',
    "audience_chapter_ids" UUID[] DEFAULT ARRAY[]::UUID[],
    "audience_roles" "MemberRole"[] DEFAULT ARRAY[]::"MemberRole"[],
    "guests_per_member" INTEGER NOT NULL DEFAULT 0,
    "capacity" INTEGER,
    "rsvp_deadline" TIMESTAMPTZ(3),
    "reminder_offsets" INTEGER[],
    "status" "MeetupStatus" NOT NULL DEFAULT 'scheduled',
    "version" INTEGER NOT NULL DEFAULT 1,
    "check_in_code" TEXT NOT NULL,
    "ics_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cancelled_at" TIMESTAMPTZ(3),

    CONSTRAINT "meetup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "meetup_post" (
    "id" UUID NOT NULL,
    "meetup_id" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "workspace_external_id" TEXT NOT NULL,
    "channel_external_id" TEXT NOT NULL,
    "message_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "meetup_post_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "meetup_rsvp" (
    "id" UUID NOT NULL,
    "meetup_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "answer" "MeetupAnswer" NOT NULL,
    "seat" "MeetupSeat",
    "guests" INTEGER NOT NULL DEFAULT 0,
    "seat_at" TIMESTAMPTZ(3),
    "platform" "Platform",
    "workspace_external_id" TEXT,
    "platform_user_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "meetup_rsvp_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "meetup_reminder" (
    "id" UUID NOT NULL,
    "meetup_id" UUID NOT NULL,
    "offset_minutes" INTEGER NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "meetup_reminder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "meetup_attendance" (
    "id" UUID NOT NULL,
    "meetup_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "checked_in_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "meetup_attendance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "meetup_calendar_feed" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "meetup_calendar_feed_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "meetup_mirror" (
    "id" UUID NOT NULL,
    "meetup_id" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "workspace_external_id" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,

    CONSTRAINT "meetup_mirror_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "meetup_ics_key_key" ON "meetup"("ics_key");

-- CreateIndex
CREATE INDEX "meetup_organization_id_starts_at_idx" ON "meetup"("organization_id", "starts_at");

-- CreateIndex
CREATE UNIQUE INDEX "meetup_post_meetup_id_platform_workspace_external_id_channe_key" ON "meetup_post"("meetup_id", "platform", "workspace_external_id", "channel_external_id");

-- CreateIndex
CREATE INDEX "meetup_rsvp_meetup_id_seat_seat_at_idx" ON "meetup_rsvp"("meetup_id", "seat", "seat_at");

-- CreateIndex
CREATE INDEX "meetup_rsvp_member_id_idx" ON "meetup_rsvp"("member_id");

-- CreateIndex
CREATE UNIQUE INDEX "meetup_rsvp_meetup_id_member_id_key" ON "meetup_rsvp"("meetup_id", "member_id");

-- CreateIndex
CREATE UNIQUE INDEX "meetup_reminder_meetup_id_offset_minutes_key" ON "meetup_reminder"("meetup_id", "offset_minutes");

-- CreateIndex
CREATE INDEX "meetup_attendance_member_id_idx" ON "meetup_attendance"("member_id");

-- CreateIndex
CREATE UNIQUE INDEX "meetup_attendance_meetup_id_member_id_key" ON "meetup_attendance"("meetup_id", "member_id");

-- CreateIndex
CREATE UNIQUE INDEX "meetup_calendar_feed_token_hash_key" ON "meetup_calendar_feed"("token_hash");

-- CreateIndex
CREATE INDEX "meetup_calendar_feed_member_id_idx" ON "meetup_calendar_feed"("member_id");

-- CreateIndex
CREATE UNIQUE INDEX "meetup_mirror_meetup_id_platform_workspace_external_id_key" ON "meetup_mirror"("meetup_id", "platform", "workspace_external_id");

-- AddForeignKey
ALTER TABLE "meetup" ADD CONSTRAINT "meetup_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetup_post" ADD CONSTRAINT "meetup_post_meetup_id_fkey" FOREIGN KEY ("meetup_id") REFERENCES "meetup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetup_rsvp" ADD CONSTRAINT "meetup_rsvp_meetup_id_fkey" FOREIGN KEY ("meetup_id") REFERENCES "meetup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetup_rsvp" ADD CONSTRAINT "meetup_rsvp_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetup_reminder" ADD CONSTRAINT "meetup_reminder_meetup_id_fkey" FOREIGN KEY ("meetup_id") REFERENCES "meetup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetup_attendance" ADD CONSTRAINT "meetup_attendance_meetup_id_fkey" FOREIGN KEY ("meetup_id") REFERENCES "meetup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetup_attendance" ADD CONSTRAINT "meetup_attendance_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetup_calendar_feed" ADD CONSTRAINT "meetup_calendar_feed_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetup_mirror" ADD CONSTRAINT "meetup_mirror_meetup_id_fkey" FOREIGN KEY ("meetup_id") REFERENCES "meetup"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Rules the database holds itself (Prisma does not model CHECK constraints): only a `going` answer has a
-- seat, guests are never negative, a limited meet-up has at least one place, and it ends after it starts.
ALTER TABLE "meetup_rsvp" ADD CONSTRAINT "meetup_rsvp_seat_only_when_going" CHECK (("answer" = 'going') = ("seat" IS NOT NULL));
ALTER TABLE "meetup_rsvp" ADD CONSTRAINT "meetup_rsvp_guests_not_negative" CHECK ("guests" >= 0);
ALTER TABLE "meetup" ADD CONSTRAINT "meetup_capacity_positive" CHECK ("capacity" IS NULL OR "capacity" > 0);
ALTER TABLE "meetup" ADD CONSTRAINT "meetup_ends_after_start" CHECK ("ends_at" > "starts_at");
