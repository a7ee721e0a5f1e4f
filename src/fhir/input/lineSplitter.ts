const NEWLINE = 0x0a;

/** One line cut by a {@link LineSplitter}: its bytes (newline excluded), or none when it was over the limit. */
export interface SplitLine {
  /** 1-based line number. */
  readonly line: number;
  /** The line's bytes; undefined when the line was longer than the limit (its bytes were not kept). */
  readonly bytes: Uint8Array | undefined;
}

/** Cuts a byte stream into lines on `\n`, holding at most one line of at most `limit` bytes. */
export interface LineSplitter {
  /** The most bytes the line being read may hold; may change between lines. */
  limit: number;
  /**
   * The lines `chunk` completes, lazily: set `limit` between them to change the next line's.
   * The splitter keeps views of `chunk`: the caller must not reuse its memory.
   */
  push(chunk: Uint8Array): Generator<SplitLine, void, undefined>;
  /** The last line, when the stream does not end with a newline. */
  end(): Generator<SplitLine, void, undefined>;
}

/**
 * A {@link LineSplitter}. Splitting on the `\n` byte never cuts a UTF-8 character, so each
 * line decodes on its own. A line over the limit is dropped as it arrives (only its number
 * is reported), so a 1 GB line costs no memory.
 *
 * @example
 * ```ts
 * const lines = createLineSplitter(1 << 20);
 * for await (const chunk of bytes) for (const { line, bytes } of lines.push(chunk)) …;
 * ```
 */
export function createLineSplitter(limit: number): LineSplitter {
  let pieces: Uint8Array[] = [];
  let size = 0;
  let over = false;
  let number = 1;
  const add = (piece: Uint8Array, limitNow: number): void => {
    if (over || piece.length === 0) return;
    if (size + piece.length > limitNow) {
      over = true;
      pieces = [];
      return;
    }
    pieces.push(piece);
    size += piece.length;
  };
  const take = (): SplitLine => {
    const bytes = over ? undefined : pieces.length === 1 ? pieces[0] : Buffer.concat(pieces, size);
    const cut: SplitLine = { line: number, bytes };
    number++;
    pieces = [];
    size = 0;
    over = false;
    return cut;
  };
  const splitter: LineSplitter = {
    limit,
    *push(chunk) {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(NEWLINE, start);
        add(chunk.subarray(start, nl === -1 ? chunk.length : nl), splitter.limit);
        if (nl === -1) return;
        yield take();
        start = nl + 1;
      }
    },
    *end() {
      if (size > 0 || over) yield take();
    },
  };
  return splitter;
}
