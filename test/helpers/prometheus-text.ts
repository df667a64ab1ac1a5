/**
 * Prometheus' text exposition format (0.0.4), line by line: '# HELP name text',
 * '# TYPE name counter|gauge|…', other comments, and samples 'name{label="v",…} value
 * [timestamp]'. What a scrape of an emb exporter must be; undefined when `body` is, else
 * the first line that is not.
 */
const metricName = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const labelValue = '"(?:[^"\\\\\\n]|\\\\["\\\\n])*"';
const labels = `\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=${labelValue}(?:,[a-zA-Z_][a-zA-Z0-9_]*=${labelValue})*,?)?\\}`;
const number = '(?:[-+]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?Inf|NaN)';
const sample = new RegExp(`^${metricName}(?:${labels})? ${number}(?: -?[0-9]+)?$`);
const help = new RegExp(`^# HELP ${metricName} .*$`);
const type = new RegExp(`^# TYPE ${metricName} (?:counter|gauge|histogram|summary|untyped)$`);

export function prometheusTextProblem(body: string): string | undefined {
  if (!body.endsWith('\n')) return 'does not end with a line break (cut short?)';
  const lines = body.slice(0, -1).split('\n');
  for (const [index, line] of lines.entries()) {
    if (
      line.startsWith('# HELP ')
        ? help.test(line)
        : line.startsWith('# TYPE ')
          ? type.test(line)
          : line.startsWith('#') || sample.test(line)
    )
      continue;
    return `line ${index + 1} is not Prometheus text: ${JSON.stringify(line.slice(0, 200))}`;
  }
  return undefined;
}
