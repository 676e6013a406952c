// mesh-lint as a tool other repositories drop in: the package's commands (`bin`), what a packed
// install holds (pre-commit installs the hook that way), the pre-commit hook, and the GitHub
// Action, whose `run:` steps are run here as the runner would run them, against a repository
// written by the test; the SARIF file they write must validate.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { Log } from "sarif";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../../harness/stack";
import { main } from "../../scripts/meshLint";
import { runCommand, writeTree } from "../helpers";
import { sarifErrors } from "../lint/sarifSchema";

const packageJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));

/** The compiled commands' source files: what each `bin` entry is built from. */
const SOURCES: Record<string, string> = {
    "mesh-lint": "scripts/meshLint.ts",
    "mesh-report": "scripts/meshReport.ts",
    "picluster-plan": "scripts/plan.ts",
};

/** PATH with the Node that runs the tests first, as setup-node puts its Node first. */
const PATH = `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`;

const ENROLLED = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio.io/dataplane-mode: ambient
`;

/**
 * A repository with a config, a mandatory finding, an advisory one (by the config), a suppressed
 * one, and a broken chart the config ignores.
 */
function repository(): string {
    const root = writeTree({
        ".mesh-lint.yaml": "rules:\n  YAML005: advisory\nignore: [charts]\n",
        "charts/app/templates/broken.yaml": "a: [\n",
        "kubernetes/shop/ns.yaml": ENROLLED,
        "kubernetes/web/ns.yaml": ENROLLED.replace("shop", "web"),
        "kubernetes/shop/pa.yaml": `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: off
  namespace: shop
  annotations:
    picluster-mesh/lint-ignore: "PMX001: the billing client has no sidecar"
spec:
  mtls:
    mode: DISABLE
`,
        "kubernetes/shop/svc.yaml":
            "apiVersion: v1\nkind: Service\nmetadata: {name: orders, namespace: shop}\nspec:\n  ports: {http: 80}\n",
    });
    fs.mkdirSync(path.join(root, ".git"));
    return root;
}

describe("the package's commands", () => {
    it("are bin entries pointing at the compiled scripts, each starting with a node shebang", () => {
        expect(Object.keys(packageJson.bin)).to.deep.equal(Object.keys(SOURCES));
        for (const [name, file] of Object.entries(packageJson.bin as Record<string, string>)) {
            expect(file, name).to.equal(SOURCES[name].replace(/^/, "bin/").replace(/\.ts$/, ".js"));
            const shebang = "#!/usr/bin/env node\n";
            expect(fs.readFileSync(path.join(PROJECT_ROOT, SOURCES[name]), "utf8")).to.match(
                /^#!\/usr\/bin\/env node\n/,
            );
            // tsc keeps a first-line shebang in what it emits.
            expect(
                fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8").startsWith(shebang),
                file,
            ).to.equal(true);
        }
    });

    it("run from their bin entries, as npx runs them", () => {
        // test/commands/cli.spec.ts runs every compiled command; this is the entry npx takes.
        const result = spawnSync(process.execPath, [packageJson.bin["mesh-lint"], "--version"], {
            cwd: PROJECT_ROOT,
            encoding: "utf8",
        });
        expect([result.status, result.stdout, result.stderr]).to.deep.equal([
            0,
            "mesh-lint (picluster-mesh) 0.1.0\n",
            "",
        ]);
    });

    it("pack with the compiled commands and the data they read, without the tests", function () {
        this.timeout(60000);
        const result = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
            cwd: PROJECT_ROOT,
            encoding: "utf8",
            env: { ...process.env, PATH },
        });
        expect(result.status, result.stderr).to.equal(0);
        const files = (JSON.parse(result.stdout)[0].files as { path: string }[]).map((f) => f.path);
        for (const needed of [
            ...Object.values(packageJson.bin as Record<string, string>),
            "bin/lint/sarif.js",
            "Pulumi.yaml",
            "policies/upstream/index.json",
        ]) {
            expect(files, needed).to.include(needed);
        }
        expect(files.filter((file) => /^bin\/(test|bench)\//.test(file))).to.deep.equal([]);
        // The pack's workspace dependencies the compiled linter loads must be the package's own.
        expect(packageJson.dependencies).to.include.keys("rfc6902", "minimatch", "yaml", "zod");
    });
});

describe("the pre-commit hook", () => {
    const [hook] = parse(
        fs.readFileSync(path.join(PROJECT_ROOT, ".pre-commit-hooks.yaml"), "utf8"),
    );

    it("runs the mesh-lint command, installed with npm, when a YAML file changes", () => {
        expect(hook).to.deep.include({ id: "mesh-lint", language: "node", entry: "mesh-lint" });
        expect(Object.keys(packageJson.bin)).to.include(hook.entry);
        const files = new RegExp(hook.files);
        expect(["a.yaml", "k/b.yml"].map((f) => files.test(f))).to.deep.equal([true, true]);
        expect(["a.json", "yaml.txt"].map((f) => files.test(f))).to.deep.equal([false, false]);
    });

    it("lints the whole tree, not the changed files, since findings span files", async () => {
        expect(hook).to.deep.include({ pass_filenames: false, require_serial: true });
        // pre-commit runs the entry with its args from the repository's root.
        const root = repository();
        const { code, stdout, stderr } = await runCommand(
            (argv) => main(argv, { cwd: root }),
            hook.args.map((arg: string) => path.join(root, arg)),
        );
        expect([code, stderr]).to.deep.equal([1, ""]);
        expect(stdout).to.contain("kubernetes/shop/svc.yaml\n  line 5: YAML005 advisory");
        expect(stdout).to.contain("kubernetes/web/ns.yaml\n  line 1: PMX011 mandatory");
        expect(stdout).to.contain("Suppressed by picluster-mesh/lint-ignore annotations:");
    });
});

/** A step of the action, with `${{ inputs.x }}` in its env replaced by the inputs given. */
function stepEnv(step: { env?: Record<string, string> }, inputs: Record<string, string>) {
    return Object.fromEntries(
        Object.entries(step.env ?? {}).map(([key, value]) => [
            key,
            value.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => inputs[name]),
        ]),
    );
}

describe("the GitHub Action", () => {
    const action = parse(fs.readFileSync(path.join(PROJECT_ROOT, "action.yml"), "utf8"));
    const steps: {
        id?: string;
        uses?: string;
        run?: string;
        env?: Record<string, string>;
        with?: Record<string, string>;
    }[] = action.runs.steps;
    const defaults = Object.fromEntries(
        Object.entries(action.inputs as Record<string, { default: string }>).map(
            ([name, input]) => [name, input.default],
        ),
    );

    /** Runs a `run:` step as the runner does: bash in the workspace, with the action's variables. */
    function runStep(id: string, workspace: string, inputs: Record<string, string>) {
        const step = steps.find((s) => s.id === id)!;
        const temp = fs.mkdtempSync(path.join(workspace, "..", "runner-"));
        const output = path.join(temp, "output");
        fs.writeFileSync(output, "");
        const result = spawnSync(
            "bash",
            ["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step.run!],
            {
                cwd: workspace,
                encoding: "utf8",
                env: {
                    ...process.env,
                    PATH,
                    GITHUB_ACTION_PATH: PROJECT_ROOT,
                    GITHUB_OUTPUT: output,
                    GITHUB_WORKSPACE: workspace,
                    RUNNER_TEMP: temp,
                    ...stepEnv(step, { ...defaults, ...inputs }),
                },
            },
        );
        const outputs = Object.fromEntries(
            fs
                .readFileSync(output, "utf8")
                .split("\n")
                .filter((line) => line !== "")
                .map((line) => line.split(/=(.*)/s).slice(0, 2)),
        );
        return { ...result, outputs };
    }

    it("takes the inputs path, format and config, and installs Node and the package", () => {
        expect(action.runs.using).to.equal("composite");
        expect(Object.keys(action.inputs)).to.include.members(["path", "format", "config"]);
        expect(steps[0].uses).to.match(/^actions\/setup-node@v\d+$/);
        expect(steps.find((s) => s.run?.includes("npm ci"))).to.not.equal(undefined);
    });

    it("writes a SARIF file that validates, with each finding on its file and line in the repository", () => {
        const root = repository();
        const { status, stderr, outputs } = runStep("sarif", root, { path: "kubernetes" });
        expect([status, stderr]).to.deep.equal([0, ""]);
        expect(outputs["exit-code"]).to.equal("1");
        const log = JSON.parse(fs.readFileSync(outputs["sarif-file"], "utf8")) as Log;
        expect(sarifErrors(log)).to.deep.equal([]);
        const results = log.runs[0].results!.map((r) => [
            r.ruleId,
            r.level,
            r.locations![0].physicalLocation!.artifactLocation!.uri,
            r.locations![0].physicalLocation!.region!.startLine,
            r.suppressions?.[0].justification,
        ]);
        expect(results).to.deep.equal([
            ["YAML005", "warning", "kubernetes/shop/svc.yaml", 5, undefined],
            ["PMX011", "error", "kubernetes/web/ns.yaml", 1, undefined],
            ["PMX001", "error", "kubernetes/shop/pa.yaml", 1, "the billing client has no sidecar"],
        ]);
        for (const [, , uri] of results) {
            expect(fs.existsSync(path.join(root, uri as string))).to.equal(true);
        }
    });

    it("uploads that SARIF file to code scanning, even when the log's run fails", () => {
        const upload = steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"))!;
        expect(upload.with!.sarif_file).to.equal("${{ steps.sarif.outputs.sarif-file }}");
        expect((upload as { if?: string }).if).to.contain("always()");
        expect(steps.indexOf(upload)).to.be.greaterThan(steps.findIndex((s) => s.id === "log"));
    });

    it("prints annotations in the log and fails the job on a mandatory finding", () => {
        const root = repository();
        const { status, stdout } = runStep("log", root, { path: "kubernetes" });
        expect(status).to.equal(1);
        expect(stdout.split("\n").slice(0, 4)).to.deep.equal([
            "::warning file=kubernetes/shop/svc.yaml,line=5,title=YAML005 kubernetes-field-types::Service shop/orders has spec.ports as a map where Kubernetes wants a list, so the API server refuses the object and the rules skip that field; write spec.ports as a list.",
            "::error file=kubernetes/web/ns.yaml,line=1,title=PMX011 mesh-require-strict-namespaces::Namespace web is enrolled in ambient mode but is effectively PERMISSIVE: no mesh-wide PeerAuthentication exists in istio-system, so Istio's default PERMISSIVE applies; set the mesh-wide policy in istio-system to STRICT or give web a namespace-wide STRICT policy.",
            "::error title=PMX010 mesh-require-strict-default::No mesh-wide PeerAuthentication exists in the root namespace istio-system, so every namespace without its own policy is PERMISSIVE; add a PeerAuthentication named default there, without a selector, with mtls.mode STRICT.",
            "::notice file=kubernetes/shop/pa.yaml,line=1,title=PMX001 peerauthentication-disallow-disable (suppressed)::PeerAuthentication shop/off sets mtls.mode DISABLE, which ztunnel treats as PERMISSIVE, so the workloads of namespace shop accept plaintext from any peer; set STRICT, or open single ports with a workload-selected PERMISSIVE exception with a reason. (suppressed: the billing client has no sidecar)",
        ]);
    });

    it("stops before the upload, with exit 2 and no SARIF file, on input it cannot use", () => {
        const root = repository();
        const { status, stderr, outputs } = runStep("sarif", root, {
            path: "missing",
            config: ".mesh-lint.yaml",
        });
        expect(status).to.equal(2);
        expect(stderr).to.equal("mesh-lint: cannot read missing: no such file or directory\n");
        expect(outputs).to.deep.equal({ "exit-code": "2" });
    });
});
