/**
 * The CloudWatch operations the sim answers. The JSON (awsJson1_0) and query variants share handlers; only
 * GetMetricStatistics differs, because its ExtendedStatistics map serialises differently in XML.
 */
import type { Handler } from "../world.js";
import { alarmHandlers } from "./alarms.js";
import { metricDataHandlers } from "./metric-data.js";

export const cloudwatchJsonHandlers: Record<string, Handler> = { ...metricDataHandlers(false), ...alarmHandlers };
export const cloudwatchQueryHandlers: Record<string, Handler> = { ...metricDataHandlers(true), ...alarmHandlers };
