/**
 * The pipeline a new user sees first. It has to teach (comments explain each idea once) and it has to run on a
 * plain Linux delegate with bash: nothing is really deployed, the scripts print what they would do, a few lines
 * per second, so the log viewer has something to stream. It references one secret, "deploy-token", which the
 * seed data is expected to create.
 */
export const DEMO_PIPELINE_YAML = `# Welcome to Slipway. This is the whole pipeline: edit the YAML here or the graph beside it,
# they stay in sync. Hover over any field for its documentation. Nothing here deploys for real:
# the steps print what they would do.
apiVersion: slipway/v1
kind: Pipeline
name: Checkout service
description: Build, test and ship the checkout service to production.

# Variables can be changed when an execution starts; read them anywhere as <+pipeline.variables.NAME>.
variables:
  - name: version
    type: string
    default: "1.4.2"
    description: Version to build and deploy.
  - name: replicas
    type: number
    default: 3
    description: How many instances run in production.
  - name: healthPort
    type: number
    default: 3000
    description: Port of the health endpoint checked after the deploy (the studio's own, for this demo).
  - name: deployToken
    type: secret # secret values are masked in every log
    default: <+secrets.getValue("deploy-token")>
    description: Token for the deployment API.

# Stages run one after the other unless \`needs\` says otherwise.
stages:
  - id: build
    name: Build
    steps:
      - id: compile
        name: Compile
        type: shell
        script: |
          echo "Building checkout <+pipeline.variables.version> (execution #<+pipeline.sequenceId>)"
          for module in api cart pricing payments inventory; do
            echo "  compiling $module"
            sleep 0.5
          done
          echo "Build finished"
      - id: package
        name: Package
        type: shell
        script: |
          echo "Packaging checkout-<+pipeline.variables.version>.tar.gz"
          for layer in runtime dependencies application config; do
            echo "  adding $layer layer"
            sleep 0.5
          done
          echo "Artifact checkout-<+pipeline.variables.version>.tar.gz is ready"

  # test and security-scan both need only build, so they run at the same time.
  - id: test
    name: Test
    needs: [build]
    steps:
      - id: checks
        type: parallel # the steps of a parallel group start together
        steps:
          - id: unit-tests
            name: Unit tests
            type: shell
            timeout: 5m
            script: |
              for suite in cart pricing payments inventory; do
                echo "PASS $suite ($((RANDOM % 40 + 10)) tests)"
                sleep 0.5
              done
          - id: lint
            name: Lint
            type: shell
            script: |
              for dir in src/api src/cart src/payments; do
                echo "lint $dir: no problems"
                sleep 0.5
              done

  - id: security-scan
    name: Security scan
    needs: [build]
    steps:
      - id: scan-dependencies
        name: Scan dependencies
        type: shell
        script: |
          echo "Downloading the vulnerability database"
          sleep 1
          for package in express lodash pg zod; do
            echo "  $package: no known vulnerabilities"
            sleep 0.5
          done
        # A flaky download should not fail the pipeline: try again, waiting 2s, then 4s.
        onFailure:
          action: retry
          retries: 2
          backoff: 2s

  - id: approve-production
    name: Approve production
    needs: [test, security-scan]
    steps:
      - id: approve
        name: Approve the release
        type: approval
        message: Deploy checkout <+pipeline.variables.version> to production?
        approvers:
          roles: [Admin, PipelineAdmin]
        timeout: 1d

  # No \`needs\`: this stage runs after the previous one in the list (approve-production).
  - id: deploy
    name: Deploy to production
    environment: production
    service: checkout
    infrastructure: vm-fleet
    # If a step fails, run the rollbackSteps below.
    onFailure:
      action: rollback
    steps:
      - id: deploy-instances
        name: Deploy instances
        type: shell
        env:
          DEPLOY_TOKEN: <+pipeline.variables.deployToken>
        script: |
          echo "Deploying <+service.name> <+pipeline.variables.version> to <+env.name> on <+infra.name>"
          echo "Using token $DEPLOY_TOKEN"
          for i in $(seq 1 <+pipeline.variables.replicas>); do
            echo "  instance $i: stopping old version"
            sleep 0.5
            echo "  instance $i: starting <+pipeline.variables.version>"
            sleep 0.5
          done
          echo "All <+pipeline.variables.replicas> instances run <+pipeline.variables.version>"
      - id: settle
        name: Let traffic settle
        type: wait
        duration: 5s
      - id: health-check
        name: Health check
        type: http
        url: http://127.0.0.1:<+pipeline.variables.healthPort>/api/health
        expect:
          status: 200
        retries: 5
        retryInterval: 2s
    rollbackSteps:
      - id: restore-previous
        name: Restore the previous version
        type: shell
        script: |
          for i in $(seq 1 <+pipeline.variables.replicas>); do
            echo "  instance $i: restoring the previous version"
            sleep 0.5
          done
          echo "Rollback finished"
`;
