/** What chartlog keeps of an R4 primitive type (see `R4_PRIMITIVES`). */
export interface R4Primitive {
  /** The JSON type its values take. */
  readonly json: 'string' | 'number' | 'boolean';
  /** The spec's regex for its values (whole-value match); none for `xhtml`. */
  readonly regex?: string;
}

/** What chartlog keeps of one top-level element of an R4 resource type. */
export interface R4Element {
  /**
   * Its types: primitive or complex type names, `Reference`, `BackboneElement`, `Resource`. More than one for
   * a choice element (`value[x]`).
   */
  readonly types: readonly string[];
  /** Most occurrences: 1, or `'*'` for a repeating element (a JSON array). */
  readonly max: number | '*';
  /** Fewest occurrences. */
  readonly min: number;
  /** An `isModifier` element: it changes the meaning of the resource (`status`, `clinicalStatus` …). */
  readonly modifier?: true;
  /** In the summary view. */
  readonly summary?: true;
  /** For `Reference` elements: the resource types it may point to. */
  readonly targets?: readonly string[];
}

/** What chartlog keeps of one R4 resource type. */
export interface R4Resource {
  /** Top-level elements by name, in definition order; a choice element is named `name[x]`. */
  readonly elements: Readonly<Record<string, R4Element>>;
  /** The elements that put a resource of this type in a Patient's compartment, in the compartment definition's order. */
  readonly compartment: readonly string[];
}
