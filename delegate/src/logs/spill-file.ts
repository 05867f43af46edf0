/**
 * Overflow storage for log chunks that do not fit in the shipper's memory budget (a chatty task while the studio
 * is down). Append-only file in the work dir; each chunk is written once and read back by offset when it is its
 * turn to be sent. Synchronous I/O on purpose: it only runs past the memory cap, and keeps ordering trivial.
 *
 * Edit if spilling needs compression or a size limit of its own.
 */
import { closeSync, mkdirSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";

export interface SpillRef {
  offset: number;
  length: number;
}

export class SpillFile {
  private fd: number | null = null;
  private size = 0;

  constructor(private readonly path: string) {}

  append(text: string): SpillRef {
    if (this.fd === null) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, "w+", 0o600); // may hold secrets' neighbours: owner only
    }
    const bytes = Buffer.from(text, "utf8");
    writeSync(this.fd, bytes, 0, bytes.length, this.size);
    const ref = { offset: this.size, length: bytes.length };
    this.size += bytes.length;
    return ref;
  }

  read(ref: SpillRef): string {
    if (this.fd === null) throw new Error("spill file is not open");
    const buf = Buffer.alloc(ref.length);
    readSync(this.fd, buf, 0, ref.length, ref.offset);
    return buf.toString("utf8");
  }

  /** Remove the file (nothing in it is needed any more). */
  dispose(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.size = 0;
    rmSync(this.path, { force: true });
  }
}
