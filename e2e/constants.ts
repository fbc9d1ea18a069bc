/** The key the upstream projects give the app; tests assert it never reaches the browser. */
export const E2E_UPSTREAM_KEY = "sk-e2e-upstream-key-must-not-leak";

/** The `auth` project's app: its password, API token for other tools, and submissions per minute. */
export const E2E_APP_PASSWORD = "e2e correct horse battery";
export const E2E_API_TOKEN = "e2e-api-token-0123456789abcdef";
export const E2E_SUBMIT_LIMIT = 3;
