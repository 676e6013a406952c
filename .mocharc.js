// Mocha's settings. Specs run in parallel workers (one per core, at least two: most specs wait on
// child processes), each loading test/setup.ts first.
const os = require("os");

module.exports = {
    require: ["ts-node/register/transpile-only", "test/setup.ts"],
    spec: ["test/**/*.spec.ts"],
    extension: ["ts"],
    timeout: 20000,
    reporter: "spec",
    parallel: true,
    jobs: Math.max(2, os.availableParallelism()),
};
