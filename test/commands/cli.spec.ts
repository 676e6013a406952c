// The compiled commands as a user runs them (`npm test` builds them first): a separate process
// writing into a pipe.
import { expect } from "chai";
import { spawnSync } from "child_process";
import { PROJECT_ROOT } from "../../harness/stack";
import { BENCH } from "../../bench/run";
import { helpText } from "../../scripts/cli";
import { DOCS } from "../../scripts/docs";
import { UPSTREAM } from "../../scripts/upstream";
import { MESH_LINT } from "../../scripts/meshLint";
import { MESH_REPORT } from "../../scripts/meshReport";
import { PLAN } from "../../scripts/plan";
import { REFERENCE_STACK } from "../helpers";

const quote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;

/**
 * Runs a script the way a shell pipeline does (`… | cat`): a shell pipe is where `process.exit()`
 * cuts off output still draining, which Node's own spawnSync pipes do not show.
 */
function run(script: string, args: string[]) {
    const command = [process.execPath, script, ...args].map(quote).join(" ");
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
        const { code, stdout, stderr } = run("bin/scripts/plan.js", [
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

    it("turn an unexpected error into one line, and show the stack only when asked", () => {
        const script = `require("./bin/scripts/cli.js").runScript(async () => { throw new Error("boom\\nsecond line"); }, 1)`;
        const quiet = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
        expect([quiet.status, quiet.stderr]).to.deep.equal([
            1,
            "internal error: boom (a bug: please report it; PICLUSTER_MESH_DEBUG=1 shows where)\n",
        ]);
        const debug = spawnSync(process.execPath, ["-e", script], {
            encoding: "utf8",
            env: { ...process.env, PICLUSTER_MESH_DEBUG: "1" },
        });
        expect(debug.stderr).to.match(/^Error: boom\nsecond line\n {4}at /);
    });

    it("lint the corrected Flux tree clean and exit 0", () => {
        const tree = "test/fixtures/flux/corrected";
        const { code, stdout } = run("bin/scripts/meshLint.js", ["--json", tree]);
        expect(JSON.parse(stdout)).to.deep.equal({ findings: [], suppressed: [] });
        expect(code).to.equal(0);
    });

    const commands = [
        ["bin/scripts/plan.js", "plan", PLAN],
        ["bin/scripts/meshLint.js", "mesh-lint", MESH_LINT],
        ["bin/scripts/meshReport.js", "mesh-report", MESH_REPORT],
        ["bin/scripts/docs.js", "docs", DOCS],
        ["bin/scripts/upstream.js", "upstream", UPSTREAM],
        ["bin/bench/run.js", "bench", BENCH],
    ] as const;
    for (const [script, name, command] of commands) {
        it(`make ${name} answer --help with its usage and options, and --version`, () => {
            const help = run(script, ["--help"]);
            expect([help.code, help.stderr]).to.deep.equal([0, ""]);
            expect(help.stdout).to.equal(`${helpText(command)}\n`);
            // mesh-lint is an installed command; the others run through npm in a checkout.
            expect(help.stdout.split("\n")[0]).to.match(
                name === "mesh-lint" ? /^usage: mesh-lint \[/ : /^usage: npm run /,
            );
            expect(help.stdout).to.contain("  --version");
            const version = run(script, ["--version"]);
            expect([version.code, version.stdout]).to.deep.equal([
                0,
                `${name} (picluster-mesh) 0.1.0\n`,
            ]);
        });
    }
});
