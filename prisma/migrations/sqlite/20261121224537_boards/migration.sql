-- CreateTable
CREATE TABLE "board_records" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "roomId" TEXT NOT NULL,
    "seq" BIGINT,
    "kind" TEXT NOT NULL,
    "strokeId" TEXT,
    "body" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "board_records_roomId_seq_idx" ON "board_records"("roomId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "board_records_roomId_strokeId_key" ON "board_records"("roomId", "strokeId");
