-- AlterTable
ALTER TABLE "users" ADD COLUMN "displayName" TEXT;

-- CreateTable
CREATE TABLE "health_probes" (
    "node" TEXT NOT NULL PRIMARY KEY,
    "writtenAt" DATETIME NOT NULL
);
