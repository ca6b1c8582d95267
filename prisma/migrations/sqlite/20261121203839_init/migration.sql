-- CreateTable
CREATE TABLE "users" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    CONSTRAINT "sessions_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "recognitions" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "source" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "latencyMs" REAL NOT NULL,
    "strokes" JSONB,
    "width" REAL,
    "height" REAL,
    "thumbnail" BLOB,
    "rejected" JSONB NOT NULL,
    CONSTRAINT "recognitions_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "recognized_digits" (
    "recognitionId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "digit" INTEGER NOT NULL,
    "confidence" REAL NOT NULL,
    "probabilities" JSONB NOT NULL,
    "boxX" REAL NOT NULL,
    "boxY" REAL NOT NULL,
    "boxWidth" REAL NOT NULL,
    "boxHeight" REAL NOT NULL,

    PRIMARY KEY ("recognitionId", "position"),
    CONSTRAINT "recognized_digits_recognitionId_fkey" FOREIGN KEY ("recognitionId") REFERENCES "recognitions" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "sessions_userId_idx" ON "sessions"("userId");

-- CreateIndex
CREATE INDEX "sessions_expiresAt_idx" ON "sessions"("expiresAt");

-- CreateIndex
CREATE INDEX "recognitions_userId_createdAt_id_idx" ON "recognitions"("userId", "createdAt", "id");
