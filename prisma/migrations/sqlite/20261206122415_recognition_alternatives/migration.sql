-- AlterTable
ALTER TABLE "recognitions" ADD COLUMN "alternatives" JSONB;
