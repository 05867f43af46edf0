/**
 * The delegate's version, sent at registration and shown on the studio's health page. Kept equal to
 * delegate/package.json's `version` (a unit test checks it) rather than read from package.json at run time, because
 * the bundle ships without package.json.
 */
export const DELEGATE_VERSION = "0.1.0";
