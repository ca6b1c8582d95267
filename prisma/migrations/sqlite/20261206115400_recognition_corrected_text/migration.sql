-- AlterTable
ALTER TABLE "recognitions" ADD COLUMN "correctedText" TEXT;
