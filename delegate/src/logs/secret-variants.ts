/**
 * Which strings count as "the secret" in a log: the value itself, each line of a multi-line value, and the
 * encodings a script commonly prints by accident (base64 and base64url at any byte alignment, URL-encoded,
 * JSON-escaped). harness/lite-engine's `createSecretVariants` is the model; the alignment trick is ours.
 *
 * Edit to add an encoding. Keep every needle at least MIN_SECRET_CHARS long: a 1–2 character needle would shred
 * every log line it touches.
 * @see src/logs/redactor.ts
 */

/** Values shorter than this are not masked (and a warning says so). */
export const MIN_SECRET_CHARS = 3;

/** The needles to mask for these values, longest first, without duplicates. `skipped` lists values too short. */
export function secretNeedles(values: readonly string[]): { needles: string[]; skipped: number } {
  const out = new Set<string>();
  let skipped = 0;
  for (const value of values) {
    if (value.length < MIN_SECRET_CHARS) {
      if (value.length > 0) skipped++;
      continue;
    }
    for (const v of variantsOf(value)) if (v.length >= MIN_SECRET_CHARS) out.add(v);
    const lines = value.split(/\r\n|\r|\n/);
    if (lines.length > 1) {
      for (const line of lines) {
        const trimmed = line.trim();
        if (trimmed.length >= MIN_SECRET_CHARS) for (const v of variantsOf(trimmed)) if (v.length >= MIN_SECRET_CHARS) out.add(v);
      }
    }
  }
  return { needles: [...out].sort((a, b) => b.length - a.length), skipped };
}

function variantsOf(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  const variants = [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), encodeURIComponent(value).replace(/%20/g, "+")];
  // The plain encodings, padding included, so `printf secret | base64` masks to a bare `***`…
  variants.push(bytes.toString("base64"), bytes.toString("base64url"));
  // …and the alignment-independent cores, for a value inside a longer base64'd text.
  for (const offset of [0, 1, 2]) {
    const core = base64Core(bytes, offset);
    // Shorter than 4 characters would match innocent base64 text; a value that short is masked in clear anyway.
    if (core.length >= 4) variants.push(core, core.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return variants;
}

/**
 * The base64 characters that depend only on `bytes` when they sit at `offset` (0–2) within a longer base64'd
 * stream. Each output char encodes 6 bits; we keep the chars whose 6 bits all fall inside the value, so
 * `echo secret | base64` (extra newline), `printf "x:secret" | base64` and the bare value all still match.
 */
export function base64Core(bytes: Uint8Array, offset: number): string {
  const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
  const encoded = padded.toString("base64");
  const firstBit = offset * 8;
  const endBit = (offset + bytes.length) * 8;
  const from = Math.ceil(firstBit / 6);
  const to = Math.floor(endBit / 6); // chars [from, to) have all their bits within the value
  return to > from ? encoded.slice(from, to) : "";
}
