import type { EnvironmentPolicy, InfrastructureSpec, ServiceSpec, Variable } from "@slipway/pipeline-spec/records";

/** The demo project's records: what a new user sees on the records page, each valid against its schema. */
export const DEMO_RECORDS = {
  environments: [
    { name: "staging", description: "Pre-production, mirrors production", type: "PRE_PRODUCTION" as const, variables: [{ name: "LOG_LEVEL", value: "debug", secret: false }] satisfies Variable[] },
    {
      name: "production",
      description: "Customer-facing",
      type: "PRODUCTION" as const,
      variables: [{ name: "LOG_LEVEL", value: "info", secret: false }] satisfies Variable[],
      // The demo runs with the bootstrap admin, who has no second factor: the production defaults (MFA required,
      // no self-approval) are relaxed here. Turn them back on in the records page once SSO or 2FA is set up.
      policy: { requireMfa: false, forbidSelfApproval: false } satisfies EnvironmentPolicy,
    },
  ],
  services: [
    {
      name: "checkout",
      description: "Checkout API on virtual machines",
      type: "SSH" as const,
      spec: {
        type: "SSH",
        artifact: { source: "url", location: "https://artifacts.example.com/checkout/<+pipeline.variables.version>.tar.gz" },
        variables: [{ name: "APP_PORT", value: "8080", secret: false }],
        configFiles: [{ path: "config/app.properties", template: "port=${APP_PORT}\nlog.level=${LOG_LEVEL}\n" }],
      } satisfies ServiceSpec,
    },
    {
      name: "checkout-ecs",
      description: "Checkout API on Amazon ECS (Fargate)",
      type: "ECS" as const,
      spec: {
        type: "ECS",
        image: { repository: "123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout", tag: "<+pipeline.variables.version>" },
        taskDefinitionTemplate: JSON.stringify(
          { family: "checkout", cpu: "{{CPU}}", memory: "{{MEMORY}}", networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"], containerDefinitions: [{ name: "app", image: "{{IMAGE}}", portMappings: [{ containerPort: 8080 }] }] },
          null,
          2,
        ),
        variables: [
          { name: "CPU", value: "256", secret: false },
          { name: "MEMORY", value: "512", secret: false },
        ],
      } satisfies ServiceSpec,
    },
  ],
  infrastructures: [
    {
      name: "vm-fleet",
      description: "Two VMs behind HAProxy",
      environment: "production",
      type: "SSH" as const,
      spec: {
        type: "SSH",
        hostGroups: [{ name: "web", user: "deploy", credential: "staging-ssh-key", authMethod: "key", tags: ["web"], hosts: [{ hostname: "10.0.1.10", port: 22, tags: [], vars: {} }, { hostname: "10.0.1.11", port: 22, tags: [], vars: {} }] }],
        trustOnFirstUse: false,
        appPath: "/opt/checkout",
      } satisfies InfrastructureSpec,
    },
    {
      name: "production-ecs",
      description: "Fargate service behind an ALB with blue and green target groups",
      environment: "production",
      type: "ECS" as const,
      spec: {
        type: "ECS",
        region: "us-east-1",
        cluster: "prod-ecs-cluster",
        serviceName: "checkout",
        launchType: "FARGATE",
        desiredCount: 4,
        loadBalancer: {
          listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/prod-alb/50dc6c495c0c9188/f2f7dc8efc522ab2",
          blueTargetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/checkout-blue/73e2d6bc24d8a067",
          greenTargetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/checkout-green/2453ed029918f21f",
          containerName: "app",
          containerPort: 8080,
        },
      } satisfies InfrastructureSpec,
    },
  ],
};
