/**
 * A small subset of CloudWatch metric math: + - * / ^, parentheses, numbers, query ids, arrays `[m1, m2]`, and
 * the functions FILL, SUM, AVG, MIN, MAX, ABS, METRICS. Enough for error rates like `100*FILL(m1,0)/m2`.
 * Series combine on matching timestamps, as CloudWatch does; a scalar applies to every point.
 */
import { AwsError } from "../errors.js";

export type Series = Map<number, number>;
type Value = { kind: "scalar"; v: number } | { kind: "series"; s: Series } | { kind: "array"; items: Series[] };

export interface ExpressionEnv {
  /** The result series of another query, by id. */
  resolve(id: string): Series;
  /** Ids of MetricStat queries, for METRICS(). */
  metricIds(): string[];
  /** Every period start in the requested range, for FILL and scalar results. */
  timestamps: number[];
}

type Token = { t: "num"; v: number } | { t: "id"; v: string } | { t: "str"; v: string } | { t: "op"; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|"([^"]*)"|([-+*/^(),[\]]))/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < src.length) {
    if (/^\s*$/.test(src.slice(re.lastIndex))) break;
    m = re.exec(src);
    if (!m) throw invalid(src);
    if (m[1] !== undefined) out.push({ t: "num", v: Number(m[1]) });
    else if (m[2] !== undefined) out.push({ t: "id", v: m[2] });
    else if (m[3] !== undefined) out.push({ t: "str", v: m[3] });
    else out.push({ t: "op", v: m[4]! });
  }
  return out;
}

function invalid(src: string, detail = "Syntax error"): AwsError {
  return new AwsError("ValidationError", `Error in expression '${src}': ${detail}`, 400, "ValidationException");
}

export function evaluate(src: string, env: ExpressionEnv): Series {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const eat = (op: string) => {
    const tok = tokens[pos];
    if (!tok || tok.t !== "op" || tok.v !== op) throw invalid(src, `expected '${op}'`);
    pos++;
  };
  const isOp = (op: string) => {
    const tok = peek();
    return tok?.t === "op" && tok.v === op;
  };

  const expr = (): Value => {
    let left = term();
    while (isOp("+") || isOp("-")) {
      const op = (tokens[pos++] as { v: string }).v;
      left = combine(left, term(), op);
    }
    return left;
  };
  const term = (): Value => {
    let left = unary();
    while (isOp("*") || isOp("/")) {
      const op = (tokens[pos++] as { v: string }).v;
      left = combine(left, unary(), op);
    }
    return left;
  };
  const unary = (): Value => {
    if (isOp("-")) {
      pos++;
      return combine({ kind: "scalar", v: -1 }, unary(), "*");
    }
    const base = primary();
    if (isOp("^")) {
      pos++;
      return combine(base, unary(), "^");
    }
    return base;
  };
  const primary = (): Value => {
    const tok = tokens[pos++];
    if (!tok) throw invalid(src, "unexpected end");
    if (tok.t === "num") return { kind: "scalar", v: tok.v };
    if (tok.t === "op" && tok.v === "(") {
      const v = expr();
      eat(")");
      return v;
    }
    if (tok.t === "op" && tok.v === "[") {
      const items: Series[] = [];
      while (!isOp("]")) {
        const v = expr();
        if (v.kind === "series") items.push(v.s);
        else if (v.kind === "array") items.push(...v.items);
        else throw invalid(src, "arrays hold time series only");
        if (isOp(",")) pos++;
      }
      eat("]");
      return { kind: "array", items };
    }
    if (tok.t === "id") {
      if (!isOp("(")) return { kind: "series", s: env.resolve(tok.v) };
      pos++;
      const args: (Value | string)[] = [];
      while (!isOp(")")) {
        const next = peek();
        if (next?.t === "str") {
          args.push(next.v);
          pos++;
        } else if (next?.t === "id" && next.v === "REPEAT") {
          args.push("REPEAT");
          pos++;
        } else args.push(expr());
        if (isOp(",")) pos++;
      }
      eat(")");
      return call(tok.v.toUpperCase(), args, env, src);
    }
    throw invalid(src);
  };

  const result = expr();
  if (pos !== tokens.length) throw invalid(src);
  if (result.kind === "scalar") return new Map(env.timestamps.map((t) => [t, result.v]));
  if (result.kind === "array") {
    if (result.items.length !== 1) throw invalid(src, "the expression must return a single time series");
    return result.items[0]!;
  }
  return result.s;
}

function apply(a: number, b: number, op: string): number | undefined {
  switch (op) {
    case "+": return a + b;
    case "-": return a - b;
    case "*": return a * b;
    case "/": return b === 0 ? undefined : a / b;
    case "^": return a ** b;
  }
  return undefined;
}

function mapSeries(s: Series, f: (v: number) => number | undefined): Series {
  const out: Series = new Map();
  for (const [t, v] of s) {
    const r = f(v);
    if (r !== undefined && Number.isFinite(r)) out.set(t, r);
  }
  return out;
}

function combine(a: Value, b: Value, op: string): Value {
  if (a.kind === "array") return { kind: "array", items: a.items.map((s) => (combine({ kind: "series", s }, b, op) as { s: Series }).s) };
  if (b.kind === "array") return { kind: "array", items: b.items.map((s) => (combine(a, { kind: "series", s }, op) as { s: Series }).s) };
  if (a.kind === "scalar" && b.kind === "scalar") return { kind: "scalar", v: apply(a.v, b.v, op) ?? Number.NaN };
  if (a.kind === "scalar" && b.kind === "series") return { kind: "series", s: mapSeries(b.s, (v) => apply(a.v, v, op)) };
  if (a.kind === "series" && b.kind === "scalar") return { kind: "series", s: mapSeries(a.s, (v) => apply(v, b.v, op)) };
  const left = (a as { s: Series }).s;
  const right = (b as { s: Series }).s;
  const out: Series = new Map();
  for (const [t, v] of left) {
    const w = right.get(t);
    if (w === undefined) continue;
    const r = apply(v, w, op);
    if (r !== undefined && Number.isFinite(r)) out.set(t, r);
  }
  return { kind: "series", s: out };
}

const REDUCERS: Record<string, (values: number[]) => number> = {
  SUM: (v) => v.reduce((a, b) => a + b, 0),
  AVG: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  MIN: (v) => Math.min(...v),
  MAX: (v) => Math.max(...v),
};

function call(name: string, args: (Value | string)[], env: ExpressionEnv, src: string): Value {
  if (name === "METRICS") {
    const prefix = typeof args[0] === "string" ? args[0] : "";
    return { kind: "array", items: env.metricIds().filter((id) => id.startsWith(prefix)).map((id) => env.resolve(id)) };
  }
  const first = args[0];
  if (first === undefined || typeof first === "string") throw invalid(src, `${name} needs an argument`);
  if (name === "ABS") {
    return first.kind === "scalar" ? { kind: "scalar", v: Math.abs(first.v) } : mapValue(first, (s) => mapSeries(s, Math.abs));
  }
  if (name === "FILL") {
    const fill = args[1];
    if (fill === undefined) throw invalid(src, "FILL needs a fill value");
    return mapValue(first, (s) => fillSeries(s, fill, env.timestamps));
  }
  const reduce = REDUCERS[name];
  if (!reduce) throw invalid(src, `unsupported function ${name}`);
  if (first.kind === "array") {
    const out: Series = new Map();
    const times = new Set(first.items.flatMap((s) => [...s.keys()]));
    for (const t of [...times].sort((x, y) => x - y)) {
      const values = first.items.map((s) => s.get(t)).filter((v): v is number => v !== undefined);
      if (values.length > 0) out.set(t, reduce(values));
    }
    return { kind: "series", s: out };
  }
  if (first.kind === "series") return { kind: "scalar", v: first.s.size > 0 ? reduce([...first.s.values()]) : Number.NaN };
  return first;
}

function mapValue(v: Value, f: (s: Series) => Series): Value {
  if (v.kind === "series") return { kind: "series", s: f(v.s) };
  if (v.kind === "array") return { kind: "array", items: v.items.map(f) };
  return v;
}

function fillSeries(s: Series, fill: Value | string, timestamps: number[]): Series {
  const out: Series = new Map();
  let last: number | undefined;
  for (const t of timestamps) {
    const v = s.get(t);
    if (v !== undefined) {
      out.set(t, v);
      last = v;
    } else if (fill === "REPEAT") {
      if (last !== undefined) out.set(t, last);
    } else if (typeof fill !== "string" && fill.kind === "scalar") {
      out.set(t, fill.v);
    }
  }
  return out;
}
