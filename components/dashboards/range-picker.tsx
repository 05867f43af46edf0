"use client";
import styles from "./dashboards.module.css";
import { PRESETS, toLocalInput, type DashboardParams, type RangeKey } from "./use-dashboard-params";

type Options = { services: string[]; environments: { name: string; type: string }[] };

/** Time range (24 h, 7 d, 30 d, 90 d, custom) and the service / environment filters, all kept in the URL. */
export function RangePicker({ params, options }: { params: DashboardParams; options: Options | undefined }) {
  const choose = (range: RangeKey) => {
    if (range === "custom") params.update({ range, from: toLocalInput(params.from), to: toLocalInput(params.to), page: null });
    else params.update({ range, from: null, to: null, page: null });
  };
  const services = withCurrent(options?.services ?? [], params.service);
  const environments = withCurrent(options?.environments.map((e) => e.name) ?? [], params.environment);
  const typeOf = (name: string) => options?.environments.find((e) => e.name === name)?.type;
  return (
    <div className={styles.toolbar} data-testid="dashboard-filters">
      <div className={styles.segmented} role="group" aria-label="Time range">
        {[...(Object.keys(PRESETS) as (keyof typeof PRESETS)[]), "custom" as const].map((k) => (
          <button key={k} type="button" aria-pressed={params.range === k} onClick={() => choose(k)}>
            {k === "custom" ? "Custom" : PRESETS[k].label}
          </button>
        ))}
      </div>
      {params.range === "custom" && (
        <span className="row">
          <label className="hint" htmlFor="dash-from">From</label>
          <input id="dash-from" className="input" type="datetime-local" value={toLocalInput(params.from)} onChange={(e) => e.target.value && params.update({ from: e.target.value, page: null })} />
          <label className="hint" htmlFor="dash-to">to</label>
          <input id="dash-to" className="input" type="datetime-local" value={toLocalInput(params.to)} onChange={(e) => e.target.value && params.update({ to: e.target.value, page: null })} />
        </span>
      )}
      <select className="select" aria-label="Service" value={params.service ?? ""} onChange={(e) => params.update({ service: e.target.value, page: null })}>
        <option value="">All services</option>
        {services.map((s) => <option key={s} value={s}>{s}</option>)}
      </select>
      <select className="select" aria-label="Environment" value={params.environment ?? ""} onChange={(e) => params.update({ environment: e.target.value, page: null })}>
        <option value="">All environments</option>
        {environments.map((e) => <option key={e} value={e}>{e}{typeOf(e) === "PRODUCTION" ? " (production)" : ""}</option>)}
      </select>
      <span className="hint">Times in {params.timeZone}</span>
    </div>
  );
}

/** The options, plus the value in the URL if it is not among them (so the select shows what is applied). */
function withCurrent(list: string[], current: string | undefined) {
  return current && !list.includes(current) ? [...list, current] : list;
}
