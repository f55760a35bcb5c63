import { defineConfig } from "vitest/config";

// CI asks for a JSON report (for the `tests: N passed, M failed` line) beside the usual output.
const jsonReport = process.env.KITBASH_VITEST_JSON;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "test/fixtures/**"],
    setupFiles: ["test/support/setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two cores: e2e suites start servers and real binaries; keep parallelism modest.
    maxWorkers: 2,
    reporters: jsonReport ? ["default", ["json", { outputFile: jsonReport }]] : ["default"],
  },
});
