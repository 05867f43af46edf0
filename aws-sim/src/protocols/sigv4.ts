/**
 * Reads (never verifies) a SigV4 Authorization header. The sim accepts any signature; it only needs the access key
 * for the journal and the credential scope's service name to route form-encoded calls.
 *
 *   AWS4-HMAC-SHA256 Credential=AKIATEST/20250101/us-east-1/ecs/aws4_request, SignedHeaders=..., Signature=...
 */
export interface SigV4Scope {
  accessKeyId: string;
  region: string;
  service: string;
}

export function parseAuthorization(header: string | undefined): SigV4Scope | undefined {
  if (!header) return undefined;
  const match = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(header);
  if (!match) return undefined;
  return { accessKeyId: match[1]!, region: match[2]!, service: match[3]! };
}
