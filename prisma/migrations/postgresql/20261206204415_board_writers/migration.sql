-- CreateTable
CREATE TABLE "board_writers" (
    "roomId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "participant" TEXT NOT NULL,
    "seenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "board_writers_pkey" PRIMARY KEY ("roomId","key")
);

-- CreateIndex
CREATE INDEX "board_writers_roomId_seenAt_idx" ON "board_writers"("roomId", "seenAt");
