// mesh-lint's output formats: SARIF 2.1.0 that the official schema accepts and code scanning can
// place (each rule's metadata, each finding on its file and line, suppressions with their reason,
// findings about the input as a whole as notifications of the run), GitHub workflow commands
// escaped as the runner reads them, and --format's errors in one line.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import type { Log, ReportingDescriptor, Result } from "sarif";
import { escapeData, escapeProperty, renderGithub, workflowCommand } from "../../lint/github";
import { LintFinding, LintResult } from "../../lint/lint";
import { catalogue } from "../../policies/catalogue";
import { main } from "../../scripts/meshLint";
import { runCommand, writeTree } from "../helpers";
import { ENROLLED } from "./manifests";
import { sarifErrors } from "./sarifSchema";

const FLUX = path.relative(process.cwd(), path.join(__dirname, "..", "fixtures", "flux"));
const BROKEN = [`${FLUX}/broken/kubernetes`, `${FLUX}/broken/rendered`];

const DISABLE = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: off
  namespace: shop
  annotations:
    picluster-mesh/lint-ignore: "PMX001: the legacy billing client has no sidecar"
spec:
  mtls:
    mode: DISABLE
`;

type JsonFinding = { code: string; file: string | null; line: number | null; message: string };

async function sarifOf(args: string[], cwd?: string): Promise<{ code: number; log: Log }> {
    const { code, stdout, stderr } = await runCommand(
        (argv) => main(argv, cwd === undefined ? {} : { cwd }),
        ["--format", "sarif", ...args],
    );
    expect(stderr).to.equal("");
    return { code, log: JSON.parse(stdout) as Log };
}

describe("mesh-lint --format sarif", () => {
    let broken: { code: number; log: Log };
    let findings: JsonFinding[];
    before(async () => {
        broken = await sarifOf(BROKEN);
        findings = JSON.parse((await runCommand(main, ["--json", ...BROKEN])).stdout).findings;
    });

    it("writes a log the official SARIF 2.1.0 schema accepts, with the exit code of the text run", () => {
        expect(sarifErrors(broken.log)).to.deep.equal([]);
        expect(broken.log.version).to.equal("2.1.0");
        expect(broken.code).to.equal(1);
    });

    it("places each finding on its file (relative to the working directory) and line, as --json does", () => {
        const results = broken.log.runs[0].results!;
        const placed = results.map((result) => {
            const location = result.locations![0].physicalLocation!;
            return [
                result.ruleId,
                decodeURIComponent(location.artifactLocation!.uri!),
                location.region?.startLine ?? null,
                result.message.text,
            ];
        });
        expect(placed).to.deep.equal(
            findings.filter((f) => f.file !== null).map((f) => [f.code, f.file, f.line, f.message]),
        );
        for (const [, file] of placed) {
            expect(fs.existsSync(file as string), `${file} exists`).to.equal(true);
        }
    });

    it("gives findings about the input as a whole to the run, as notifications naming their rule", async () => {
        // No istio-system Namespace to report the missing mesh-wide default on.
        const root = writeTree({ "ns.yaml": ENROLLED });
        const { log } = await sarifOf([root], root);
        expect(sarifErrors(log)).to.deep.equal([]);
        const invocation = log.runs[0].invocations![0];
        expect(invocation.executionSuccessful).to.equal(true);
        const notifications = invocation.toolExecutionNotifications!.map((n) => [
            n.associatedRule,
            n.level,
            n.message.text,
        ]);
        expect(notifications).to.deep.equal([
            [
                { id: "PMX010", index: Object.keys(catalogue).sort().indexOf("PMX010") },
                "error",
                "No mesh-wide PeerAuthentication exists in the root namespace istio-system, so every namespace without its own policy is PERMISSIVE; add a PeerAuthentication named default there, without a selector, with mtls.mode STRICT.",
            ],
        ]);
        expect(log.runs[0].results!.map((r) => r.ruleId)).to.deep.equal(["PMX011"]);
    });

    it("lists every rule of the catalogue with its title, description, help and default level", () => {
        const rules = broken.log.runs[0].tool.driver.rules!;
        expect(rules.map((rule) => rule.id)).to.deep.equal(Object.keys(catalogue).sort());
        const byId = new Map<string, ReportingDescriptor>(rules.map((rule) => [rule.id, rule]));
        const { PMX003, YAML006 } = catalogue;
        expect(byId.get("PMX003")).to.deep.include({
            id: "PMX003",
            name: PMX003.name,
            shortDescription: { text: PMX003.title },
            fullDescription: { text: PMX003.description },
            defaultConfiguration: { level: "error" },
        });
        expect(byId.get("PMX003")!.help!.text).to.equal(PMX003.description);
        expect(byId.get("PMX003")!.help!.markdown).to.contain("istioctl IST0106");
        expect(byId.get("YAML006")!.defaultConfiguration).to.deep.equal({ level: "warning" });
        expect(byId.get("YAML006")!.shortDescription).to.deep.equal({ text: YAML006.title });
        // Each result points at its rule.
        for (const result of broken.log.runs[0].results!) {
            expect(rules[result.ruleIndex!].id).to.equal(result.ruleId);
        }
        expect(broken.log.runs[0].tool.driver).to.deep.include({
            name: "mesh-lint",
            semanticVersion: "0.1.0",
        });
    });

    it("marks a suppressed finding with an in-source suppression and its reason, and exits 0 for it", async () => {
        const root = writeTree({ "ns.yaml": ENROLLED, "pa.yaml": DISABLE });
        const { code, log } = await sarifOf([root], root);
        expect(sarifErrors(log)).to.deep.equal([]);
        expect(code).to.equal(1); // PMX010 and PMX011 remain: no mesh-wide default
        const suppressed = log.runs[0].results!.filter((r) => r.suppressions !== undefined);
        expect(
            suppressed.map((r): [string, string, Result["suppressions"]] => [
                r.ruleId!,
                r.locations![0].physicalLocation!.artifactLocation!.uri!,
                r.suppressions,
            ]),
        ).to.deep.equal([
            [
                "PMX001",
                "pa.yaml",
                [
                    {
                        kind: "inSource",
                        status: "accepted",
                        justification: "the legacy billing client has no sidecar",
                    },
                ],
            ],
        ]);
        expect(log.runs[0].invocations![0].workingDirectory!.uri).to.equal(`file://${root}/`);
    });

    it("names a file outside the working directory by an absolute file URI, and stdin percent-encoded", async () => {
        const root = writeTree({ "a b.yaml": ENROLLED });
        const outside = await sarifOf([root]);
        expect(sarifErrors(outside.log)).to.deep.equal([]);
        expect(
            outside.log.runs[0].results!.map(
                (r) => r.locations![0].physicalLocation!.artifactLocation!.uri,
            ),
        ).to.deep.equal([`file://${root}/a%20b.yaml`]);
        const { Readable } = await import("stream");
        const piped = await runCommand(
            (argv) => main(argv, { stdin: Readable.from([Buffer.from(ENROLLED)]) }),
            ["--format", "sarif", "-"],
        );
        const log = JSON.parse(piped.stdout) as Log;
        expect(sarifErrors(log)).to.deep.equal([]);
        expect(
            log.runs[0].results!.map((r) => r.locations![0].physicalLocation!.artifactLocation),
        ).to.deep.equal([{ uri: "%3Cstdin%3E" }]);
    });
});

/** A result of one finding, for the formats' own tests. */
function resultOf(
    found: Partial<LintFinding>[],
    suppressed: (Partial<LintFinding> & { reason: string })[] = [],
): LintResult {
    const complete = (f: Partial<LintFinding>): LintFinding => ({
        code: "PMX001",
        policy: "peerauthentication-disallow-disable",
        level: "mandatory",
        kind: "PeerAuthentication",
        namespace: "shop",
        name: "off",
        file: "pa.yaml",
        line: 3,
        cluster: null,
        chain: [],
        message: "m",
        fix: "f",
        ...f,
    });
    return {
        findings: found.map(complete),
        suppressed: suppressed.map((f) => ({ ...complete(f), reason: f.reason })),
        notApplicable: [],
        unavailable: [],
        files: ["pa.yaml"],
        objects: 1,
        clusters: [],
        unreached: [],
        remote: [],
        notManifests: { chart: 0, template: 0, encrypted: 0 },
        ignored: [],
    };
}

describe("mesh-lint --format github", () => {
    it("escapes %, CR and LF in a message, and : and , too in a property, as the runner reads them", () => {
        expect(escapeData("100% done\r\nnext: a, b")).to.equal("100%25 done%0D%0Anext: a, b");
        expect(escapeProperty("a:b,c%\n")).to.equal("a%3Ab%2Cc%25%0A");
        expect(
            workflowCommand("error", { file: "x,y.yaml", line: 2, title: undefined }, "m"),
        ).to.equal("::error file=x%2Cy.yaml,line=2::m");
    });

    it("annotates a mandatory finding as an error and an advisory one as a warning, on the file and line", () => {
        const result = resultOf([
            { message: "first\nsecond 50%" },
            {
                code: "YAML006",
                policy: "lint-suppression",
                level: "advisory",
                line: 9,
                cluster: "clusters/prod",
            },
            { code: "PMX010", policy: "mesh-require-strict-default", file: null, line: null },
        ]);
        expect(renderGithub(result, process.cwd()).split("\n")).to.deep.equal([
            "::error file=pa.yaml,line=3,title=PMX001 peerauthentication-disallow-disable::first%0Asecond 50%25",
            "::warning file=pa.yaml,line=9,title=YAML006 lint-suppression::m (in clusters/prod)",
            "::error title=PMX010 mesh-require-strict-default::m",
            "3 findings (2 mandatory, 1 advisory) in 2 files; 1 object in 1 file checked.",
        ]);
    });

    it("shows a suppressed finding as a notice with its reason, never silently", () => {
        const result = resultOf([], [{ reason: "the billing client, until 2026" }]);
        expect(renderGithub(result, process.cwd()).split("\n")).to.deep.equal([
            "::notice file=pa.yaml,line=3,title=PMX001 peerauthentication-disallow-disable (suppressed)::m (suppressed: the billing client, until 2026)",
            "No findings, 1 suppressed: 1 object in 1 file checked.",
        ]);
    });

    it("names files relative to the working directory, as the runner places annotations", async () => {
        const root = writeTree({ "ns.yaml": ENROLLED });
        const { code, stdout } = await runCommand(
            (argv) => main(argv, { cwd: root }),
            ["--format", "github", root],
        );
        expect(code).to.equal(1);
        expect(stdout.split("\n")[0]).to.match(/^::error file=ns\.yaml,line=1,title=PMX011 /);
    });
});

describe("mesh-lint --format", () => {
    it("takes --json as --format json", async () => {
        const root = writeTree({ "ns.yaml": ENROLLED });
        const json = await runCommand(main, ["--json", root]);
        expect(await runCommand(main, ["--format", "json", root])).to.deep.equal(json);
        expect(await runCommand(main, ["--json", "--format", "json", root])).to.deep.equal(json);
        expect(Object.keys(JSON.parse(json.stdout))).to.deep.equal(["findings", "suppressed"]);
    });

    it("refuses a format it does not know, and --json with another format, in one line with exit 2", async () => {
        const root = writeTree({ "ns.yaml": ENROLLED });
        expect(await runCommand(main, ["--format", "xml", root])).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: "mesh-lint: --format xml is not a format; give text, json, sarif or github",
        });
        expect(await runCommand(main, ["--json", "--format", "sarif", root])).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: "mesh-lint: --json means --format json, which --format sarif contradicts; give one",
        });
    });
});
