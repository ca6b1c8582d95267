-- CreateTable
CREATE TABLE "board_writers" (
    "roomId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "participant" TEXT NOT NULL,
    "seenAt" DATETIME NOT NULL,

    PRIMARY KEY ("roomId", "key")
);

-- CreateIndex
CREATE INDEX "board_writers_roomId_seenAt_idx" ON "board_writers"("roomId", "seenAt");
