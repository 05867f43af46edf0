/**
 * Links from a failing sample to where a person can look at it: the CloudWatch console's metric graph (its
 * `#metricsV2?graph=` fragment is JSURL: `~` separates items, strings start with `'`, and characters other than
 * letters, digits, `-`, `_` and `.` are written `*XX`), or an alarm's page.
 */

function jsurlString(s: string): string {
  let out = "'";
  for (const ch of s) {
    if (/[A-Za-z0-9\-_.]/.test(ch)) out += ch;
    else {
      const code = ch.codePointAt(0)!;
      out += code < 256 ? `*${code.toString(16).padStart(2, "0")}` : `**${code.toString(16).padStart(4, "0")}`;
    }
  }
  return out;
}

export interface ConsoleMetric {
  namespace: string;
  metric: string;
  dimensions: Record<string, string>;
}

export function metricConsoleUrl(region: string, metrics: ConsoleMetric[], opts: { stat: string; periodSeconds: number; start: number; end: number }): string {
  const lines = metrics.map((m) => `~(${[m.namespace, m.metric, ...Object.entries(m.dimensions).flat()].map(jsurlString).join("~")})`).join("");
  const graph = `~(metrics~(${lines})~view~'timeSeries~stacked~false~region~${jsurlString(region)}~stat~${jsurlString(opts.stat)}~period~${opts.periodSeconds}~start~${jsurlString(new Date(opts.start).toISOString())}~end~${jsurlString(new Date(opts.end).toISOString())})`;
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#metricsV2?graph=${graph}`;
}

export function alarmConsoleUrl(region: string, name: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(name)}`;
}
