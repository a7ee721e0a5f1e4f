/**
 * `chartlog/testing`: fast-check arbitraries, convergence checks and the rule-law
 * checker, for property-testing merge behaviour of your own schema or rule.
 */
export {};
