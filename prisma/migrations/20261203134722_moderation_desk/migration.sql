-- The reported texts live as long as their case and are erased when it closes (moderation_report.erased_at):
-- a retention in days never applied to anything.
ALTER TABLE "moderation_settings" DROP COLUMN "text_retention_days";

-- The case desk's sign-in links go with their member and organisation (a forgotten member leaves none behind).
-- Nothing wrote links before this migration; any row without its member could never sign anyone in.
DELETE FROM "moderation_desk_link" l WHERE NOT EXISTS (SELECT 1 FROM "member" m WHERE m."id" = l."member_id" AND m."organization_id" = l."organization_id");

-- AddForeignKey
ALTER TABLE "moderation_desk_link" ADD CONSTRAINT "moderation_desk_link_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "moderation_desk_link" ADD CONSTRAINT "moderation_desk_link_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE ON UPDATE CASCADE;
