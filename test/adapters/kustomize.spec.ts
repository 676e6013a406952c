// The kustomize build against the reference: kubectl's own kustomize (5.5 on these machines).
// Each fixture tree under fixtures/kustomize is built both ways and must give the same objects,
// whole; where kubectl is absent the comparison is pending, which the test report shows.
import { execFileSync } from "child_process";
import { expect } from "chai";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { Builder, Workspace } from "../../policies/adapters/yaml/kustomize/build";
import { contentHash } from "../../policies/adapters/yaml/kustomize/generators";
import { memoryTree, diskTree } from "../../policies/adapters/yaml/tree";

const KUSTOMIZE = path.join(__dirname, "..", "fixtures", "kustomize");

function kubectlKustomize(dir: string): unknown[] | undefined {
    try {
        const out = execFileSync("kubectl", ["kustomize", dir], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
        });
        return parseAllDocuments(out)
            .map((document) => document.toJS())
            .filter(Boolean);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
            return undefined;
        }
        throw error;
    }
}

/** Objects with sorted keys, as kustomize writes them, sorted by kind, namespace and name. */
function canonical(objects: unknown[]): string[] {
    const sortKeys = (value: unknown): unknown =>
        Array.isArray(value)
            ? value.map(sortKeys)
            : value && typeof value === "object"
              ? Object.fromEntries(
                    Object.keys(value)
                        .sort()
                        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
                )
              : value;
    return objects.map((object) => JSON.stringify(sortKeys(object))).sort();
}

function build(dir: string) {
    return new Builder(new Workspace(diskTree(new Map()))).build(dir);
}

describe("the kustomize build", () => {
    for (const root of ["overlay/overlays/prod", "values/overlays/prod"]) {
        it(`builds fixtures/kustomize/${root} exactly as kubectl kustomize does`, function () {
            const dir = path.join(KUSTOMIZE, root);
            const expected = kubectlKustomize(dir);
            if (expected === undefined) {
                this.skip(); // kubectl is not installed here
            }
            const built = build(dir);
            expect(built.problems).to.deep.equal([]);
            expect(canonical(built.resources.map((r) => r.value))).to.deep.equal(
                canonical(expected!),
            );
        });
    }

    it("keeps where each object was written and the namespace its file names", () => {
        const built = build(path.join(KUSTOMIZE, "overlay/overlays/prod"));
        const policy = built.resources.find((r) => r.kind === "NetworkPolicy")!;
        expect([policy.name, policy.namespace, policy.writtenNamespace]).to.deep.equal([
            "prod-web-v1",
            "shop",
            "written-elsewhere",
        ]);
        expect(policy.origin.file).to.match(
            /fixtures\/kustomize\/overlay\/base\/network-policy\.yaml$/,
        );
        expect(policy.origin.line).to.equal(1);
    });

    it("names generated objects with kustomize's content hash", () => {
        // kustomize's hash ignores the name (api/hasher: the lookup never finds it).
        expect(
            contentHash({ kind: "ConfigMap", metadata: { name: "x" }, data: { k: "v" } }),
        ).to.equal("bdg947hgcc");
        expect(contentHash({ kind: "ConfigMap", data: { h: "<a&b>" } })).to.equal("kdbdf5g66b");
        expect(contentHash({ kind: "ConfigMap" })).to.equal("6ct58987ht");
        expect(contentHash({ kind: "Secret", type: "Opaque", data: {} })).to.equal("46f8b28mk5");
    });

    it("reports what kustomize refuses and goes on without it", () => {
        const tree = memoryTree(
            Object.entries({
                "/t/kustomization.yaml": `resources: [cm.yaml, missing.yaml]
namePrefx: typo-
patches:
  - patch: |-
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: nothing}
`,
                "/t/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n",
            }).map(([real, text]) => ({ real, display: real.slice(1), text })),
        );
        const built = new Builder(new Workspace(tree)).build("/t");
        expect(built.resources.map((r) => r.name)).to.deep.equal(["kept"]);
        expect(built.problems.map((p) => p.message)).to.deep.equal([
            "t/kustomization.yaml has the unknown field namePrefx",
            "resource missing.yaml does not exist",
            "no resource matches strategic merge patch ConfigMap nothing",
        ]);
    });
});
