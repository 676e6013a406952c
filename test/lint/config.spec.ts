// mesh-lint's config file and inline suppression: `.mesh-lint.yaml` found from the working
// directory up to the repository's root, or --config; levels by code or name, disabled rules,
// settings, ignored paths; every error one line naming the file and the key, with exit 2. An
// object's annotation suppresses the findings it names with a reason, and what it suppresses is
// counted and listed in every format; an annotation it cannot use is a finding itself.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../harness/stack";
import { readSuppression } from "../../lint/suppression";
import { main } from "../../scripts/meshLint";
import { CONFIG_FILE, findConfig, ignoreMatcher } from "../../scripts/meshLintConfig";
import { runCommand, writeTree } from "../helpers";
import { ENROLLED } from "./manifests";

const STRICT_DEFAULT = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: istio-system
spec:
  mtls:
    mode: STRICT
`;

/** A PeerAuthentication with mode DISABLE (PMX001), annotated as given. */
function disabled(annotation?: string): string {
    return `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: off
  namespace: shop
${annotation === undefined ? "" : `  annotations:\n    picluster-mesh/lint-ignore: ${JSON.stringify(annotation)}\n`}spec:
  mtls:
    mode: DISABLE
`;
}

/** A repository (a `.git` directory bounds the config search) with a clean mesh plus files. */
function repository(files: Record<string, string>): string {
    const root = writeTree({
        "mesh/default.yaml": STRICT_DEFAULT,
        "mesh/ns.yaml": ENROLLED,
        ...files,
    });
    fs.mkdirSync(path.join(root, ".git"));
    return root;
}

/** mesh-lint's JSON run in `cwd` over absolute paths: exit code and `code level` per finding. */
async function lintIn(cwd: string, args: string[]) {
    const { code, stdout, stderr } = await runCommand(
        (argv) => main(argv, { cwd }),
        ["--json", ...args],
    );
    const document = stdout ? JSON.parse(stdout) : { findings: [], suppressed: [] };
    return {
        code,
        stderr,
        findings: document.findings.map(
            (f: { code: string; level: string }) => `${f.code} ${f.level}`,
        ),
        suppressed: document.suppressed,
    };
}

describe("mesh-lint's config file", () => {
    it("is .mesh-lint.yaml in the working directory or above it, up to the repository's root", () => {
        const root = repository({ [CONFIG_FILE]: "rules: {}\n", "a/b/x.yaml": ENROLLED });
        expect(findConfig(root)).to.equal(path.join(root, CONFIG_FILE));
        expect(findConfig(path.join(root, "a", "b"))).to.equal(path.join(root, CONFIG_FILE));
        // A nearer one wins.
        fs.writeFileSync(path.join(root, "a", CONFIG_FILE), "");
        expect(findConfig(path.join(root, "a", "b"))).to.equal(path.join(root, "a", CONFIG_FILE));
        // The repository's root (a .git directory, or the .git file of a worktree) ends the search.
        const outer = writeTree({
            [CONFIG_FILE]: "rules: {}\n",
            "repo/.git": "gitdir: elsewhere\n",
        });
        expect(findConfig(path.join(outer, "repo"))).to.equal(undefined);
        const bare = repository({});
        expect(findConfig(path.join(bare, "mesh"))).to.equal(undefined);
    });

    it("sets levels by code or by name, and disables rules", async () => {
        const root = repository({ "mesh/pa.yaml": disabled() });
        const before = await lintIn(root, [root]);
        expect(before).to.deep.include({ code: 1, findings: ["PMX001 mandatory"] });
        for (const rules of [
            "PMX001: advisory",
            "peerauthentication-disallow-disable: advisory",
            "PMX001: {level: advisory}",
        ]) {
            fs.writeFileSync(path.join(root, CONFIG_FILE), `rules:\n  ${rules}\n`);
            expect(await lintIn(root, [root]), rules).to.deep.include({
                code: 0,
                findings: ["PMX001 advisory"],
            });
        }
        fs.writeFileSync(path.join(root, CONFIG_FILE), "rules:\n  PMX001: disabled\n");
        expect(await lintIn(root, [root])).to.deep.include({ code: 0, findings: [] });
        // --no-config reads none; --config names one anywhere.
        expect(await lintIn(root, ["--no-config", root])).to.deep.include({ code: 1 });
        const elsewhere = writeTree({ "lint.yaml": "rules:\n  PMX001: advisory\n" });
        expect(
            await lintIn(root, ["--config", path.join(elsewhere, "lint.yaml"), root]),
        ).to.deep.include({ code: 0, findings: ["PMX001 advisory"] });
    });

    it("gives rules their settings, as the pack's config does", async () => {
        const permissive = disabled().replace("DISABLE", "PERMISSIVE").replace("off", "legacy");
        const root = repository({ "mesh/pa.yaml": `${permissive}  # a reason\n` });
        expect((await lintIn(root, [root])).findings).to.include("PMX002 mandatory");
        fs.writeFileSync(
            path.join(root, CONFIG_FILE),
            "rules:\n  PMX002:\n    permissiveNamespaces: [shop]\n",
        );
        expect((await lintIn(root, [root])).findings).not.to.include("PMX002 mandatory");
    });

    it("sets the level of the linter's own rules, but never of input it could not read", async () => {
        const root = repository({
            "mesh/svc.yaml":
                "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: shop}\nspec:\n  ports: {http: 80}\n",
        });
        expect((await lintIn(root, [root])).findings).to.deep.equal(["YAML005 mandatory"]);
        fs.writeFileSync(path.join(root, CONFIG_FILE), "rules:\n  YAML005: disabled\n");
        expect((await lintIn(root, [root])).findings).to.deep.equal([]);
        fs.writeFileSync(path.join(root, CONFIG_FILE), "rules:\n  yaml-syntax: advisory\n");
        expect(await lintIn(root, [root])).to.deep.include({
            code: 2,
            stderr: `mesh-lint: ${CONFIG_FILE}: rules.yaml-syntax cannot be set: YAML001 reports input mesh-lint could not read or build, which never passes as clean; leave such files out with ignore`,
        });
    });

    it("applies its rules over --policy-config's", async () => {
        const root = repository({ "mesh/pa.yaml": disabled() });
        const policy = path.join(writeTree({ "p.json": '{"all": "advisory"}' }), "p.json");
        expect(
            await lintIn(root, ["--no-config", "--policy-config", policy, root]),
        ).to.deep.include({
            code: 0,
            findings: ["PMX001 advisory"],
        });
        fs.writeFileSync(path.join(root, CONFIG_FILE), "rules:\n  PMX001: mandatory\n");
        expect(await lintIn(root, ["--policy-config", policy, root])).to.deep.include({
            code: 1,
            findings: ["PMX001 mandatory"],
        });
    });

    it("leaves out the paths its ignore globs match, relative to its directory, and says so", async () => {
        const root = repository({
            "charts/broken.yaml": "a: [\n",
            "mesh/generated/x.yaml": disabled(),
            "mesh/pa.generated.yaml": disabled(),
            [CONFIG_FILE]: "ignore: [charts, '**/*.generated.yaml', mesh/generated/**]\n",
        });
        const { code, stdout } = await runCommand((argv) => main(argv, { cwd: root }), [root]);
        expect(code).to.equal(0);
        const shown = (name: string) => path.join(root, name);
        // The config file is read as the YAML it is (it holds no object); the last line lists
        // the rules plain YAML cannot feed.
        expect(stdout.split("\n").slice(-3, -1)).to.deep.equal([
            "No findings: 2 objects in 3 files checked.",
            `Left out by the config's ignore globs, unread: 3 paths (${shown("charts")}, ${shown("mesh/generated/x.yaml")}, ${shown("mesh/pa.generated.yaml")}).`,
        ]);
        // A named path is left out too: pre-commit and scripts name files.
        const named = await lintIn(root, [shown("charts/broken.yaml"), shown("mesh/ns.yaml")]);
        expect(named).to.deep.include({
            code: 1,
            findings: ["PMX011 mandatory", "PMX010 mandatory"],
        });
    });

    it("matches a path or any directory above it, and nothing outside its directory", () => {
        const matches = ignoreMatcher(
            { file: "/repo/.mesh-lint.yaml", ignore: ["vendor", "*.tmp.yaml"] },
            "/repo/sub",
        );
        expect(
            ["../vendor/a/b.yaml", "/repo/vendor", "x.tmp.yaml", "/repo/a.tmp.yaml"].map(matches),
        ).to.deep.equal([
            true,
            true,
            false, // /repo/sub/x.tmp.yaml: `*` does not cross a directory
            true,
        ]);
        expect(["/elsewhere/vendor/a.yaml", "../../vendor", "/repo"].map(matches)).to.deep.equal([
            false,
            false,
            false,
        ]);
    });

    const errors: [what: string, text: string, error: string][] = [
        [
            "an unknown key",
            "rule: {}\n",
            '"rule" is not a key of a mesh-lint config; the keys are rules and ignore',
        ],
        [
            "a document that is not a map",
            "- PMX001\n",
            "a mesh-lint config must be a map with the keys rules and ignore",
        ],
        [
            "rules that are not a map",
            "rules: [PMX001]\n",
            "rules must be a map from rule codes or names to a level or a map of settings",
        ],
        [
            "an unknown level",
            "rules:\n  PMX001: warn\n",
            "rules.PMX001 must be mandatory, advisory or disabled",
        ],
        [
            "an unknown level under level",
            "rules:\n  PMX001: {level: 3}\n",
            "rules.PMX001.level must be mandatory, advisory or disabled",
        ],
        [
            "a rule that does not exist",
            "rules:\n  PMX999: advisory\n",
            "rules.PMX999 names no rule; use a rule's code (such as PMX005) or its name, as docs/policies.md lists them",
        ],
        [
            "a rule named twice",
            "rules:\n  PMX001: advisory\n  peerauthentication-disallow-disable: disabled\n",
            "rules.PMX001 and rules.peerauthentication-disallow-disable name the same rule; keep one",
        ],
        [
            "a setting the rule does not have",
            "rules:\n  PMX002: {permissive: [a]}\n",
            "rules.PMX002.permissive is not a setting of PMX002 peerauthentication-restrict-permissive; its settings are permissiveNamespaces, and level",
        ],
        [
            "a setting for a rule without settings",
            "rules:\n  PMX001: {x: 1}\n",
            "rules.PMX001.x is not a setting of PMX001 peerauthentication-disallow-disable; it takes only level",
        ],
        [
            "a setting of the wrong type",
            "rules:\n  peerauthentication-restrict-permissive:\n    permissiveNamespaces: shop\n",
            "rules.peerauthentication-restrict-permissive.permissiveNamespaces: Invalid input: expected array, received string",
        ],
        [
            "ignore that is not a list",
            "ignore: charts\n",
            "ignore must be a list of globs relative to the config file's directory, such as [charts/**, vendor]",
        ],
        [
            "an empty glob",
            "ignore: ['']\n",
            "ignore.0 must be a glob (a non-empty string), such as charts/** or vendor",
        ],
        [
            "a glob above its directory",
            "ignore: [../x]\n",
            "ignore.0 must be relative to the config file's directory and stay below it, such as charts/** or vendor",
        ],
        [
            "YAML that does not parse",
            "rules: [\n",
            "not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1",
        ],
    ];
    for (const [what, text, error] of errors) {
        it(`refuses ${what} in one line naming the file and key, with exit 2`, async () => {
            const root = repository({ [CONFIG_FILE]: text });
            expect(await runCommand((argv) => main(argv, { cwd: root }), [root])).to.deep.equal({
                code: 2,
                stdout: "",
                // A config found is named relative to the working directory.
                stderr: `mesh-lint: ${CONFIG_FILE}: ${error}`,
            });
        });
    }

    it("takes the config docs/mesh-lint.md shows, and prints the errors it shows", async () => {
        const page = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "mesh-lint.md"), "utf8");
        const example = /```yaml\n(# \.mesh-lint\.yaml\n[\s\S]*?)```/.exec(page)![1];
        const root = repository({ [CONFIG_FILE]: example, "charts/x.yaml": "a: [\n" });
        expect(await lintIn(root, [root])).to.deep.include({ code: 0, stderr: "" });
        const shown = /```text\n([\s\S]*?)```/.exec(page)![1].trim().split("\n");
        const causes = ["rules:\n  PMX001: warn\n", "rules:\n  PMX002: {permissive: [a]}\n"];
        expect(shown).to.have.length(causes.length);
        for (const [index, text] of causes.entries()) {
            const wrong = repository({ [CONFIG_FILE]: text });
            const { stderr } = await runCommand((argv) => main(argv, { cwd: wrong }), [wrong]);
            expect(stderr).to.equal(shown[index]);
        }
    });

    it("refuses a --config that is missing or not a regular file, and --config with --no-config", async () => {
        const root = repository({});
        expect(
            await runCommand(main, ["--config", path.join(root, "none.yaml"), root]),
        ).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: `mesh-lint: config: ${path.join(root, "none.yaml")} does not exist`,
        });
        expect((await runCommand(main, ["--config", root, root])).stderr).to.equal(
            `mesh-lint: config: ${root} is a directory; give a file`,
        );
        expect((await runCommand(main, ["--config", "x", "--no-config", root])).stderr).to.equal(
            "mesh-lint: --config and --no-config contradict each other; give one",
        );
    });
});

describe("mesh-lint's inline suppression", () => {
    it("reads the codes and the reason of an annotation, or what it lacks", () => {
        const isCode = (code: string) => /^(PMX|YAML)\d{3}$/.test(code);
        expect(readSuppression("PMX005, PMX017 : the legacy client", isCode)).to.deep.equal({
            codes: ["PMX005", "PMX017"],
            reason: "the legacy client",
        });
        expect(readSuppression("PMX005:  ", isCode)).to.deep.equal({
            problem: "reason",
            codes: ["PMX005"],
        });
        expect(readSuppression("PMX005", isCode)).to.deep.equal({
            problem: "reason",
            codes: ["PMX005"],
        });
        expect(readSuppression(": why", isCode)).to.deep.equal({ problem: "codes", codes: [] });
        expect(readSuppression("PMX5,pmx005: why", isCode)).to.deep.equal({
            problem: "code",
            unknown: ["PMX5", "pmx005"],
        });
    });

    it("moves the findings it names apart with their reason: counted, listed, not failing the run", async () => {
        const root = repository({
            "mesh/pa.yaml": disabled("PMX001: the billing client has no sidecar"),
        });
        const { code, suppressed, findings } = await lintIn(root, [root]);
        expect([code, findings]).to.deep.equal([0, []]);
        expect(suppressed).to.deep.equal([
            {
                code: "PMX001",
                policy: "peerauthentication-disallow-disable",
                level: "mandatory",
                kind: "PeerAuthentication",
                namespace: "shop",
                name: "off",
                file: path.join(root, "mesh/pa.yaml"),
                line: 1,
                cluster: null,
                chain: [],
                message:
                    "PeerAuthentication shop/off sets mtls.mode DISABLE, which ztunnel treats as PERMISSIVE, so the workloads of namespace shop accept plaintext from any peer; set STRICT, or open single ports with a workload-selected PERMISSIVE exception with a reason.",
                reason: "the billing client has no sidecar",
            },
        ]);
        const text = await runCommand(main, [root]);
        expect(text.stdout.split("\n").slice(0, -1)).to.deep.equal([
            "Suppressed by picluster-mesh/lint-ignore annotations:",
            `  ${path.join(root, "mesh/pa.yaml")} line 1: PMX001 mandatory peerauthentication-disallow-disable`,
            "    PeerAuthentication shop/off: the billing client has no sidecar",
            "",
            "No findings, 1 suppressed: 3 objects in 3 files checked.",
        ]);
    });

    it("suppresses only the codes it names", async () => {
        const root = repository({ "mesh/pa.yaml": disabled("PMX002, PMX005: not this one") });
        expect(await lintIn(root, [root])).to.deep.include({
            code: 1,
            findings: ["PMX001 mandatory"],
            suppressed: [],
        });
    });

    const unusable: [what: string, annotation: string, message: string][] = [
        [
            "without a reason",
            "PMX001",
            "PeerAuthentication shop/off suppresses PMX001 with picluster-mesh/lint-ignore but gives no reason, so nothing is suppressed; write the reason after a colon, as in `PMX001: why the findings do not apply`.",
        ],
        [
            "without a code",
            ": the billing client",
            "PeerAuthentication shop/off has picluster-mesh/lint-ignore without a code before the colon, so nothing is suppressed; name the codes of the findings, as in `PMX005,PMX017: why the findings do not apply`.",
        ],
        [
            "with a code no rule has",
            "PMX001,PMX0001: the billing client",
            "PeerAuthentication shop/off names PMX0001 in picluster-mesh/lint-ignore, which no rule has, so nothing is suppressed; name codes from the rule table (PMX…, YAML…), separated by commas.",
        ],
    ];
    for (const [what, annotation, message] of unusable) {
        it(`reports an annotation ${what} as YAML006 and suppresses nothing`, async () => {
            const root = repository({ "mesh/pa.yaml": disabled(annotation) });
            const { stdout, code } = await runCommand(main, ["--json", root]);
            expect(code).to.equal(1);
            const { findings, suppressed } = JSON.parse(stdout);
            expect(suppressed).to.deep.equal([]);
            expect(
                findings.map((f: { code: string; level: string; message: string }) => [
                    f.code,
                    f.level,
                    f.message,
                ]),
            ).to.deep.equal([
                ["PMX001", "mandatory", findings[0].message],
                ["YAML006", "advisory", message],
            ]);
        });
    }
});
