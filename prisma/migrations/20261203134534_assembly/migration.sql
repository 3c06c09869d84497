-- CreateEnum
CREATE TYPE "AssemblyMode" AS ENUM ('hybrid', 'online');

-- CreateEnum
CREATE TYPE "AssemblyItemKind" AS ENUM ('motion', 'election');

-- CreateEnum
CREATE TYPE "AssemblyItemStatus" AS ENUM ('pending', 'open', 'closed');

-- CreateTable
CREATE TABLE "assembly" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "mode" "AssemblyMode" NOT NULL,
    "early_voting_from" TIMESTAMPTZ(3),
    "max_proxies_per_holder" INTEGER NOT NULL,
    "quorum" JSONB NOT NULL,
    "snapshot_at" TIMESTAMPTZ(3),
    "voting_opened_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assembly_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assembly_item" (
    "id" UUID NOT NULL,
    "assembly_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "kind" "AssemblyItemKind" NOT NULL,
    "choices" TEXT[],
    "majority" TEXT NOT NULL,
    "secret" BOOLEAN NOT NULL,
    "status" "AssemblyItemStatus" NOT NULL DEFAULT 'pending',
    "opened_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),
    "result" JSONB,

    CONSTRAINT "assembly_item_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assembly_voter" (
    "id" UUID NOT NULL,
    "assembly_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "member_number" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "roles" TEXT[],
    "weight" INTEGER NOT NULL,

    CONSTRAINT "assembly_voter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assembly_proxy" (
    "id" UUID NOT NULL,
    "assembly_id" UUID NOT NULL,
    "grantor_voter_id" UUID NOT NULL,
    "holder_voter_id" UUID NOT NULL,
    "granted_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "assembly_proxy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assembly_check_in" (
    "assembly_id" UUID NOT NULL,
    "voter_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "assembly_check_in_pkey" PRIMARY KEY ("assembly_id","voter_id")
);

-- CreateTable
CREATE TABLE "assembly_has_voted" (
    "item_id" UUID NOT NULL,
    "voter_id" UUID NOT NULL,
    "cast_by_voter_id" UUID NOT NULL,
    "early" BOOLEAN NOT NULL,
    "choice" TEXT,
    "weight" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "assembly_has_voted_pkey" PRIMARY KEY ("item_id","voter_id")
);

-- CreateTable
CREATE TABLE "assembly_ballot" (
    "id" UUID NOT NULL,
    "item_id" UUID NOT NULL,
    "receipt" TEXT NOT NULL,
    "choice" TEXT NOT NULL,
    "weight" INTEGER NOT NULL,

    CONSTRAINT "assembly_ballot_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "assembly_organization_id_starts_at_idx" ON "assembly"("organization_id", "starts_at");

-- CreateIndex
CREATE UNIQUE INDEX "assembly_item_assembly_id_position_key" ON "assembly_item"("assembly_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "assembly_voter_assembly_id_member_id_key" ON "assembly_voter"("assembly_id", "member_id");

-- CreateIndex
CREATE INDEX "assembly_proxy_assembly_id_idx" ON "assembly_proxy"("assembly_id");

-- CreateIndex
CREATE UNIQUE INDEX "assembly_ballot_receipt_key" ON "assembly_ballot"("receipt");

-- AddForeignKey
ALTER TABLE "assembly" ADD CONSTRAINT "assembly_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assembly_item" ADD CONSTRAINT "assembly_item_assembly_id_fkey" FOREIGN KEY ("assembly_id") REFERENCES "assembly"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assembly_voter" ADD CONSTRAINT "assembly_voter_assembly_id_fkey" FOREIGN KEY ("assembly_id") REFERENCES "assembly"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assembly_proxy" ADD CONSTRAINT "assembly_proxy_assembly_id_fkey" FOREIGN KEY ("assembly_id") REFERENCES "assembly"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assembly_check_in" ADD CONSTRAINT "assembly_check_in_assembly_id_fkey" FOREIGN KEY ("assembly_id") REFERENCES "assembly"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assembly_has_voted" ADD CONSTRAINT "assembly_has_voted_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "assembly_item"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assembly_ballot" ADD CONSTRAINT "assembly_ballot_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "assembly_item"("id") ON DELETE CASCADE ON UPDATE CASCADE;


