import { z } from "zod";
import { DurationSchema } from "../duration";
import { stepHeadShape, stepTailShape } from "./common";

/** The studio's roles (DESIGN.md, Security); kept here so the spec can name them without importing the server. */
export const ROLES = ["Admin", "PipelineAdmin", "PipelineExecutor", "Viewer"] as const;
export const RoleSchema = z.enum(ROLES).describe("A studio role: Admin, PipelineAdmin, PipelineExecutor or Viewer.");
export type Role = z.infer<typeof RoleSchema>;

export const ApproversSchema = z
  .strictObject({
    roles: z.array(RoleSchema).optional().describe("Anyone with one of these roles in the project may approve."),
    users: z.array(z.email().describe("The user's email address.")).optional().describe("These users may approve."),
    minimum: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe("How many different people must approve before the pipeline continues. Default 1."),
  })
  .superRefine((approvers, ctx) => {
    const roles = approvers.roles ?? [];
    const users = approvers.users ?? [];
    if (roles.length === 0 && users.length === 0) {
      ctx.addIssue({ code: "custom", message: '"approvers" must list at least one of "roles" or "users"', path: [] });
    } else if (roles.length === 0 && approvers.minimum > users.length) {
      // With only named users, a minimum above their count could never be met and the step would always expire.
      ctx.addIssue({
        code: "custom",
        path: ["minimum"],
        message:
          `"approvers.minimum" is ${approvers.minimum} but only ${users.length} user(s) are listed, ` +
          "so it can never be met",
      });
    }
  })
  .describe("Who may approve, and how many approvals are needed.");
export type Approvers = z.infer<typeof ApproversSchema>;

export const ApprovalStepSchema = z
  .strictObject({
    ...stepHeadShape,
    type: z.literal("approval").describe("Pause the pipeline until enough people approve or one rejects."),
    message: z.string().optional().describe('What the approvers are asked, e.g. "Deploy 1.4.2 to production?".'),
    approvers: ApproversSchema,
    ...stepTailShape,
    // After the shared fields so it replaces their optional timeout: an approval always has a deadline.
    timeout: DurationSchema.default("1d").describe(
      "How long to wait for approvals; when it passes the step expires and fails. Default 1d.",
    ),
  })
  .describe("approval: wait for a person to approve or reject; runs in the studio, not on a delegate.");
export type ApprovalStep = z.infer<typeof ApprovalStepSchema>;
