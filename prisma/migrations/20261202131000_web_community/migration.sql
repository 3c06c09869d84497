-- The web community (issue 17): `web` as a fourth platform, the messages Kring posts there, and browser
-- sessions (tokens stored as sha256 only).
ALTER TYPE "Platform" ADD VALUE IF NOT EXISTS 'web';

-- CreateTable
CREATE TABLE "web_message" (
    "id" UUID NOT NULL,
    "space" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "view" JSONB NOT NULL,
    "idempotency_key" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "web_message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "web_session" (
    "token_hash" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "space" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "web_session_pkey" PRIMARY KEY ("token_hash")
);

-- CreateIndex
CREATE INDEX "web_message_space_channel_created_at_idx" ON "web_message"("space", "channel", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "web_message_space_idempotency_key_key" ON "web_message"("space", "idempotency_key");

-- CreateIndex
CREATE INDEX "web_session_expires_at_idx" ON "web_session"("expires_at");
