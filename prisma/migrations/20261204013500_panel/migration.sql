-- Sounding-board panel (panel capability): who is willing to be asked, the import's columns the draw
-- balances over, the panel with its seats, and its members-only place per workspace.

-- CreateTable
CREATE TABLE "panel_candidate" (
    "member_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "opted_in" BOOLEAN NOT NULL DEFAULT false,
    "opted_in_at" TIMESTAMPTZ(3),
    "age_group" TEXT,
    "membership_type" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "panel_candidate_pkey" PRIMARY KEY ("member_id")
);

-- CreateTable
CREATE TABLE "panel" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "size" INTEGER NOT NULL,
    "seed" INTEGER NOT NULL,
    "drawn_at" TIMESTAMPTZ(3) NOT NULL,
    "drawn_by_member_id" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "panel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "panel_seat" (
    "panel_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "source" TEXT NOT NULL,
    "stratum" TEXT NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "panel_seat_pkey" PRIMARY KEY ("panel_id","member_id")
);

-- CreateTable
CREATE TABLE "panel_place" (
    "organization_id" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "workspace_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "panel_place_pkey" PRIMARY KEY ("organization_id","platform","workspace_id")
);

-- CreateIndex
CREATE INDEX "panel_candidate_organization_id_opted_in_idx" ON "panel_candidate"("organization_id", "opted_in");

-- CreateIndex
CREATE UNIQUE INDEX "panel_organization_id_key" ON "panel"("organization_id");

-- CreateIndex
CREATE INDEX "panel_seat_member_id_idx" ON "panel_seat"("member_id");

-- AddForeignKey
ALTER TABLE "panel_candidate" ADD CONSTRAINT "panel_candidate_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "panel" ADD CONSTRAINT "panel_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "panel_seat" ADD CONSTRAINT "panel_seat_panel_id_fkey" FOREIGN KEY ("panel_id") REFERENCES "panel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "panel_seat" ADD CONSTRAINT "panel_seat_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "panel_place" ADD CONSTRAINT "panel_place_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
