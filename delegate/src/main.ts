/**
 * Entry point of the `slipway-delegate` bundle (build.mjs adds the shebang). The only place that reads process.argv
 * and process.env; everything below gets a typed DelegateConfig.
 */
import { runCli } from "./cli";

const code = await runCli({ argv: process.argv.slice(2), env: process.env });
// Exit explicitly: a stray timer or socket must not keep a stopped delegate alive.
process.exit(code);
