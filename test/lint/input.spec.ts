// mesh-lint's input contract, with hostile and careless input written by each test: every error is
// one line naming the path and what is allowed, with exit 2 for input it cannot use; what it
// cannot decode or parse is a finding, never a clean pass; wrong shapes are findings or skips,
// never a crash; and every read is bounded (no FIFO blocks it, no device or huge file fills it).
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { lintPaths } from "../../lint/lint";
import { main, unexpected } from "../../scripts/meshLint";
import { runCommand, writeTree } from "../helpers";
import { DISABLE, ENROLLED } from "./manifests";

/** A tree of text files, plus files given as bytes. */
function treeWith(files: Record<string, string>, bytes: Record<string, Buffer> = {}): string {
    const root = writeTree(files);
    for (const [name, content] of Object.entries(bytes)) {
        fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
        fs.writeFileSync(path.join(root, name), content);
    }
    return root;
}

/** mesh-lint's JSON findings as `code line message`. */
async function lintJson(...args: string[]) {
    const { code, stdout, stderr } = await runCommand(main, ["--json", ...args]);
    const findings = stdout
        ? JSON.parse(stdout).findings.map(
              (f: { code: string; line: number | null; message: string }) =>
                  `${f.code} ${f.line} ${f.message}`,
          )
        : [];
    return { code, findings, stderr };
}

const UTF16LE_BOM = Buffer.from([0xff, 0xfe]);
const UTF16BE_BOM = Buffer.from([0xfe, 0xff]);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const utf16le = (text: string) => Buffer.concat([UTF16LE_BOM, Buffer.from(text, "utf16le")]);
const utf16be = (text: string) =>
    Buffer.concat([UTF16BE_BOM, Buffer.from(text, "utf16le").swap16()]);
const utf32le = (text: string) =>
    Buffer.concat([
        Buffer.from([0xff, 0xfe, 0x00, 0x00]),
        Buffer.from([...text].flatMap((c) => [c.charCodeAt(0), 0, 0, 0])),
    ]);

const DISABLED =
    "PMX001 1 PeerAuthentication shop/off sets mtls.mode DISABLE, which ztunnel treats as PERMISSIVE, so the workloads of namespace shop accept plaintext from any peer; set STRICT, or open single ports with a workload-selected PERMISSIVE exception with a reason.";

const ENCODING_FIX = "save it as UTF-8 text, or move it out of the tree if it is not a manifest.";

describe("mesh-lint's decoding of files, as kubectl and kustomize decode them", () => {
    for (const [encoding, bytes] of [
        ["UTF-16 little-endian with a byte-order mark", utf16le(DISABLE)],
        ["UTF-16 big-endian with a byte-order mark", utf16be(DISABLE)],
        ["UTF-8 with a byte-order mark", Buffer.concat([UTF8_BOM, Buffer.from(DISABLE)])],
    ] as const) {
        it(`reads ${encoding}: a DISABLE PeerAuthentication in it is found`, async () => {
            const root = treeWith({ "ns.yaml": ENROLLED }, { "pa.yaml": bytes });
            const { code, findings } = await lintJson(root);
            expect(code).to.equal(1);
            expect(findings).to.include(DISABLED);
        });
    }

    it("reports a UTF-32 file, which kubectl, kustomize and Flux do not decode, as YAML004", async () => {
        const root = treeWith({ "ns.yaml": ENROLLED }, { "pa.yaml": utf32le(DISABLE) });
        const { code, findings } = await lintJson(root);
        expect(code).to.equal(1);
        expect(findings).to.include(
            `YAML004 1 ${root}/pa.yaml cannot be read as YAML: it is UTF-32 (its byte-order mark says so), which kubectl, kustomize and Flux do not decode; ${ENCODING_FIX}`,
        );
        expect(findings).not.to.include(DISABLED);
    });

    it("reports a binary file named .yaml as YAML004, at the line of its first byte that is not UTF-8", async () => {
        const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x0d]);
        const text = Buffer.concat([Buffer.from("kind: x\n# \n"), Buffer.from([0xc3, 0x28])]);
        const root = treeWith({}, { "logo.yaml": png, "latin1.yaml": text });
        const { code, findings } = await lintJson(root);
        expect(code).to.equal(1);
        expect(findings).to.deep.equal([
            `YAML004 3 ${root}/latin1.yaml cannot be read as YAML: byte 0xC3 on line 3 is not UTF-8, as in a binary file; ${ENCODING_FIX}`,
            `YAML004 1 ${root}/logo.yaml cannot be read as YAML: byte 0x89 on line 1 is not UTF-8, as in a binary file; ${ENCODING_FIX}`,
        ]);
    });

    it("reports characters YAML forbids (NUL, as binary files hold) and UTF-16 cut in half", async () => {
        const root = treeWith(
            {},
            {
                "nul.yaml": Buffer.from("apiVersion: v1\nkind: ConfigMap\n\0\0\0\0"),
                "odd.yaml": Buffer.concat([
                    UTF16LE_BOM,
                    Buffer.from("a: b", "utf16le"),
                    Buffer.from([0x0a]),
                ]),
                "surrogate.yaml": Buffer.concat([
                    UTF16LE_BOM,
                    Buffer.from("a:\n", "utf16le"),
                    Buffer.from([0x00, 0xd8, 0x61, 0x00]),
                ]),
            },
        );
        const { findings } = await lintJson(root);
        expect(findings).to.deep.equal([
            `YAML004 3 ${root}/nul.yaml cannot be read as YAML: it holds the control character U+0000 on line 3, which YAML does not allow, as in a binary file; ${ENCODING_FIX}`,
            `YAML004 1 ${root}/odd.yaml cannot be read as YAML: it is UTF-16 (its byte-order mark says so) but ends in half a character; ${ENCODING_FIX}`,
            `YAML004 2 ${root}/surrogate.yaml cannot be read as YAML: it is UTF-16 (its byte-order mark says so) but holds an unpaired surrogate on line 2; ${ENCODING_FIX}`,
        ]);
    });

    it("never calls input clean when a file could not be decoded", async () => {
        const root = treeWith({}, { "only.yaml": utf32le(DISABLE) });
        const { stdout, code } = await runCommand(main, [root]);
        expect(code).to.equal(1);
        expect(stdout.split("\n")).to.include(
            "1 finding (1 mandatory, 0 advisory) in 1 file; 0 objects in 1 file checked.",
        );
    });
});

describe("mesh-lint's YAML aliases", () => {
    it("reads a List that reuses one anchor more than a hundred times", () => {
        const item = "  - *map\n".repeat(150);
        const root = writeTree({
            "list.yaml": `apiVersion: v1
kind: List
items:
  - &map
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: settings, namespace: shop}
    data: {mode: strict}
${item}`,
        });
        const result = lintPaths([root]);
        expect(result.findings.map((f) => f.code)).to.deep.equal([]);
        expect(result.objects).to.equal(151);
    });

    it("refuses an alias bomb as YAML001 at once, without expanding it", async () => {
        let bomb =
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
        for (let i = 1; i < 9; i++) {
            bomb += `  a${i}: &a${i} [${Array(10)
                .fill(`*a${i - 1}`)
                .join(", ")}]\n`;
        }
        const root = writeTree({ "bomb.yaml": bomb });
        const started = Date.now();
        const { findings } = await lintJson(root);
        expect(findings).to.deep.equal([
            `YAML001 1 ${root}/bomb.yaml is not valid YAML: its aliases expand it by more than 1000000 values (excessive aliasing).`,
        ]);
        expect(Date.now() - started).to.be.lessThan(5000);
    });

    it("refuses an alias that names the node holding it, and nesting no parser follows", async () => {
        const root = writeTree({
            "loop.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: x, self: *m}\n",
            "self.yaml": "a: &a [*a]\n",
            "deep.yaml": `a: ${"[".repeat(5000)}${"]".repeat(5000)}\n`,
        });
        const { findings } = await lintJson(root);
        expect(findings).to.deep.equal([
            `YAML001 1 ${root}/deep.yaml is not valid YAML: it nests deeper than a parser can follow.`,
            `YAML001 1 ${root}/loop.yaml is not valid YAML: an alias names a node that holds it, which expands without end.`,
            `YAML001 1 ${root}/self.yaml is not valid YAML: an alias names a node that holds it, which expands without end.`,
        ]);
    });
});

describe("mesh-lint on fields of the wrong type (the crashes issue #15 lists)", () => {
    const SERVICE = `apiVersion: v1
kind: Service
metadata: {name: orders, namespace: shop}
spec:
  selector: {app: orders}
  ports: {http: 8080}
`;
    const cases: [what: string, file: string, expected: string[]][] = [
        [
            "a Service's ports as a map (a forgotten dash)",
            SERVICE,
            [
                "YAML005 6 Service shop/orders has spec.ports as a map where Kubernetes wants a list, so the API server refuses the object and the rules skip that field; write spec.ports as a list.",
            ],
        ],
        [
            "a Deployment with `containers: 5`",
            `apiVersion: apps/v1
kind: Deployment
metadata: {name: orders, namespace: shop}
spec:
  selector: {matchLabels: {app: orders}}
  template:
    metadata: {labels: {app: orders}}
    spec:
      containers: 5
`,
            [
                "YAML005 9 Deployment shop/orders has spec.template.spec.containers as a number where Kubernetes wants a list, so the API server refuses the object and the rules skip that field; write spec.template.spec.containers as a list.",
            ],
        ],
        [
            "a webhook configuration with `webhooks:` as a map",
            `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: orders-webhook}
webhooks:
  name: orders.shop.example.com
  clientConfig: {service: {name: orders, namespace: shop, port: 443}}
`,
            [
                "YAML005 5 ValidatingWebhookConfiguration orders-webhook has webhooks as a map where Kubernetes wants a list, so the API server refuses the object and the rules skip that field; write webhooks as a list.",
            ],
        ],
        [
            "a NetworkPolicy with `ingress:` as a map and a peer's `ports` as a string",
            `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: orders, namespace: shop}
spec:
  podSelector: {matchLabels: {app: orders}}
  ingress:
    - from: [{ipBlock: {cidr: 169.254.7.127/32, except: 10.0.0.0/8}}]
      ports: "15008"
`,
            [
                "YAML005 7 NetworkPolicy shop/orders has spec.ingress[0].from[0].ipBlock.except as a string where Kubernetes wants a list, so the API server refuses the object and the rules skip that field; write spec.ingress[0].from[0].ipBlock.except as a list.",
                "YAML005 8 NetworkPolicy shop/orders has spec.ingress[0].ports as a string where Kubernetes wants a list, so the API server refuses the object and the rules skip that field; write spec.ingress[0].ports as a list.",
            ],
        ],
    ];
    for (const [what, file, expected] of cases) {
        it(`reports ${what} as YAML005 at the field's line, and judges the rest`, () => {
            const root = writeTree({
                "ns.yaml": ENROLLED,
                "object.yaml": file,
                "pa.yaml": DISABLE,
            });
            const findings = lintPaths([root]).findings;
            expect(
                findings
                    .filter((f) => f.code === "YAML005")
                    .map((f) => `${f.code} ${f.line} ${f.message}`),
            ).to.deep.equal(expected);
            // The rest of the input is still judged.
            expect(findings.map((f) => f.code)).to.include("PMX001");
        });
    }

    it("judges an AuthorizationPolicy with `from:` as a map by Istio's validation (PMX075), without a crash", () => {
        const root = writeTree({
            "ns.yaml": ENROLLED,
            "policy.yaml": `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: orders, namespace: shop}
spec:
  rules:
    - from:
        source: {principals: [cluster.local/ns/shop/sa/web]}
`,
        });
        expect(
            lintPaths([root])
                .findings.filter((f) => f.code === "PMX075")
                .map((f) => f.message),
        ).to.deep.equal([
            "AuthorizationPolicy shop/orders writes a map at rules[0].from, where Istio's schema wants a list, so the API server rejects the policy; write a list there.",
        ]);
    });

    it("takes a Cilium policy with `ingress:` as a map without a crash", async () => {
        const root = writeTree({
            "ns.yaml": ENROLLED,
            "cilium.yaml": `apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: probes}
spec:
  endpointSelector: {}
  ingress:
    fromCIDR: [169.254.7.127/32]
`,
        });
        const { code, stderr } = await runCommand(main, [root]);
        expect([code, stderr]).to.deep.equal([1, ""]);
    });
});

describe("mesh-lint's bounded reads", () => {
    const mkfifo = (file: string) => execFileSync("mkfifo", [file]);
    const posix = process.platform !== "win32";

    it("refuses a FIFO named on the command line or found with a YAML name in a tree, without blocking", async function () {
        if (!posix) {
            this.skip();
        }
        const root = writeTree({ "ns.yaml": ENROLLED });
        mkfifo(path.join(root, "pipe.yaml"));
        expect(await runCommand(main, [path.join(root, "pipe.yaml")])).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: `mesh-lint: cannot read ${root}/pipe.yaml: a FIFO, not a file or directory`,
        });
        expect(await runCommand(main, [root])).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: `mesh-lint: cannot read ${root}/pipe.yaml: a FIFO, not a regular file`,
        });
    });

    it("refuses /dev/zero named on the command line or linked into a tree, before reading a byte", async function () {
        if (!posix || !fs.existsSync("/dev/zero")) {
            this.skip();
        }
        expect(await runCommand(main, ["/dev/zero"])).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: "mesh-lint: cannot read /dev/zero: a character device, not a file or directory",
        });
        const root = writeTree({ "ns.yaml": ENROLLED });
        fs.symlinkSync("/dev/zero", path.join(root, "zero.yaml"));
        expect(await runCommand(main, [root])).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: `mesh-lint: cannot read ${root}/zero.yaml: a character device, not a regular file`,
        });
    });

    it("refuses a FIFO a kustomization names, outside the paths given", async function () {
        if (!posix) {
            this.skip();
        }
        const root = writeTree({
            "app/kustomization.yaml": "resources: [../shared/pipe.yaml]\n",
        });
        fs.mkdirSync(path.join(root, "shared"));
        mkfifo(path.join(root, "shared", "pipe.yaml"));
        // Shown relative to the working directory, as files outside the paths given are.
        const shown = path.relative(process.cwd(), path.join(root, "shared", "pipe.yaml"));
        expect(await runCommand(main, [path.join(root, "app")])).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: `mesh-lint: cannot read ${shown}: a FIFO, not a regular file`,
        });
    });

    it("refuses a file above --max-file-size by its size, and takes one below it", async () => {
        const root = writeTree({
            "ns.yaml": ENROLLED,
            "big.yaml": `${ENROLLED}# ${"x".repeat(2048)}\n`,
        });
        expect(await runCommand(main, ["--max-file-size", "2KiB", root])).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: `mesh-lint: cannot read ${root}/big.yaml: 2.1 KiB, more than the 2 KiB a file may have (--max-file-size)`,
        });
        expect((await runCommand(main, ["--max-file-size", "3 KiB", root])).code).to.equal(1);
    });

    it("refuses a --max-file-size that is no size in one line, echoing only a short plain value", async () => {
        const root = writeTree({ "ns.yaml": ENROLLED });
        const allowed =
            "is not a size from 1 byte to 256MiB; give bytes or a number with KiB, MiB or GiB, such as 16MiB";
        for (const [value, shown] of [
            ["lots", ' "lots"'],
            ["0", ' "0"'],
            ["1GiB", ' "1GiB"'],
            ["ghp_0123456789abcdefghijklmnopqrstuvwxyz", ""],
        ]) {
            expect(await runCommand(main, ["--max-file-size", value, root])).to.deep.equal({
                code: 2,
                stdout: "",
                stderr: `mesh-lint: --max-file-size${shown} ${allowed}`,
            });
        }
    });

    it("masks credentials and control characters in a path it echoes, and cuts a long one short", async () => {
        const result = await runCommand(main, [
            "https://robot:s3cr3t@git.example.com/x.yaml",
            "line\nbreak.yaml",
        ]);
        expect(result).to.deep.equal({
            code: 2,
            stdout: "",
            stderr: "mesh-lint: cannot read https://***@git.example.com/x.yaml: no such file or directory",
        });
        const long = `${"d".repeat(240)}.yaml`;
        expect((await runCommand(main, [long])).stderr).to.equal(
            `mesh-lint: cannot read ${"d".repeat(200)}…: no such file or directory`,
        );
        expect((await runCommand(main, ["line\nbreak.yaml"])).stderr).to.equal(
            "mesh-lint: cannot read line?break.yaml: no such file or directory",
        );
    });

    it("turns an error no check expected into one line, never a stack trace", async () => {
        const error = new TypeError(
            "Cannot read properties of undefined (reading 'x')\n    at f (a.ts:1:1)",
        );
        expect(await unexpected("mesh-lint", error)).to.equal(
            "mesh-lint: internal error, please report it: TypeError: Cannot read properties of undefined (reading 'x')",
        );
    });
});
