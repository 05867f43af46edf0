/** The ELBv2 operations the sim answers, keyed by the awsQuery `Action`. */
import type { Handler } from "../world.js";
import { loadBalancerHandlers } from "./load-balancers.js";
import { ruleHandlers } from "./rules.js";
import { targetGroupHandlers } from "./target-groups.js";
import { targetHandlers } from "./targets.js";

export const elbv2Handlers: Record<string, Handler> = {
  ...loadBalancerHandlers,
  ...ruleHandlers,
  ...targetGroupHandlers,
  ...targetHandlers,
};
