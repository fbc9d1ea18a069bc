/** The key the upstream projects give the app; tests assert it never reaches the browser. */
export const E2E_UPSTREAM_KEY = "sk-e2e-upstream-key-must-not-leak";
