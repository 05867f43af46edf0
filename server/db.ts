/**
 * The Prisma client for this process, created once. Next.js gives route handlers and pages separate module
 * instances, so the singleton lives on globalThis (one pool per process, not one per bundle).
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, type Prisma } from "~/generated/prisma/client";

const g = globalThis as unknown as { __slipwayPrisma?: PrismaClient };

export function createPrismaClient(connectionString: string, max = 10): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max }) });
}

export function db(): PrismaClient {
  if (!g.__slipwayPrisma) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set. Start the studio with `npm start`, which provides the embedded default.");
    g.__slipwayPrisma = createPrismaClient(url);
  }
  return g.__slipwayPrisma;
}

export type Db = PrismaClient;
/** A client or an interactive-transaction client: domain functions accept either. */
export type Tx = Prisma.TransactionClient;
