/** One measured figure of `npm run bench`. */
export interface BenchResult {
  /** Stable name, e.g. `ask.throughput.ratio`. */
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. `>= 0.9`. */
  target?: string;
  /** Whether the target was met; undefined when there is no target. */
  pass?: boolean;
  /** Extra context printed beside the figure. */
  note?: string;
}

/** A benchmark module: `test/bench/<name>.bench.ts` exports `run`. */
export type BenchModule = { run: () => Promise<BenchResult[]> };
