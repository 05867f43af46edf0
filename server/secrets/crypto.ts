/**
 * AES-256-GCM sealing for project secrets and secret execution inputs. The key (32 random bytes, base64) comes from
 * SLIPWAY_SECRETS_KEY; the embedded default generates one into .data/secrets.json. Sealed form: iv(12) ‖ ct ‖ tag(16).
 * The secret's name is bound as additional data, so a sealed value cannot be swapped onto another secret's row.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

function key(): Buffer {
  const raw = process.env.SLIPWAY_SECRETS_KEY;
  if (!raw) throw new Error("SLIPWAY_SECRETS_KEY is not set; `npm start` provides one for the embedded default");
  const k = Buffer.from(raw, "base64");
  if (k.length !== 32) throw new Error("SLIPWAY_SECRETS_KEY must be the base64 of exactly 32 bytes");
  return k;
}

export function seal(plaintext: string, context: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  cipher.setAAD(Buffer.from(context));
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([iv, ct, cipher.getAuthTag()]);
}

export function unseal(sealed: Uint8Array, context: string): string {
  const buf = Buffer.from(sealed);
  if (buf.length < 28) throw new Error("sealed value is truncated");
  const decipher = createDecipheriv("aes-256-gcm", key(), buf.subarray(0, 12));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(buf.subarray(buf.length - 16));
  return Buffer.concat([decipher.update(buf.subarray(12, buf.length - 16)), decipher.final()]).toString("utf8");
}
