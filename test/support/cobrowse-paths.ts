/** Paths outside Co-browse's context path, /cobrowsex at its boundary among them: neither balancer publishes them. */
export const COBROWSE_UNPUBLISHED_PATHS = [
  "/",
  "/cobrowsex",
  "/cobrowsex/js/gcb.min.js",
  "/server/isAlive",
  "/other/cobrowse",
] as const;
