// `-` as a path: YAML from stdin (`kustomize build | mesh-lint -`, `helm template | mesh-lint -`),
// read as a file is read (decoded as kubectl decodes it, bounded by --max-file-size), named
// `<stdin>` in findings with their lines, and joining every cluster as rendered output does.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Readable } from "stream";
import { PROJECT_ROOT } from "../../harness/stack";
import { main } from "../../scripts/meshLint";
import { main as meshReport } from "../../scripts/meshReport";
import { runCommand, writeTree } from "../helpers";
import { DISABLE, ENROLLED } from "./manifests";

const FLUX = path.relative(process.cwd(), path.join(__dirname, "..", "fixtures", "flux"));

/** mesh-lint with these bytes (or chunks) on stdin. */
function withStdin(input: Buffer | Iterable<Buffer> | AsyncIterable<Buffer>, isTTY = false) {
    const stream = Readable.from(Buffer.isBuffer(input) ? [input] : input);
    return (argv: string[]) => main(argv, { stdin: Object.assign(stream, { isTTY }) });
}

type Found = { code: string; file: string | null; line: number | null; cluster: string | null };

describe("mesh-lint -", () => {
    it("reads YAML from stdin and names it <stdin> in findings, with lines", async () => {
        const { code, stdout, stderr } = await runCommand(
            withStdin(Buffer.from(`${ENROLLED}---\n${DISABLE}`)),
            ["--json", "-"],
        );
        expect([code, stderr]).to.deep.equal([1, ""]);
        const found = JSON.parse(stdout).findings.map((f: Found) => [f.code, f.file, f.line]);
        expect(found).to.deep.equal([
            ["PMX001", "<stdin>", 8],
            ["PMX010", null, null],
        ]);
    });

    it("decodes stdin as kubectl decodes a file: UTF-16 with a byte-order mark read, binary a finding", async () => {
        const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(DISABLE, "utf16le")]);
        const decoded = await runCommand(withStdin(utf16), ["--json", "-"]);
        expect(JSON.parse(decoded.stdout).findings.map((f: Found) => f.code)).to.include("PMX001");
        const binary = await runCommand(withStdin(Buffer.from([0x89, 0x50, 0x4e, 0x47])), [
            "--json",
            "-",
        ]);
        expect(binary.code).to.equal(1);
        expect(JSON.parse(binary.stdout).findings).to.deep.include({
            code: "YAML004",
            policy: "yaml-encoding",
            level: "mandatory",
            kind: null,
            namespace: null,
            name: null,
            file: "<stdin>",
            line: 1,
            cluster: null,
            chain: [],
            message:
                "<stdin> cannot be read as YAML: byte 0x89 on line 1 is not UTF-8, as in a binary file; save it as UTF-8 text, or move it out of the tree if it is not a manifest.",
        });
    });

    it("stops reading stdin at --max-file-size, even a stream without end, with exit 2", async () => {
        async function* endless() {
            for (;;) {
                yield Buffer.alloc(4096, "#");
            }
        }
        expect(
            await runCommand(withStdin(endless()), ["--max-file-size", "64KiB", "-"]),
        ).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: "mesh-lint: cannot read <stdin>: more than the 64 KiB a file may have (--max-file-size)",
        });
    });

    it("refuses a terminal on stdin in one line instead of waiting for it", async () => {
        expect(await runCommand(withStdin(Buffer.alloc(0), true), ["-"])).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: "mesh-lint: - reads YAML from stdin, which is a terminal; pipe YAML in, as in kustomize build | mesh-lint -",
        });
    });

    it("joins stdin to every cluster a tree builds, as a rendered file beside it joins", async () => {
        const tree = `${FLUX}/broken/kubernetes`;
        const rendered = `${FLUX}/broken/rendered/cloudnative-pg.yaml`;
        const asFile = await runCommand(main, ["--json", tree, rendered]);
        const asStdin = await runCommand(withStdin(fs.readFileSync(rendered)), [
            "--json",
            tree,
            "-",
        ]);
        const where = (stdout: string) =>
            JSON.parse(stdout).findings.map((f: Found) => [f.code, f.file, f.line, f.cluster]);
        expect(where(asStdin.stdout)).to.deep.equal(
            where(asFile.stdout).map(([code, file, line, cluster]: unknown[]) => [
                code,
                file === rendered ? "<stdin>" : file,
                line,
                cluster,
            ]),
        );
        expect(where(asStdin.stdout).map(([, file]: unknown[]) => file)).to.include("<stdin>");
    });

    it("reads a real pipe into the compiled command, as a shell pipeline does", () => {
        const result = spawnSync(
            "bash",
            [
                "-c",
                `set -o pipefail; cat | ${JSON.stringify(process.execPath)} bin/scripts/meshLint.js --format github -`,
            ],
            { cwd: PROJECT_ROOT, input: DISABLE, encoding: "utf8" },
        );
        expect(result.status).to.equal(1);
        expect(result.stdout.split("\n")[0]).to.match(/^::error file=<stdin>,line=1,title=PMX001 /);
    });

    it("feeds mesh-report too: the report of YAML from stdin is the report of the same file", async () => {
        const root = writeTree({ "mesh.yaml": `${ENROLLED}---\n${DISABLE}` });
        const fromFile = await runCommand(meshReport, [path.join(root, "mesh.yaml")]);
        const fromStdin = await runCommand(
            (argv) =>
                meshReport(argv, {
                    stdin: Readable.from([fs.readFileSync(path.join(root, "mesh.yaml"))]),
                }),
            ["-"],
        );
        expect(fromStdin).to.deep.equal(fromFile);
        expect(fromStdin.code).to.equal(0);
        expect(fromStdin.stdout).to.contain("shop");
    });
});
