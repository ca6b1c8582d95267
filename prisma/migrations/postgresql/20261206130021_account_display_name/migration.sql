-- AlterTable
ALTER TABLE "users" ADD COLUMN     "displayName" TEXT;

-- CreateTable
CREATE TABLE "health_probes" (
    "node" TEXT NOT NULL,
    "writtenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "health_probes_pkey" PRIMARY KEY ("node")
);
