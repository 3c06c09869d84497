-- CreateEnum
CREATE TYPE "StatementStatus" AS ENUM ('open', 'closed');

-- CreateEnum
CREATE TYPE "StatementStance" AS ENUM ('agree', 'neutral', 'disagree');

-- CreateEnum
CREATE TYPE "IdeaStatus" AS ENUM ('new', 'under_consideration', 'planned', 'done', 'declined');

-- CreateEnum
CREATE TYPE "SurveyStatus" AS ENUM ('open', 'closed');

-- CreateEnum
CREATE TYPE "SurveyQuestionKind" AS ENUM ('single', 'multiple', 'scale', 'nps', 'text');

-- AlterEnum
ALTER TYPE "ChannelPurpose" ADD VALUE 'ideas';

-- CreateTable
CREATE TABLE "statement" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "created_by_member_id" UUID,
    "text" TEXT NOT NULL,
    "status" "StatementStatus" NOT NULL DEFAULT 'open',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "statement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "statement_post" (
    "id" UUID NOT NULL,
    "statement_id" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "workspace_external_id" TEXT NOT NULL,
    "channel_external_id" TEXT NOT NULL,
    "message_id" TEXT,
    "thread_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "statement_post_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "statement_answer" (
    "id" UUID NOT NULL,
    "statement_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "stance" "StatementStance" NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "statement_answer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idea" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "submitted_by_member_id" UUID,
    "text" TEXT NOT NULL,
    "status" "IdeaStatus" NOT NULL DEFAULT 'new',
    "reason" TEXT,
    "status_changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idea_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idea_post" (
    "id" UUID NOT NULL,
    "idea_id" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "workspace_external_id" TEXT NOT NULL,
    "channel_external_id" TEXT NOT NULL,
    "message_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idea_post_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idea_vote" (
    "id" UUID NOT NULL,
    "idea_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idea_vote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idea_status_change" (
    "id" UUID NOT NULL,
    "idea_id" UUID NOT NULL,
    "status" "IdeaStatus" NOT NULL,
    "reason" TEXT,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idea_status_change_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "survey" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "created_by_member_id" UUID,
    "title" TEXT NOT NULL,
    "anonymous" BOOLEAN NOT NULL DEFAULT false,
    "status" "SurveyStatus" NOT NULL DEFAULT 'open',
    "audience" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "survey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "survey_question" (
    "id" UUID NOT NULL,
    "survey_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" "SurveyQuestionKind" NOT NULL,
    "prompt" TEXT NOT NULL,
    "options" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "survey_question_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "survey_invite" (
    "id" UUID NOT NULL,
    "survey_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "next_question" INTEGER NOT NULL DEFAULT 0,
    "completed" BOOLEAN NOT NULL DEFAULT false,
    "reminded_at" TIMESTAMPTZ(3),

    CONSTRAINT "survey_invite_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "survey_answer" (
    "id" UUID NOT NULL,
    "survey_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "member_id" UUID,
    "choices" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "value" INTEGER,
    "text" TEXT,

    CONSTRAINT "survey_answer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "statement_organization_id_status_idx" ON "statement"("organization_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "statement_post_statement_id_platform_workspace_external_id__key" ON "statement_post"("statement_id", "platform", "workspace_external_id", "channel_external_id");

-- CreateIndex
CREATE INDEX "statement_answer_member_id_idx" ON "statement_answer"("member_id");

-- CreateIndex
CREATE UNIQUE INDEX "statement_answer_statement_id_member_id_key" ON "statement_answer"("statement_id", "member_id");

-- CreateIndex
CREATE INDEX "idea_organization_id_status_idx" ON "idea"("organization_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "idea_post_idea_id_platform_workspace_external_id_channel_ex_key" ON "idea_post"("idea_id", "platform", "workspace_external_id", "channel_external_id");

-- CreateIndex
CREATE INDEX "idea_vote_member_id_idx" ON "idea_vote"("member_id");

-- CreateIndex
CREATE UNIQUE INDEX "idea_vote_idea_id_member_id_key" ON "idea_vote"("idea_id", "member_id");

-- CreateIndex
CREATE INDEX "idea_status_change_idea_id_changed_at_idx" ON "idea_status_change"("idea_id", "changed_at");

-- CreateIndex
CREATE INDEX "survey_organization_id_status_idx" ON "survey"("organization_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "survey_question_survey_id_position_key" ON "survey_question"("survey_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "survey_invite_survey_id_member_id_key" ON "survey_invite"("survey_id", "member_id");

-- CreateIndex
CREATE INDEX "survey_answer_survey_id_position_idx" ON "survey_answer"("survey_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "survey_answer_survey_id_position_member_id_key" ON "survey_answer"("survey_id", "position", "member_id");

-- AddForeignKey
ALTER TABLE "statement" ADD CONSTRAINT "statement_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "statement_post" ADD CONSTRAINT "statement_post_statement_id_fkey" FOREIGN KEY ("statement_id") REFERENCES "statement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "statement_answer" ADD CONSTRAINT "statement_answer_statement_id_fkey" FOREIGN KEY ("statement_id") REFERENCES "statement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "statement_answer" ADD CONSTRAINT "statement_answer_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "idea" ADD CONSTRAINT "idea_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "idea_post" ADD CONSTRAINT "idea_post_idea_id_fkey" FOREIGN KEY ("idea_id") REFERENCES "idea"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "idea_vote" ADD CONSTRAINT "idea_vote_idea_id_fkey" FOREIGN KEY ("idea_id") REFERENCES "idea"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "idea_vote" ADD CONSTRAINT "idea_vote_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "idea_status_change" ADD CONSTRAINT "idea_status_change_idea_id_fkey" FOREIGN KEY ("idea_id") REFERENCES "idea"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "survey" ADD CONSTRAINT "survey_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "survey_question" ADD CONSTRAINT "survey_question_survey_id_fkey" FOREIGN KEY ("survey_id") REFERENCES "survey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "survey_invite" ADD CONSTRAINT "survey_invite_survey_id_fkey" FOREIGN KEY ("survey_id") REFERENCES "survey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "survey_invite" ADD CONSTRAINT "survey_invite_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "survey_answer" ADD CONSTRAINT "survey_answer_survey_id_fkey" FOREIGN KEY ("survey_id") REFERENCES "survey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "survey_answer" ADD CONSTRAINT "survey_answer_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE SET NULL ON UPDATE CASCADE;


