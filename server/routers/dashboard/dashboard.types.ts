import { z } from "zod";

const MAX_RANGE_MS = 400 * 86_400_000;

const timeZone = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9_+\-/]+$/, "an IANA time zone such as Europe/Paris")
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "an IANA time zone such as Europe/Paris");

/** A time range [from, to) and the optional filters every dashboard read takes. */
export const DashboardScopeSchema = z
  .object({
    from: z.date().describe("Start of the range (inclusive): deployments that ended at or after it"),
    to: z.date().describe("End of the range (exclusive)"),
    service: z.string().trim().min(1).max(200).optional(),
    environment: z.string().trim().min(1).max(200).optional(),
    environmentType: z.enum(["PRODUCTION", "PRE_PRODUCTION"]).optional(),
    timeZone: timeZone.optional().describe("Buckets are cut in this zone (the viewer's); UTC by default"),
  })
  .refine((s) => s.from < s.to, { message: "must be after from", path: ["to"] })
  .refine((s) => s.to.getTime() - s.from.getTime() <= MAX_RANGE_MS, { message: "the range is limited to 400 days", path: ["from"] });

export const DeployedWhereRequestSchema = z.object({ service: z.string().trim().min(1).max(200).optional(), environment: z.string().trim().min(1).max(200).optional() });

export const ListDeploymentsRequestSchema = z.object({
  scope: DashboardScopeSchema,
  kind: z.enum(["all", "production-success", "production-failures"]).default("all"),
  skip: z.number().int().min(0).max(100_000).default(0),
  take: z.number().int().min(1).max(200).default(50),
});
