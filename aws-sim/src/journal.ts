/**
 * Every API call the sim answered, in order. Tests assert on it ("the delegate never called ModifyListener twice",
 * "all calls used the delegate's key") instead of on their own bookkeeping.
 */

export type ServiceName = "ecs" | "elbv2" | "cloudwatch";

export interface JournalEntry {
  seq: number;
  /** Simulated epoch ms when the call was answered. */
  time: number;
  /** Real epoch ms when the call was answered. */
  realTime: number;
  service: ServiceName;
  action: string;
  /** Decoded request parameters (JSON body, or the nested awsQuery form). */
  params: Record<string, unknown>;
  /** Access key id from the SigV4 Authorization header; undefined for unsigned requests. */
  accessKeyId: string | undefined;
  protocol: "awsJson1_1" | "awsJson1_0" | "awsQuery";
  /** "ok", or the error code that was returned. */
  status: string;
  requestId: string;
}

export interface JournalFilter {
  service?: ServiceName;
  action?: string | RegExp;
  status?: string;
  accessKeyId?: string;
  /** Only entries with seq greater than this, e.g. a `journal.mark()` taken before the code under test ran. */
  after?: number;
}

/** Create*, Update*, Modify*, Register*, Delete*, Deregister*, Put*, plus the few other writers tests care about. */
const MUTATING = /^(Create|Update|Modify|Register|Delete|Deregister|Put|Add|Remove|Set|Stop|Run|Start|Tag|Untag)/;

export class Journal {
  private readonly entries: JournalEntry[] = [];
  private seq = 0;

  record(entry: Omit<JournalEntry, "seq">): JournalEntry {
    const full = { seq: ++this.seq, ...entry };
    this.entries.push(full);
    return full;
  }

  calls(filter: JournalFilter = {}): JournalEntry[] {
    return this.entries.filter((e) => matches(e, filter));
  }

  mutating(filter: JournalFilter = {}): JournalEntry[] {
    return this.calls(filter).filter((e) => MUTATING.test(e.action));
  }

  /** The current sequence number, to pass later as `{ after }`. */
  mark(): number {
    return this.seq;
  }

  clear(): void {
    this.entries.length = 0;
  }
}

function matches(e: JournalEntry, f: JournalFilter): boolean {
  if (f.service && e.service !== f.service) return false;
  if (f.action !== undefined) {
    if (typeof f.action === "string" ? e.action !== f.action : !f.action.test(e.action)) return false;
  }
  if (f.status !== undefined && e.status !== f.status) return false;
  if (f.accessKeyId !== undefined && e.accessKeyId !== f.accessKeyId) return false;
  if (f.after !== undefined && e.seq <= f.after) return false;
  return true;
}
