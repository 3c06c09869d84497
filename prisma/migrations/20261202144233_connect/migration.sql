-- Members find each other (issue 13): interests, profiles, introduction rounds, peer support, asks for help,
-- onboarding (src/capabilities/connect), and the insights capability's community figures.

-- CreateTable
CREATE TABLE "connect_interest" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "name_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "connect_interest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connect_interest_place" (
    "interest_id" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "workspace_external_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,

    CONSTRAINT "connect_interest_place_pkey" PRIMARY KEY ("interest_id","platform","workspace_external_id")
);

-- CreateTable
CREATE TABLE "connect_profile" (
    "member_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "intro" TEXT NOT NULL DEFAULT '',
    "intros_every_weeks" INTEGER,
    "reach" TEXT NOT NULL DEFAULT 'hidden',
    "share_with_api" BOOLEAN NOT NULL DEFAULT false,
    "buddy" BOOLEAN NOT NULL DEFAULT false,
    "saved_at" TIMESTAMPTZ(3),
    "last_introduced_at" TIMESTAMPTZ(3),
    "last_buddy_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "connect_profile_pkey" PRIMARY KEY ("member_id")
);

-- CreateTable
CREATE TABLE "connect_member_interest" (
    "member_id" UUID NOT NULL,
    "interest_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "last_asked_at" TIMESTAMPTZ(3),

    CONSTRAINT "connect_member_interest_pkey" PRIMARY KEY ("member_id","interest_id","kind")
);

-- CreateTable
CREATE TABLE "connect_program" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "scope" TEXT NOT NULL,
    "interest_id" UUID,
    "chapter_id" UUID,
    "every_weeks" INTEGER NOT NULL,
    "prefer_chapter" BOOLEAN NOT NULL DEFAULT false,
    "avoid_rounds" INTEGER NOT NULL DEFAULT 4,
    "follow_up_days" INTEGER NOT NULL DEFAULT 7,
    "next_round_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stopped_at" TIMESTAMPTZ(3),

    CONSTRAINT "connect_program_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connect_round" (
    "id" UUID NOT NULL,
    "program_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "ran_at" TIMESTAMPTZ(3) NOT NULL,
    "members" INTEGER NOT NULL,
    "groups" INTEGER NOT NULL,
    "follow_up_at" TIMESTAMPTZ(3) NOT NULL,
    "follow_up_sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "connect_round_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connect_intro_group" (
    "id" UUID NOT NULL,
    "round_id" UUID NOT NULL,
    "starter" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "connect_intro_group_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connect_intro_member" (
    "group_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "workspace_external_id" TEXT NOT NULL,
    "platform_user_id" TEXT NOT NULL,
    "met" BOOLEAN,
    "answered_at" TIMESTAMPTZ(3),

    CONSTRAINT "connect_intro_member_pkey" PRIMARY KEY ("group_id","member_id")
);

-- CreateTable
CREATE TABLE "connect_situation" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "name_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "connect_situation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connect_peer_volunteer" (
    "id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "situation_sealed" TEXT NOT NULL,
    "consented_at" TIMESTAMPTZ(3) NOT NULL,
    "paused_at" TIMESTAMPTZ(3),
    "last_asked_at" TIMESTAMPTZ(3),

    CONSTRAINT "connect_peer_volunteer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connect_peer_request" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "seeker_id" UUID NOT NULL,
    "situation_sealed" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "introduced_at" TIMESTAMPTZ(3),

    CONSTRAINT "connect_peer_request_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connect_peer_ask" (
    "request_id" UUID NOT NULL,
    "volunteer_id" UUID NOT NULL,
    "asked_at" TIMESTAMPTZ(3) NOT NULL,
    "answer" TEXT,
    "answered_at" TIMESTAMPTZ(3),

    CONSTRAINT "connect_peer_ask_pkey" PRIMARY KEY ("request_id","volunteer_id")
);

-- CreateTable
CREATE TABLE "connect_ask" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "asker_id" UUID NOT NULL,
    "interest_id" UUID NOT NULL,
    "question" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "consented_at" TIMESTAMPTZ(3),
    "helper_id" UUID,
    "helped_at" TIMESTAMPTZ(3),
    "escalate_at" TIMESTAMPTZ(3),
    "escalated_at" TIMESTAMPTZ(3),

    CONSTRAINT "connect_ask_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connect_ask_recipient" (
    "ask_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "connect_ask_recipient_pkey" PRIMARY KEY ("ask_id","member_id")
);

-- CreateTable
CREATE TABLE "connect_onboarding" (
    "member_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "welcomed_at" TIMESTAMPTZ(3) NOT NULL,
    "buddy_id" UUID,
    "rules_version" INTEGER,
    "agreed_at" TIMESTAMPTZ(3),

    CONSTRAINT "connect_onboarding_pkey" PRIMARY KEY ("member_id")
);

-- CreateTable
CREATE TABLE "connect_settings" (
    "organization_id" UUID NOT NULL,
    "rules_nl" TEXT,
    "rules_en" TEXT,
    "rules_version" INTEGER NOT NULL DEFAULT 0,
    "ask_escalate_hours" INTEGER NOT NULL DEFAULT 48,
    "ask_helpers" INTEGER NOT NULL DEFAULT 3,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "connect_settings_pkey" PRIMARY KEY ("organization_id")
);

-- CreateTable
CREATE TABLE "insights_member_milestone" (
    "member_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "milestone" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "insights_member_milestone_pkey" PRIMARY KEY ("member_id","milestone")
);

-- CreateTable
CREATE TABLE "insights_community_daily" (
    "organization_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "metric" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "insights_community_daily_pkey" PRIMARY KEY ("organization_id","day","metric")
);

-- CreateTable
CREATE TABLE "insights_intro_round" (
    "round_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "label" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "ran_at" TIMESTAMPTZ(3) NOT NULL,
    "members" INTEGER NOT NULL,
    "groups" INTEGER NOT NULL,
    "met_groups" INTEGER NOT NULL DEFAULT 0,
    "answers_yes" INTEGER NOT NULL DEFAULT 0,
    "answers_no" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "insights_intro_round_pkey" PRIMARY KEY ("round_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "connect_interest_organization_id_name_key_key" ON "connect_interest"("organization_id", "name_key");

-- CreateIndex
CREATE INDEX "connect_profile_organization_id_reach_idx" ON "connect_profile"("organization_id", "reach");

-- CreateIndex
CREATE INDEX "connect_member_interest_interest_id_kind_idx" ON "connect_member_interest"("interest_id", "kind");

-- CreateIndex
CREATE INDEX "connect_program_organization_id_stopped_at_idx" ON "connect_program"("organization_id", "stopped_at");

-- CreateIndex
CREATE INDEX "connect_program_stopped_at_next_round_at_idx" ON "connect_program"("stopped_at", "next_round_at");

-- CreateIndex
CREATE INDEX "connect_round_follow_up_sent_at_follow_up_at_idx" ON "connect_round"("follow_up_sent_at", "follow_up_at");

-- CreateIndex
CREATE UNIQUE INDEX "connect_round_program_id_number_key" ON "connect_round"("program_id", "number");

-- CreateIndex
CREATE INDEX "connect_intro_group_round_id_idx" ON "connect_intro_group"("round_id");

-- CreateIndex
CREATE INDEX "connect_intro_member_member_id_idx" ON "connect_intro_member"("member_id");

-- CreateIndex
CREATE UNIQUE INDEX "connect_situation_organization_id_name_key_key" ON "connect_situation"("organization_id", "name_key");

-- CreateIndex
CREATE INDEX "connect_peer_volunteer_organization_id_idx" ON "connect_peer_volunteer"("organization_id");

-- CreateIndex
CREATE INDEX "connect_peer_volunteer_member_id_idx" ON "connect_peer_volunteer"("member_id");

-- CreateIndex
CREATE INDEX "connect_peer_request_seeker_id_idx" ON "connect_peer_request"("seeker_id");

-- CreateIndex
CREATE INDEX "connect_peer_ask_volunteer_id_idx" ON "connect_peer_ask"("volunteer_id");

-- CreateIndex
CREATE INDEX "connect_ask_organization_id_status_idx" ON "connect_ask"("organization_id", "status");

-- CreateIndex
CREATE INDEX "connect_ask_status_escalate_at_idx" ON "connect_ask"("status", "escalate_at");

-- CreateIndex
CREATE INDEX "connect_ask_recipient_member_id_idx" ON "connect_ask_recipient"("member_id");

-- CreateIndex
CREATE INDEX "connect_onboarding_buddy_id_idx" ON "connect_onboarding"("buddy_id");

-- CreateIndex
CREATE INDEX "insights_member_milestone_organization_id_milestone_at_idx" ON "insights_member_milestone"("organization_id", "milestone", "at");

-- CreateIndex
CREATE INDEX "insights_intro_round_organization_id_ran_at_idx" ON "insights_intro_round"("organization_id", "ran_at");

-- AddForeignKey
ALTER TABLE "connect_interest_place" ADD CONSTRAINT "connect_interest_place_interest_id_fkey" FOREIGN KEY ("interest_id") REFERENCES "connect_interest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_profile" ADD CONSTRAINT "connect_profile_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_member_interest" ADD CONSTRAINT "connect_member_interest_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "connect_profile"("member_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_member_interest" ADD CONSTRAINT "connect_member_interest_interest_id_fkey" FOREIGN KEY ("interest_id") REFERENCES "connect_interest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_program" ADD CONSTRAINT "connect_program_interest_id_fkey" FOREIGN KEY ("interest_id") REFERENCES "connect_interest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_round" ADD CONSTRAINT "connect_round_program_id_fkey" FOREIGN KEY ("program_id") REFERENCES "connect_program"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_intro_group" ADD CONSTRAINT "connect_intro_group_round_id_fkey" FOREIGN KEY ("round_id") REFERENCES "connect_round"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_intro_member" ADD CONSTRAINT "connect_intro_member_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "connect_intro_group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_intro_member" ADD CONSTRAINT "connect_intro_member_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "connect_profile"("member_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_peer_volunteer" ADD CONSTRAINT "connect_peer_volunteer_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "connect_profile"("member_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_peer_request" ADD CONSTRAINT "connect_peer_request_seeker_id_fkey" FOREIGN KEY ("seeker_id") REFERENCES "connect_profile"("member_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_peer_ask" ADD CONSTRAINT "connect_peer_ask_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "connect_peer_request"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_peer_ask" ADD CONSTRAINT "connect_peer_ask_volunteer_id_fkey" FOREIGN KEY ("volunteer_id") REFERENCES "connect_profile"("member_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_ask" ADD CONSTRAINT "connect_ask_asker_id_fkey" FOREIGN KEY ("asker_id") REFERENCES "connect_profile"("member_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_ask" ADD CONSTRAINT "connect_ask_helper_id_fkey" FOREIGN KEY ("helper_id") REFERENCES "connect_profile"("member_id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_ask" ADD CONSTRAINT "connect_ask_interest_id_fkey" FOREIGN KEY ("interest_id") REFERENCES "connect_interest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_ask_recipient" ADD CONSTRAINT "connect_ask_recipient_ask_id_fkey" FOREIGN KEY ("ask_id") REFERENCES "connect_ask"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_ask_recipient" ADD CONSTRAINT "connect_ask_recipient_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "connect_profile"("member_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_onboarding" ADD CONSTRAINT "connect_onboarding_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "connect_profile"("member_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_onboarding" ADD CONSTRAINT "connect_onboarding_buddy_id_fkey" FOREIGN KEY ("buddy_id") REFERENCES "connect_profile"("member_id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "insights_member_milestone" ADD CONSTRAINT "insights_member_milestone_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE ON UPDATE CASCADE;


