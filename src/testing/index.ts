/**
 * `chartlog/testing`: fast-check arbitraries, convergence checks and the rule-law
 * checker, for property-testing merge behaviour of your own schema or rule
 * (docs/architecture.md, "Merge rules"). fast-check is an optional peer dependency, loaded only by this subpath.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { checkConvergence, propertyParameters, scenarioArbitrary } from 'chartlog/testing';
 *
 * fc.assert(
 *   fc.property(scenarioArbitrary({ schema: mySchema }), (s) => void checkConvergence(s.events, s.schema)),
 *   propertyParameters({ label: 'my schema converges' }),
 * );
 * ```
 */

// Runs and seeds
export {
  propertyRuns,
  propertySeed,
  propertyParameters,
  PROPERTY_RUNS_ENV,
  PROPERTY_SEED_ENV,
} from './propertyParameters.js';
export type { PropertyParametersOptions } from './propertyParameters.js';
export { mulberry32, seededFloats } from './mulberry32.js';

// A schema with one field per built-in rule
export { testSchema, TEST_RESOURCE_TYPE, TEST_EVENT_TYPE } from './testSchema.js';

// Arbitraries
export { ruleValueArbitrary } from './ruleValueArbitrary.js';
export type { RuleValueConstraints } from './ruleValueArbitrary.js';
export {
  fieldWriteArbitrary,
  fieldHistoryArbitrary,
  foldFieldWrites,
  describeFieldWrites,
} from './fieldWriteArbitrary.js';
export type { FieldWrite, FieldWriteConstraints, FieldHistoryConstraints } from './fieldWriteArbitrary.js';
export { siteClockArbitrary, siteWallClock } from './siteClockArbitrary.js';
export type { SiteClockKind, SiteClockPlan, SiteClockConstraints } from './siteClockArbitrary.js';
export {
  scenarioArbitrary,
  scenarioPlanArbitrary,
  runScenario,
  scenarioFields,
  describeScenario,
} from './scenarioArbitrary.js';
export type {
  Scenario,
  ScenarioConstraints,
  ScenarioField,
  ScenarioPlan,
  ScenarioStep,
} from './scenarioArbitrary.js';
export { deliveryArbitrary } from './deliveryArbitrary.js';
export type { DeliveryConstraints } from './deliveryArbitrary.js';

// Checks
export { checkRuleLaws, formatRuleLawReport, RuleLawViolation } from './checkRuleLaws.js';
export type { CheckRuleLawsOptions, RuleCheck, RuleCheckResult, RuleLawReport } from './checkRuleLaws.js';
export { checkConvergence, ConvergenceError } from './checkConvergence.js';
export type { ConvergenceOptions, ConvergenceReport } from './checkConvergence.js';
export { compareCharts, compareReplicas } from './compareCharts.js';
export type { CompareChartsOptions, ReplicaComparison, ReplicaView } from './compareCharts.js';
export { syncUntilQuiet } from './syncUntilQuiet.js';
export type { SyncUntilQuietOptions, SyncUntilQuietReport } from './syncUntilQuiet.js';
export { diffJson } from './diffJson.js';
export type { DiffJsonOptions } from './diffJson.js';

// A simulated network of real replicas, and fault schedules for it
export { describeFaultSchedule } from './faultSchedule.js';
export type { FaultSchedule, NetworkFault, ScheduledWrite } from './faultSchedule.js';
export { faultScheduleArbitrary } from './faultScheduleArbitrary.js';
export type { FaultScheduleConstraints } from './faultScheduleArbitrary.js';
export { createSimulatedSite } from './simulatedSite.js';
export type { SimulatedSite, SimulatedSiteOptions } from './simulatedSite.js';
export { runNetworkSimulation } from './networkSimulator.js';
export type {
  NetworkRun,
  NetworkSimulationOptions,
  NetworkStats,
  SimulatedRefusal,
  SimulatedWrite,
} from './networkSimulator.js';
export { checkNetworkConvergence, NetworkConvergenceError } from './checkNetworkConvergence.js';
export type { NetworkConvergenceOptions, NetworkConvergenceReport } from './checkNetworkConvergence.js';
