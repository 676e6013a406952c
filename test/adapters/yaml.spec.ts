import { expect } from "chai";
import * as path from "path";
import { collectYamlFiles, readText } from "../../policies/adapters/yaml";
import {
    parseFast,
    parseWithTree,
    readYamlInput,
    YAML_CAPABILITIES,
} from "../../policies/adapters/yaml";
import { KubeObject, MeshIndex } from "../../policies/core";
import { writeTree } from "../helpers";

const CORRECTED = path.relative(
    process.cwd(),
    path.join(__dirname, "..", "fixtures", "flux", "corrected"),
);

/** `Kind namespace/name @ file:line (patch)`, relative to `root`. */
function summary(object: KubeObject, root: string): string {
    const { kind, metadata, source, patch } = object;
    const where = `${path.relative(root, source.file!)}:${source.line}`;
    return `${kind} ${metadata.namespace ?? "-"}/${metadata.name} @ ${where}${patch ? " (patch)" : ""}`;
}

function objectsOf(root: string, paths: string[] = [root]): string[] {
    return readYamlInput(paths).inventory.objects.map((o) => summary(o, root));
}

describe("the YAML input adapter", () => {
    const corrected = readYamlInput([CORRECTED]);
    const find = (kind: string, name: string) =>
        corrected.inventory.objects.filter((o) => o.kind === kind && o.metadata.name === name);

    it("declares that plain YAML has no Helm release values and no dependency edges", () => {
        expect(corrected.inventory.capabilities).to.deep.equal({
            helmReleases: false,
            dependencies: false,
        });
        expect(YAML_CAPABILITIES).to.deep.equal({ helmReleases: false, dependencies: false });
        expect(corrected.inventory.releases).to.deep.equal([]);
    });

    it("reads every document of a multi-document file with the line its content starts at", () => {
        const file = `${CORRECTED}/kubernetes/platform/istio/app/base/helm.yaml`;
        expect(
            corrected.inventory.objects
                .filter((o) => o.source.file === file)
                .map((o) => `${o.kind} ${o.metadata.name}:${o.source.line}`),
        ).to.deep.equal([
            "HelmRepository istio:2",
            "HelmRelease istio-base:10",
            "HelmRelease istio-cni:40",
            "HelmRelease istio-istiod:72",
            "HelmRelease istio-ztunnel:105",
        ]);
    });

    it("leaves Flux's unresolved ${VARS} as strings", () => {
        const [gateway] = find("Gateway", "public-gateway");
        expect(gateway.body.spec.infrastructure.annotations).to.deep.equal({
            "io.cilium/lb-ipam-ips": "${HTTP_GATEWAY_LOAD_BALANCER_IP}",
        });
        expect(gateway.body.spec.listeners[1].hostname).to.equal("*.${CLUSTER_DOMAIN}");
    });

    it("gives objects the namespace of the kustomization that includes them, components too", () => {
        expect(find("HelmRelease", "envoy-gateway")[0].metadata.namespace).to.equal(
            "envoy-gateway-system",
        );
        // The route component is included by the prod overlay, which sets namespace kiali.
        expect(find("HTTPRoute", "kiali-console")[0].metadata.namespace).to.equal("kiali");
    });

    it("gives the objects under a Flux Kustomization's path its targetNamespace", () => {
        expect(find("HelmRelease", "cilium")[0].metadata.namespace).to.equal("kube-system");
        expect(find("ServiceMonitor", "istio-istiod")[0].metadata.namespace).to.equal(
            "istio-system",
        );
    });

    it("records on each object the Flux Kustomizations whose path holds it, through bases, components and patches", () => {
        const appliedBy = (kind: string, name: string) =>
            find(kind, name).map((o) =>
                (o.source.fluxKustomizations ?? []).map((r) => `${r.namespace}/${r.name}`),
            );
        expect(appliedBy("PeerAuthentication", "databases-strict")).to.deep.equal([
            ["flux-system/databases-common"],
        ]);
        // The Namespace from the base and its label patch from the component.
        expect(appliedBy("Namespace", "databases")).to.deep.equal([
            ["flux-system/databases-common"],
            ["flux-system/databases-common"],
        ]);
        expect(appliedBy("ServiceMonitor", "istio-istiod")).to.deep.equal([
            ["flux-system/istio-app"],
        ]);
        // cilium-config sets no targetNamespace: it still applies its tree.
        expect(
            appliedBy("CiliumClusterwideNetworkPolicy", "allow-ambient-hostprobes"),
        ).to.deep.equal([["flux-system/cilium-config"]]);
        // Rendered output is under no Flux Kustomization's path.
        expect(find("Kiali", "kiali")[0].source).to.deep.equal({
            file: `${CORRECTED}/rendered/kiali-operator.yaml`,
            line: 3,
        });
    });

    it("records every Flux Kustomization that applies a shared base, and the owner of inline patches", () => {
        const flux = (name: string, overlay: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  path: ./apps/${overlay}
`;
        const root = writeTree({
            "clusters/a.yaml": flux("shop-a", "overlay-a"),
            "clusters/b.yaml": flux("shop-b", "overlay-b"),
            "apps/base/kustomization.yaml": "resources: [ns.yaml]\n",
            "apps/base/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
            "apps/overlay-a/kustomization.yaml": `resources: [../base]
patches:
  - patch: "apiVersion: v1\\nkind: Namespace\\nmetadata: {name: shop, labels: {team: a}}"
`,
            "apps/overlay-b/kustomization.yaml": "resources: [../base]\n",
        });
        expect(
            readYamlInput([root])
                .inventory.objects.filter((o) => o.kind === "Namespace")
                .map((o) => [
                    summary(o, root),
                    (o.source.fluxKustomizations ?? []).map((r) => r.name),
                ]),
        ).to.deep.equal([
            ["Namespace -/shop @ apps/base/ns.yaml:1", ["shop-a", "shop-b"]],
            ["Namespace -/shop @ apps/overlay-a/kustomization.yaml:3 (patch)", ["shop-a"]],
        ]);
    });

    it("leaves cluster-scoped objects without a namespace", () => {
        expect(find("Namespace", "kiali")[0].metadata.namespace).to.equal(undefined);
        expect(
            find("CiliumClusterwideNetworkPolicy", "allow-ambient-hostprobes")[0].metadata
                .namespace,
        ).to.equal(undefined);
    });

    it("marks the documents a kustomization lists as patches, and enrolls namespaces through them", () => {
        expect(
            corrected.inventory.objects
                .filter((o) => o.kind === "Namespace")
                .map((o) => `${o.metadata.name}${o.patch ? " patch" : ""}`),
        ).to.deep.equal([
            "e-commerce",
            "e-commerce patch",
            "databases",
            "databases patch",
            "envoy-gateway-system",
            "envoy-gateway-system patch",
            "istio-system",
            "kafka",
            "kafka patch",
            "keycloak",
            "keycloak patch",
            "kiali",
        ]);
        const index = new MeshIndex(corrected.inventory);
        expect(index.ambientNamespaces().map((ns) => ns.name)).to.deep.equal([
            "e-commerce",
            "databases",
            "envoy-gateway-system",
            "kafka",
            "keycloak",
        ]);
    });

    it("skips YAML that is not a Kubernetes object: kustomizations, values, JSON patches, notes", () => {
        const files = new Set(corrected.inventory.objects.map((o) => o.source.file));
        for (const skipped of [
            "kubernetes/platform/istio/app/base/kustomization.yaml",
            "kubernetes/platform/istio/app/base/values/istio-cni-values.yaml",
            "kubernetes/platform/istio/app/base/kustomizeconfig.yaml",
            "kubernetes/platform/kiali/app/base/values.yaml",
            "kubernetes/platform/keycloak/app/components/istio/keycloak-additionalOptions.yaml",
            "rendered/README.yaml",
        ]) {
            expect(files.has(`${CORRECTED}/${skipped}`), skipped).to.equal(false);
        }
        expect(corrected.files).to.have.length(107);
        expect(corrected.inventory.objects).to.have.length(68);
        expect(corrected.skipped).to.equal(53);
    });

    it("lets an overlay's namespace win over its base's, as kustomize build does", () => {
        const root = writeTree({
            "base/kustomization.yaml": "namespace: base-ns\nresources: [app.yaml]\n",
            "base/app.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: app\n",
            "overlay/kustomization.yaml": "namespace: overlay-ns\nresources: [../base]\n",
        });
        expect(objectsOf(root)).to.deep.equal(["Service overlay-ns/app @ base/app.yaml:1"]);
    });

    it("reads patches given by path, by patchesStrategicMerge and inline, naming the target", () => {
        const root = writeTree({
            "kustomization.yaml": `resources: [ns.yaml]
patchesStrategicMerge:
  - label.yaml
patches:
  - target: {kind: Namespace, name: shop}
    patch: |-
      apiVersion: v1
      kind: Namespace
      metadata:
        labels:
          istio.io/dataplane-mode: ambient
`,
            "ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
            "label.yaml":
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    team: a\n",
        });
        const input = readYamlInput([root]);
        expect(input.inventory.objects.map((o) => summary(o, root))).to.deep.equal([
            "Namespace -/shop @ kustomization.yaml:5 (patch)",
            "Namespace -/shop @ label.yaml:1 (patch)",
            "Namespace -/shop @ ns.yaml:1",
        ]);
        expect(new MeshIndex(input.inventory).isAmbient("shop")).to.equal(true);
    });

    it("reads each item of a List with the line it starts at", () => {
        const root = writeTree({
            "list.yaml": `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: one, namespace: a}
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: two, namespace: a}
`,
        });
        expect(objectsOf(root)).to.deep.equal([
            "ConfigMap a/one @ list.yaml:4",
            "ConfigMap a/two @ list.yaml:7",
        ]);
    });

    it("reads Helm-rendered output: Source comments, empty documents and all", () => {
        const root = writeTree({
            "rendered.yaml": `---
# Source: chart/templates/empty.yaml
---
# Source: chart/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
`,
        });
        expect(objectsOf(root)).to.deep.equal(["Service shop/web @ rendered.yaml:5"]);
    });

    it("walks directories for .yaml and .yml files in name order, skipping hidden directories", () => {
        const root = writeTree({
            "b.yml": "",
            "a.yaml": "",
            "notes.txt": "",
            ".git/config.yaml": "",
            "sub/c.yaml": "",
        });
        expect(collectYamlFiles([root]).map((f) => path.relative(root, f.display))).to.deep.equal([
            "a.yaml",
            "b.yml",
            "sub/c.yaml",
        ]);
    });

    it("reads a file named on the command line whatever its extension, and each file once", () => {
        const root = writeTree({ "manifest.txt": "", "a.yaml": "" });
        expect(
            collectYamlFiles([`${root}/manifest.txt`, root, `${root}/a.yaml`]).map((f) =>
                path.relative(root, f.display),
            ),
        ).to.deep.equal(["manifest.txt", "a.yaml"]);
    });

    describe("fast loader", () => {
        const FIXTURES = path.join(__dirname, "..", "fixtures");
        const view = (file: ReturnType<typeof parseWithTree>) =>
            file.documents.map((d) => ({ value: d.value, line: d.line }));

        it("reads every fixture file to the values and lines the syntax tree gives", () => {
            let fast = 0;
            for (const file of collectYamlFiles([FIXTURES])) {
                const source = { ...file, text: readText(file) };
                const parsed = parseFast(source);
                if (parsed) {
                    fast++;
                    expect(view(parsed), file.display).to.deep.equal(view(parseWithTree(source)));
                }
            }
            expect(fast).to.be.greaterThan(100);
        });

        it("keeps timestamps as strings and merges << keys, as YAML 1.2's core schema does", () => {
            const text = [
                "kind: Thing",
                "---",
                "base: &base {app: web}",
                "metadata:",
                "  creationTimestamp: 2024-05-01T10:00:00Z",
                "  labels:",
                "    <<: *base",
                "    tier: front",
            ].join("\n");
            const source = { display: "x.yaml", real: "/x.yaml", text };
            const parsed = parseFast(source)!;
            expect(view(parsed)).to.deep.equal(view(parseWithTree(source)));
            expect(parsed.documents[1].value).to.deep.equal({
                base: { app: "web" },
                metadata: {
                    creationTimestamp: "2024-05-01T10:00:00Z",
                    labels: { app: "web", tier: "front" },
                },
            });
        });

        it("leaves broken files, kustomizations and Lists to the syntax tree", () => {
            const file = (real: string, text: string) => ({ display: real, real, text });
            expect(parseFast(file("/a.yaml", "a: [1,\nb: c"))).to.equal(undefined);
            expect(parseFast(file("/k/kustomization.yaml", "resources: [a.yaml]"))).to.equal(
                undefined,
            );
            expect(parseFast(file("/l.yaml", "apiVersion: v1\nkind: List\nitems: []"))).to.equal(
                undefined,
            );
        });
    });
});
