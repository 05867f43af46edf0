-- AlterTable
ALTER TABLE "execution" ADD COLUMN     "context" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "step_run" ADD COLUMN     "outputs" JSONB,
ADD COLUMN     "progress" JSONB,
ADD COLUMN     "progressCursor" BIGINT;

-- AlterTable
ALTER TABLE "log_chunk" ADD COLUMN     "lane" TEXT;
