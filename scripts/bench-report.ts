/**
 * How `npm run bench` reports a measure: a table row for people, or with `--json` one JSON line
 * on stdout per measure for machines (the parts' own tables then go to stderr).
 */

export interface Measure {
  name: string;
  value: number;
  unit: string;
  /** What the budget asks (product.md, the issue's table). */
  target?: string;
  /** The figure before the server-side poller, where the issue recorded one. */
  baseline?: number | undefined;
}

export function createReporter(json: boolean) {
  const rows: Measure[] = [];
  return {
    report(measure: Measure): void {
      if (json) process.stdout.write(`${JSON.stringify(measure)}\n`);
      else rows.push(measure);
    },
    /** Prints the rows collected so far as one table (nothing with `--json`: they are out already). */
    flush(title: string): void {
      if (json || rows.length === 0) return;
      console.log(`\n## ${title}\n`);
      console.log("| measure | value | target | baseline (per-browser polling) |");
      console.log("|---|---|---|---|");
      for (const m of rows.splice(0))
        console.log(
          `| ${m.name} | ${m.value} ${m.unit} | ${m.target ?? ""} | ${m.baseline === undefined ? "" : `${m.baseline} ${m.unit}`} |`,
        );
    },
  };
}
