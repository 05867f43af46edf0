// Configuration for the Prisma CLI (generate, and migrate where the Rust engine can be downloaded).
// The studio itself never reads this file: server/database/* connects and migrates on its own.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/slipway" },
});
