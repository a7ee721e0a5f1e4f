/** One JSON path an R4 search parameter reads on a resource type (see `R4_SEARCH_PARAMETERS`). */
export interface R4SearchPath {
  /** Dotted JSON member names from the resource root, choice elements by their JSON name: `reaction.substance`, `effectivePeriod`. */
  readonly path: string;
  /**
   * The FHIR type the path ends at: `CodeableConcept`, `Coding`, `Identifier`, `code`, `Reference`,
   * `dateTime`, `Period`, `Timing`, `string`, `HumanName` …
   */
  readonly type: string;
  /** The expression keeps only references to a Patient (`.where(resolve() is Patient)`). */
  readonly patientOnly?: true;
}

/** One R4 search parameter of one resource type, as chartlog's search reads it. */
export interface R4SearchParameter {
  /** The parameter's R4 type. */
  readonly type: 'reference' | 'token' | 'date' | 'string';
  /** The JSON paths its FHIRPath expression reads for this resource type; a resource matches when any value on any path does. */
  readonly paths: readonly R4SearchPath[];
  /** The R4 SearchParameter's id when it is not `<Type>-<code>`: one shared by several types (`clinical-patient`, `individual-gender`). */
  readonly id?: string;
}
