-- AlterTable
ALTER TABLE "recognitions" ADD COLUMN     "boardKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "recognitions_boardKey_key" ON "recognitions"("boardKey");
