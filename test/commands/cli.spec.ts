// The command-line entry points as a user runs them: a separate process writing into a pipe.
import { expect } from "chai";
import { spawnSync } from "child_process";
import { PROJECT_ROOT } from "../../harness/stack";
import { REFERENCE_STACK } from "../helpers";

const quote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;

/**
 * Runs a script the way a shell pipeline does (`… | cat`): a shell pipe is where `process.exit()`
 * cuts off output still draining, which Node's own spawnSync pipes do not show.
 */
function run(script: string, args: string[]) {
    const command = [process.execPath, "-r", "ts-node/register/transpile-only", script, ...args]
        .map(quote)
        .join(" ");
    const result = spawnSync("bash", ["-c", `set -o pipefail; ${command} | cat`], {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the command-line entry points", function () {
    this.timeout(60000);

    it("write the whole plan into a pipe and exit 0 for the clean reference stack", () => {
        const { code, stdout, stderr } = run("scripts/plan.ts", [
            "--stack-file",
            REFERENCE_STACK,
            "--json",
        ]);
        expect(stderr).to.equal("");
        expect(code).to.equal(0);
        // Larger than a pipe's buffer: process.exit() would have cut it off.
        expect(stdout.length).to.be.greaterThan(65536);
        const document = JSON.parse(stdout);
        expect(document.stack).to.equal("reference");
        expect(document.violations).to.deep.equal([]);
    });

    it("lint the corrected Flux tree clean and exit 0", () => {
        const tree = "test/fixtures/flux/corrected";
        const { code, stdout } = run("scripts/meshLint.ts", ["--json", tree]);
        expect(JSON.parse(stdout)).to.deep.equal({ findings: [] });
        expect(code).to.equal(0);
    });
});
