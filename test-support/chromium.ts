/**
 * Debian's Chromium, as every browser test launches it (`npx playwright install` cannot work offline). Without the
 * background-networking flags Chromium keeps dialling Google's hosts, which this machine's closed network refuses.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];
