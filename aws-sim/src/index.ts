/**
 * @slipway/aws-sim: a simulated AWS (ECS, ELBv2, CloudWatch) that speaks the real wire protocols on loopback, so
 * the delegate's real SDK clients can be tested end to end. Start one with `startAwsSim()`.
 */
export { startAwsSim, type AwsSim, type StartOptions } from "./server.js";
export { seed, seedDemo, type SeedSpec, type SeedResult } from "./seed.js";
export type { SimClock } from "./clock.js";
export type { Faults, ImageBehavior, ImageBehaviorInput, LatencyProfile } from "./faults.js";
export type { Journal, JournalEntry, JournalFilter, ServiceName } from "./journal.js";
export type { Traffic, TrafficConfig, TrafficSecond, TrafficFilter } from "./traffic.js";
export type { World, WorldOptions } from "./world.js";
export type { EcsSettings } from "./ecs/model.js";
export { AwsError } from "./errors.js";
