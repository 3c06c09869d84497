-- Surveys: drafts, opening and closing times, the minimum group size of breakdowns, delivered
-- invitations and the sealed answers of anonymous responses until their batch is released.
ALTER TYPE "SurveyStatus" ADD VALUE 'draft';

-- AlterTable
ALTER TABLE "survey" ADD COLUMN     "closes_at" TIMESTAMPTZ(3),
ADD COLUMN     "min_group_size" INTEGER NOT NULL DEFAULT 5,
ADD COLUMN     "opens_at" TIMESTAMPTZ(3),
ADD COLUMN     "sent_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "survey_invite" ADD COLUMN     "delivered" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "sealed_answers" TEXT;

-- AlterTable
ALTER TABLE "survey_answer" ADD COLUMN     "response_id" UUID;
