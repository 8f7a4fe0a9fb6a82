/** A reader of Prometheus' text exposition format (0.0.4), strict enough to fail on anything else. */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  /** Each metric family's type, from its `# TYPE` line. */
  types: Map<string, string>;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(?:,|$)/;
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', ''];

/** Parses `text`; throws naming the first line that is not exposition format, or a sample of a family never typed. */
export function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ')) continue;
    const typed = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (typed) {
      types.set(typed[1]!, typed[2]!);
      continue;
    }
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`not exposition format: ${JSON.stringify(line)}`);
    const [, name, labelText = '', value] = sample;
    const family = SUFFIXES.map((suffix) => (name!.endsWith(suffix) ? name!.slice(0, name!.length - suffix.length) : '')).find((f) => types.has(f));
    if (!family) throw new Error(`sample of a family without a # TYPE line: ${JSON.stringify(line)}`);
    const number = value === '+Inf' ? Infinity : value === '-Inf' ? -Infinity : Number(value);
    // Go's ParseFloat, which Prometheus reads values with, takes NaN in any case (prom-client writes `Nan`).
    if (Number.isNaN(number) && value!.toLowerCase() !== 'nan') throw new Error(`not a number: ${JSON.stringify(line)}`);
    samples.push({ name: name!, labels: parseLabels(labelText, line), value: number });
  }
  return { types, samples };
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (let rest = text; rest.length > 0; ) {
    const label = LABEL.exec(rest);
    if (!label) throw new Error(`bad labels: ${JSON.stringify(line)}`);
    labels[label[1]!] = label[2]!;
    rest = rest.slice(label[0].length);
  }
  return labels;
}

/** The value of the one sample named `name` whose labels include `labels`; undefined when there is none. */
export function valueOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = exposition.samples.filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}
