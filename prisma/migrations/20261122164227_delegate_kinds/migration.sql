-- AlterTable
ALTER TABLE "delegate" ADD COLUMN     "kinds" TEXT[];
