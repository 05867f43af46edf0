// Pure tests: vectors were produced with OpenSSH 9.2 (`ssh-keygen -lf`, `-E md5`, `-H`).
import { describe, expect, it } from "vitest";
import {
  entryMatchesHost,
  fingerprintMd5,
  fingerprintOfPublicKeyLine,
  fingerprintsEqual,
  formatKnownHostsLine,
  hashKnownHost,
  parseKnownHosts,
  parsePublicKeyLine,
  verifyHostKey,
} from "./known-hosts";

const ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIByI7UKkmjaN41z7z3dBEpaY+vx3wB7AKd+9kvqmDOZx fixture@slipway";
const RSA =
  "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDBi2hc2grFjim1Jg7s/2mWkOkSdTtl+SKBz78Xtsc3syyJ0dwBkjjXosQsLoxO4dnvYE+x9IVZ3UIfcZDtQM9bu3qVh+I3iiE5NGd9LzmOTxA3RYTSZaOrbkRNSGXs8u03MDBZ/Jsh2lW9EL5zRgiWSg6S+AjRIIKP8Gs0uLmK+0kIrnQ7qvfl9LX6ZdCGsjM6+DHZBlmrbqerrQuDQuHZ+7CvRTGdeDpx27/AEFtRhW8spGDFHPEGPszLktqE5bZDnZx3mvEVsrVa1mQOUMI9VaWzTjl5j+vo4UDztS1ZLDZhSb6t3O+D/917NtESGV8jvUoiu9HxIbx/ljiV4Iph rsa@slipway";

describe("fingerprints", () => {
  it("match ssh-keygen -lf for ed25519 and rsa", () => {
    expect(fingerprintOfPublicKeyLine(ED25519)).toBe("SHA256:89WNxQNvQMuAzBTGhsUjWAddmH73DTbY2Pn+HDNXvuo");
    expect(fingerprintOfPublicKeyLine(RSA)).toBe("SHA256:tv8BOkrVttI3KzzAF6inj1Qioj+KfWk/tZYdv/UChyU");
  });

  it("match ssh-keygen -E md5", () => {
    expect(fingerprintMd5(parsePublicKeyLine(ED25519).blob)).toBe(
      "MD5:27:22:4b:07:92:6a:7d:b2:8c:80:14:7e:a6:fa:8a:2a",
    );
  });

  it("compare across spellings users paste", () => {
    const fp = "SHA256:89WNxQNvQMuAzBTGhsUjWAddmH73DTbY2Pn+HDNXvuo";
    expect(fingerprintsEqual(fp, "89WNxQNvQMuAzBTGhsUjWAddmH73DTbY2Pn+HDNXvuo=")).toBe(true);
    expect(fingerprintsEqual(fp, " sha256:89WNxQNvQMuAzBTGhsUjWAddmH73DTbY2Pn+HDNXvuo ")).toBe(true);
    expect(fingerprintsEqual(fp, "SHA256:tv8BOkrVttI3KzzAF6inj1Qioj+KfWk/tZYdv/UChyU")).toBe(false);
  });

  it("reject a line whose blob type disagrees with its label", () => {
    expect(() => parsePublicKeyLine(ED25519.replace("ssh-ed25519", "ssh-rsa"))).toThrow(/does not match/);
    expect(() => parsePublicKeyLine("ssh-ed25519")).toThrow(/not a public key line/);
  });
});

describe("known_hosts", () => {
  it("reproduces ssh-keygen -H hashing for a non-22 port", () => {
    const salt = Buffer.from("QxA3YX7SnXkfM3rn7Q1gQQERLao=", "base64");
    expect(hashKnownHost("[127.0.0.1]:2222", salt)).toBe(
      "|1|QxA3YX7SnXkfM3rn7Q1gQQERLao=|CxCVtKlKNtVssh1/cB/r3nC5YGo=",
    );
    expect(entryMatchesHost("|1|QxA3YX7SnXkfM3rn7Q1gQQERLao=|CxCVtKlKNtVssh1/cB/r3nC5YGo=", "127.0.0.1", 2222)).toBe(
      true,
    );
    expect(entryMatchesHost("|1|QxA3YX7SnXkfM3rn7Q1gQQERLao=|CxCVtKlKNtVssh1/cB/r3nC5YGo=", "127.0.0.1", 22)).toBe(
      false,
    );
  });

  it("formats the host field like OpenSSH (bare for 22, [host]:port otherwise)", () => {
    expect(formatKnownHostsLine("10.0.0.5", 22, ED25519)).toMatch(/^10\.0\.0\.5 ssh-ed25519 AAAA/);
    expect(formatKnownHostsLine("127.0.0.1", 2222, ED25519)).toMatch(/^\[127\.0\.0\.1\]:2222 ssh-ed25519 AAAA/);
    expect(formatKnownHostsLine("127.0.0.1", 2222, ED25519, { hashed: true })).toMatch(
      /^\|1\|[^|]+\|[^ ]+ ssh-ed25519 /,
    );
  });

  it("gives match / mismatch / unknown / revoked verdicts", () => {
    const ed = parsePublicKeyLine(ED25519).blob;
    const rsa = parsePublicKeyLine(RSA).blob;
    const entries = parseKnownHosts(
      [
        "# comment",
        `[127.0.0.1]:2222 ${ED25519}`,
        `web-*.prod,!web-9.prod ${ED25519}`,
        `@revoked * ${RSA}`,
        "garbage line that is skipped",
      ].join("\n"),
    );
    expect(entries).toHaveLength(3);
    expect(verifyHostKey(entries, "127.0.0.1", 2222, ed)).toBe("match");
    expect(verifyHostKey(entries, "127.0.0.1", 2223, ed)).toBe("unknown");
    expect(verifyHostKey(entries, "web-1.prod", 22, ed)).toBe("match");
    expect(verifyHostKey(entries, "web-9.prod", 22, ed)).toBe("unknown");
    expect(verifyHostKey(entries, "127.0.0.1", 2222, rsa)).toBe("revoked");
    const noRevocation = entries.filter((e) => !e.marker);
    expect(verifyHostKey(noRevocation, "127.0.0.1", 2222, rsa)).toBe("mismatch");
  });
});
