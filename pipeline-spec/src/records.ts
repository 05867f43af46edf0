/**
 * The typed JSON of the studio's records: services, environment variable overrides and infrastructure definitions.
 * The database stores them as JSON columns; every write parses them with these schemas, and the studio edits them
 * as YAML against the JSON Schema generated from them (same machinery as the pipeline editor).
 */
import { z } from "zod";

export const RECORD_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const name = (what: string) => z.string().regex(RECORD_NAME, `${what} names use lowercase letters, digits and "-", starting with a letter`);
const secretName = z.string().regex(/^[A-Za-z0-9_.-]+$/, "secret names use letters, digits, '_', '.', '-'").describe("Name of a project secret");

export const VariableSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "variable names are identifiers: letters, digits, _").describe("Variable name, e.g. LOG_LEVEL"),
    value: z.string().describe("Value. Use <+secrets.getValue(\"name\")> to refer to a secret instead of writing it here"),
    secret: z.boolean().default(false).describe("Mask this value in logs"),
  })
  .describe("A variable passed to steps and templates");
export type Variable = z.infer<typeof VariableSchema>;

export const VariablesSchema = z.array(VariableSchema).default([]).describe("Variables; environment values override service values of the same name");

// ------------------------------------------------------------------------------------------------ services

export const SshServiceSpecSchema = z.strictObject({
  type: z.literal("SSH"),
  artifact: z
    .strictObject({
      source: z.enum(["url", "file"]).describe("Where the delegate gets the artifact: an http(s) URL it can reach, or a file on the delegate host"),
      location: z.string().min(1).describe("The URL or the absolute path on the delegate host; may contain expressions such as <+pipeline.variables.version>"),
      sha256: z.string().regex(/^[a-f0-9]{64}$/).optional().describe("Expected SHA-256 of the artifact; checked on every host after transfer"),
    })
    .optional()
    .describe("The package deployed to each host (a .tar.gz is extracted into the release folder)"),
  variables: VariablesSchema,
  configFiles: z
    .array(z.strictObject({ path: z.string().min(1).describe("Path on the host, relative to the app folder"), template: z.string().describe("File content; ${VAR} placeholders are filled from service + environment variables and secrets") }))
    .default([])
    .describe("Config files rendered on each host"),
});

export const EcsServiceSpecSchema = z.strictObject({
  type: z.literal("ECS"),
  image: z.strictObject({
    repository: z.string().min(1).describe("Image repository, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout"),
    tag: z.string().min(1).describe("Tag, usually an expression such as <+pipeline.variables.version>"),
  }),
  taskDefinitionTemplate: z.string().min(2).describe("Task definition JSON with {{VAR}} placeholders in string and unquoted numeric positions"),
  variables: VariablesSchema,
});

export const ServiceSpecSchema = z.discriminatedUnion("type", [SshServiceSpecSchema, EcsServiceSpecSchema]).describe("What gets deployed");
export type ServiceSpec = z.infer<typeof ServiceSpecSchema>;

// ------------------------------------------------------------------------------------------------ infrastructure

export const SshHostSchema = z.strictObject({
  hostname: z.string().min(1).describe("Host name or IP address the delegate connects to"),
  port: z.number().int().min(1).max(65535).default(22),
  user: z.string().min(1).optional().describe("Login user; defaults to the group's user"),
  credential: secretName.optional().describe("Secret holding the private key or password; defaults to the group's"),
  hostKey: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/).optional().describe("Pinned host key fingerprint (as printed by ssh-keygen -lf). A host whose key differs is refused"),
  tags: z.array(z.string().min(1)).default([]).describe("Tags for selecting hosts"),
  vars: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a variable name: letters, digits and _, not starting with a digit"), z.string())
    .default({})
    .describe("Variables of this host for ${VAR} in commands and config templates (e.g. APP_PORT: \"8081\"); they win over service and environment variables"),
});

export const SshHostGroupSchema = z.strictObject({
  name: name("Host group"),
  user: z.string().min(1).describe("Default login user"),
  credential: secretName.describe("Default secret with the SSH private key or password"),
  authMethod: z.enum(["key", "password"]).default("key").describe("What the credential secrets hold: a private key (default) or a password"),
  tags: z.array(z.string().min(1)).default([]).describe("Tags applied to every host in the group"),
  hosts: z.array(SshHostSchema).min(1),
});

export const SshInfrastructureSpecSchema = z.strictObject({
  type: z.literal("SSH"),
  hostGroups: z.array(SshHostGroupSchema).min(1).describe("Hosts, grouped (e.g. blue and green)"),
  jumpHost: z
    .strictObject({ hostname: z.string().min(1), port: z.number().int().min(1).max(65535).default(22), user: z.string().min(1), credential: secretName, hostKey: z.string().optional() })
    .optional()
    .describe("Bastion the delegate connects through"),
  trustOnFirstUse: z.boolean().default(false).describe("Record the host key of hosts without a pinned key on first connection. Off by default: there is no accept-any mode"),
  appPath: z.string().default("/opt/app").describe("Folder the application is installed into on each host"),
});

export const EcsInfrastructureSpecSchema = z.strictObject({
  type: z.literal("ECS"),
  region: z.string().min(1).default("us-east-1"),
  endpoint: z.string().url().optional().describe("Override the AWS endpoint (e.g. a simulator or a VPC endpoint)"),
  credentials: secretName.optional().describe("Secret with AWS keys; omit to use the delegate host's provider chain (env, profile, role)"),
  cluster: z.string().min(1),
  serviceName: z.string().min(1),
  launchType: z.enum(["FARGATE", "EC2"]).default("FARGATE"),
  desiredCount: z.number().int().min(0).default(2),
  networkConfiguration: z
    .strictObject({ subnets: z.array(z.string()).min(1), securityGroups: z.array(z.string()).default([]), assignPublicIp: z.enum(["ENABLED", "DISABLED"]).default("DISABLED") })
    .optional(),
  loadBalancer: z
    .strictObject({
      listenerArn: z.string().min(1),
      ruleArn: z.string().min(1).optional().describe("Set when traffic is routed by a listener rule rather than the default action"),
      blueTargetGroupArn: z.string().min(1).describe("Stable (production) target group"),
      greenTargetGroupArn: z.string().min(1).describe("Stage target group for the new version"),
      containerName: z.string().min(1),
      containerPort: z.number().int().min(1).max(65535),
    })
    .optional(),
});

export const InfrastructureSpecSchema = z.discriminatedUnion("type", [SshInfrastructureSpecSchema, EcsInfrastructureSpecSchema]).describe("Where it gets deployed");
export type InfrastructureSpec = z.infer<typeof InfrastructureSpecSchema>;

// ------------------------------------------------------------------------------------------------ record documents

const recordName = (what: string) => name(what).describe(`${what} name: lowercase letters, digits and "-", unique in the project`);
const recordDescription = z.string().max(500).default("").describe("What this is for, shown in lists");

const STUDIO_ROLES = ["Admin", "PipelineAdmin", "PipelineExecutor", "Viewer"] as const;

/**
 * Who may run and approve into an environment. Absent lists mean "anyone the project roles allow". For
 * PRODUCTION environments the defaults are strict: MFA required, no self-approval.
 */
export const EnvironmentPolicySchema = z
  .strictObject({
    runRoles: z.array(z.enum(STUDIO_ROLES)).optional().describe("Only these roles may start executions that deploy here"),
    runUsers: z.array(z.email()).optional().describe("…or these users (by email)"),
    approveRoles: z.array(z.enum(STUDIO_ROLES)).optional().describe("Only these roles may approve approval steps of stages deploying here"),
    approveUsers: z.array(z.email()).optional().describe("…or these users"),
    requireMfa: z.boolean().optional().describe("Starting, approving and controlling executions here needs a session that passed MFA (locally or at the IdP). Default: true for PRODUCTION"),
    forbidSelfApproval: z.boolean().optional().describe("The person who started a run cannot approve it. Default: true for PRODUCTION"),
    allowApiKeys: z.boolean().optional().describe("API keys (which cannot do MFA) may start executions here. Default: false for PRODUCTION"),
  })
  .default({})
  .describe("Rules for this environment");
export type EnvironmentPolicy = z.infer<typeof EnvironmentPolicySchema>;

/** An environment as the studio edits it (one YAML document per record). */
export const EnvironmentRecordSchema = z.strictObject({
  name: recordName("Environment"),
  description: recordDescription,
  type: z.enum(["PRODUCTION", "PRE_PRODUCTION"]).default("PRE_PRODUCTION").describe("PRODUCTION environments can carry stricter rules (approvals, MFA)"),
  variables: VariablesSchema,
  policy: EnvironmentPolicySchema,
});
export const ServiceRecordSchema = z.strictObject({ name: recordName("Service"), description: recordDescription, spec: ServiceSpecSchema });
export const InfrastructureRecordSchema = z.strictObject({
  name: recordName("Infrastructure"),
  description: recordDescription,
  environment: name("Environment").describe("The environment this infrastructure belongs to"),
  spec: InfrastructureSpecSchema,
});
export type EnvironmentRecord = z.infer<typeof EnvironmentRecordSchema>;
export type ServiceRecord = z.infer<typeof ServiceRecordSchema>;
export type InfrastructureRecord = z.infer<typeof InfrastructureRecordSchema>;
