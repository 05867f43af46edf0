-- CreateEnum
CREATE TYPE "ExecutionStatus" AS ENUM ('PENDING', 'RUNNING', 'PAUSED', 'APPROVAL_REQUIRED', 'VERIFYING', 'FAILED', 'ROLLING_BACK', 'ROLLED_BACK', 'ABORTED', 'SUCCESS');

-- CreateEnum
CREATE TYPE "StageStatus" AS ENUM ('PENDING', 'RUNNING', 'ROLLING_BACK', 'SUCCESS', 'FAILED', 'ROLLED_BACK', 'SKIPPED', 'ABORTED');

-- CreateEnum
CREATE TYPE "StepStatus" AS ENUM ('PENDING', 'QUEUED', 'RUNNING', 'WAITING', 'APPROVAL_REQUIRED', 'INTERVENTION_REQUIRED', 'APPROVED', 'REJECTED', 'EXPIRED', 'SUCCESS', 'FAILED', 'IGNORED', 'SKIPPED', 'ABORTED', 'SUPERSEDED');

-- CreateEnum
CREATE TYPE "DelegateStatus" AS ENUM ('CONNECTED', 'DISCONNECTED', 'LOST', 'STOPPED');

-- CreateEnum
CREATE TYPE "SecretKind" AS ENUM ('TEXT', 'FILE');

-- AlterTable
ALTER TABLE "pipeline" ADD COLUMN     "lastSequenceId" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "execution" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "pipelineId" TEXT NOT NULL,
    "revisionId" TEXT NOT NULL,
    "sequenceId" INTEGER NOT NULL,
    "status" "ExecutionStatus" NOT NULL DEFAULT 'PENDING',
    "trigger" TEXT NOT NULL DEFAULT 'manual',
    "triggeredById" TEXT,
    "inputs" JSONB NOT NULL DEFAULT '{}',
    "pauseRequested" BOOLEAN NOT NULL DEFAULT false,
    "abortRequested" BOOLEAN NOT NULL DEFAULT false,
    "cursor" BIGINT NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "execution_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stage_run" (
    "id" TEXT NOT NULL,
    "executionId" TEXT NOT NULL,
    "stageId" TEXT NOT NULL,
    "status" "StageStatus" NOT NULL DEFAULT 'PENDING',
    "reason" TEXT NOT NULL DEFAULT '',
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "stage_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "step_run" (
    "id" TEXT NOT NULL,
    "executionId" TEXT NOT NULL,
    "stageId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "inRollback" BOOLEAN NOT NULL DEFAULT false,
    "type" TEXT NOT NULL,
    "status" "StepStatus" NOT NULL DEFAULT 'PENDING',
    "outcome" TEXT,
    "conclusion" TEXT,
    "message" TEXT NOT NULL DEFAULT '',
    "exitCode" INTEGER,
    "work" JSONB,
    "timeoutMs" INTEGER NOT NULL DEFAULT 0,
    "selectors" TEXT[],
    "placement" JSONB,
    "delegateId" TEXT,
    "claimId" TEXT,
    "fencingToken" INTEGER,
    "leaseExpiresAt" TIMESTAMP(3),
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "cancelReason" TEXT,
    "waitUntil" TIMESTAMP(3),
    "logSeq" INTEGER NOT NULL DEFAULT 0,
    "logLines" INTEGER NOT NULL DEFAULT 0,
    "queuedAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "step_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "execution_event" (
    "id" BIGSERIAL NOT NULL,
    "executionId" TEXT NOT NULL,
    "cursor" BIGINT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "scope" TEXT NOT NULL,
    "stageId" TEXT,
    "stepRunId" TEXT,
    "from" TEXT,
    "to" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "actorId" TEXT,

    CONSTRAINT "execution_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "log_chunk" (
    "id" BIGSERIAL NOT NULL,
    "stepRunId" TEXT NOT NULL,
    "executionId" TEXT NOT NULL,
    "cursor" BIGINT NOT NULL,
    "seq" INTEGER NOT NULL,
    "firstLine" INTEGER NOT NULL,
    "lineCount" INTEGER NOT NULL,
    "stream" TEXT NOT NULL,
    "lines" TEXT[],
    "ts" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "log_chunk_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "approval_decision" (
    "id" TEXT NOT NULL,
    "stepRunId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "approval_decision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "delegate_token" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),

    CONSTRAINT "delegate_token_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "delegate" (
    "id" TEXT NOT NULL,
    "tokenId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hostname" TEXT NOT NULL DEFAULT '',
    "version" TEXT NOT NULL DEFAULT '',
    "tags" TEXT[],
    "maxTasks" INTEGER NOT NULL DEFAULT 4,
    "status" "DelegateStatus" NOT NULL DEFAULT 'CONNECTED',
    "streamOpen" BOOLEAN NOT NULL DEFAULT false,
    "connectedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastHeartbeatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "delegate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "delegate_event" (
    "id" BIGSERIAL NOT NULL,
    "delegateId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "delegate_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "secret" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "SecretKind" NOT NULL DEFAULT 'TEXT',
    "description" TEXT NOT NULL DEFAULT '',
    "sealed" BYTEA NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "secret_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "execution_projectId_createdAt_idx" ON "execution"("projectId", "createdAt");

-- CreateIndex
CREATE INDEX "execution_status_idx" ON "execution"("status");

-- CreateIndex
CREATE UNIQUE INDEX "execution_pipelineId_sequenceId_key" ON "execution"("pipelineId", "sequenceId");

-- CreateIndex
CREATE UNIQUE INDEX "stage_run_executionId_stageId_key" ON "stage_run"("executionId", "stageId");

-- CreateIndex
CREATE INDEX "step_run_status_idx" ON "step_run"("status");

-- CreateIndex
CREATE INDEX "step_run_delegateId_status_idx" ON "step_run"("delegateId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "step_run_executionId_stepId_attempt_key" ON "step_run"("executionId", "stepId", "attempt");

-- CreateIndex
CREATE UNIQUE INDEX "execution_event_executionId_cursor_key" ON "execution_event"("executionId", "cursor");

-- CreateIndex
CREATE INDEX "log_chunk_stepRunId_firstLine_idx" ON "log_chunk"("stepRunId", "firstLine");

-- CreateIndex
CREATE UNIQUE INDEX "log_chunk_stepRunId_seq_key" ON "log_chunk"("stepRunId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "log_chunk_executionId_cursor_key" ON "log_chunk"("executionId", "cursor");

-- CreateIndex
CREATE UNIQUE INDEX "approval_decision_stepRunId_userId_key" ON "approval_decision"("stepRunId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "delegate_token_name_key" ON "delegate_token"("name");

-- CreateIndex
CREATE UNIQUE INDEX "delegate_token_tokenHash_key" ON "delegate_token"("tokenHash");

-- CreateIndex
CREATE INDEX "delegate_status_idx" ON "delegate"("status");

-- CreateIndex
CREATE INDEX "delegate_event_delegateId_id_idx" ON "delegate_event"("delegateId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "secret_projectId_name_key" ON "secret"("projectId", "name");

-- AddForeignKey
ALTER TABLE "execution" ADD CONSTRAINT "execution_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "execution" ADD CONSTRAINT "execution_pipelineId_fkey" FOREIGN KEY ("pipelineId") REFERENCES "pipeline"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "execution" ADD CONSTRAINT "execution_revisionId_fkey" FOREIGN KEY ("revisionId") REFERENCES "pipeline_revision"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "execution" ADD CONSTRAINT "execution_triggeredById_fkey" FOREIGN KEY ("triggeredById") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stage_run" ADD CONSTRAINT "stage_run_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "execution"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "step_run" ADD CONSTRAINT "step_run_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "execution"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "step_run" ADD CONSTRAINT "step_run_delegateId_fkey" FOREIGN KEY ("delegateId") REFERENCES "delegate"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "execution_event" ADD CONSTRAINT "execution_event_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "execution"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "log_chunk" ADD CONSTRAINT "log_chunk_stepRunId_fkey" FOREIGN KEY ("stepRunId") REFERENCES "step_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_decision" ADD CONSTRAINT "approval_decision_stepRunId_fkey" FOREIGN KEY ("stepRunId") REFERENCES "step_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_decision" ADD CONSTRAINT "approval_decision_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "delegate" ADD CONSTRAINT "delegate_tokenId_fkey" FOREIGN KEY ("tokenId") REFERENCES "delegate_token"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "delegate_event" ADD CONSTRAINT "delegate_event_delegateId_fkey" FOREIGN KEY ("delegateId") REFERENCES "delegate"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "secret" ADD CONSTRAINT "secret_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
