-- AlterTable
ALTER TABLE "recognitions" ADD COLUMN "math" JSONB;
