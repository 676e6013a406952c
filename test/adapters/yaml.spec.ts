import { expect } from "chai";
import * as path from "path";
import { collectYamlFiles, readText } from "../../policies/adapters/yaml";
import { parseFast, parseWithTree, readYamlInput } from "../../policies/adapters/yaml";
import { KubeObject, MeshIndex } from "../../policies/core";
import { writeTree } from "../helpers";

const CORRECTED = path.relative(
    process.cwd(),
    path.join(__dirname, "..", "fixtures", "flux", "corrected", "kubernetes"),
);
const PROD = `${CORRECTED}/clusters/prod`;

/** `Kind namespace/name @ file:line`, relative to `root`. */
function summary(object: KubeObject, root: string): string {
    const { kind, metadata, source } = object;
    const where = `${path.relative(root, source.file!)}:${source.line}`;
    return `${kind} ${metadata.namespace ?? "-"}/${metadata.name} @ ${where}`;
}

/** Every object of every cluster, as summaries. */
function objectsOf(root: string, paths: string[] = [root]): string[] {
    return readYamlInput(paths).clusters.flatMap((cluster) =>
        cluster.inventory.objects.map((o) => summary(o, root)),
    );
}

const flux = (
    name: string,
    fluxPath: string,
    extra = "",
) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  path: ${fluxPath}
${extra}`;

describe("the YAML input adapter", () => {
    const corrected = readYamlInput([CORRECTED]);
    const [cluster] = corrected.clusters;
    const find = (kind: string, name: string) =>
        cluster.inventory.objects.filter((o) => o.kind === kind && o.metadata.name === name);

    it("builds the Flux tree's one cluster from clusters/prod and applies every file of it", () => {
        expect(corrected.clusters.map((c) => c.label)).to.deep.equal([PROD]);
        expect(corrected.unreached).to.deep.equal([]);
        expect(corrected.problems).to.deep.equal([]);
        expect(cluster.inventory.objects.length).to.equal(79);
    });

    it("declares no dependency edges, and Helm values where Flux HelmReleases bring them", () => {
        expect(cluster.inventory.capabilities).to.deep.equal({
            helmReleases: true,
            dependencies: false,
        });
        const istiod = cluster.inventory.releases.find((r) => r.name === "istio-istiod")!;
        expect([istiod.namespace, istiod.chart, istiod.version, istiod.repository]).to.deep.equal([
            "istio-system",
            "istiod",
            "1.30.3",
            "https://istio-release.storage.googleapis.com/charts",
        ]);
        // From the generated ConfigMap valuesFrom names, through kustomizeconfig's reference.
        expect(istiod.values.profile).to.equal("ambient");
    });

    it("reads every document of a multi-document file with the line its content starts at", () => {
        const file = `${CORRECTED}/platform/istio/app/base/helm.yaml`;
        expect(
            cluster.inventory.objects
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

    it("substitutes the cluster's variables into what its Flux Kustomizations apply", () => {
        const [gateway] = find("Gateway", "public-gateway");
        expect(gateway.body.spec.infrastructure.annotations).to.deep.equal({
            "io.cilium/lb-ipam-ips": "10.0.0.68",
        });
        expect(gateway.body.spec.listeners[1].hostname).to.equal("*.homelab.ricsanfre.com");
    });

    it("gives objects the namespace of their kustomization and of their Flux targetNamespace", () => {
        expect(find("HelmRelease", "envoy-gateway")[0].metadata.namespace).to.equal(
            "envoy-gateway-system",
        );
        expect(find("HTTPRoute", "kiali-console")[0].metadata.namespace).to.equal("kiali");
        expect(find("HelmRelease", "cilium")[0].metadata.namespace).to.equal("kube-system");
        expect(find("ServiceMonitor", "istio-istiod")[0].metadata.namespace).to.equal(
            "istio-system",
        );
    });

    it("records the Flux Kustomization that applies each object, and the chain that built it", () => {
        const [policy] = find("PeerAuthentication", "databases-strict");
        expect(policy.source.fluxKustomizations).to.deep.equal([
            { namespace: "flux-system", name: "databases-common" },
        ]);
        expect(policy.source.chain).to.deep.equal([
            PROD,
            "databases-common",
            `${CORRECTED}/platform/databases/common/overlays/prod`,
        ]);
        expect(policy.source.writtenNamespace).to.equal("databases");
    });

    it("builds a base shared by two Flux Kustomizations once for each, with each one's patches", () => {
        const root = writeTree({
            "clusters/prod/a.yaml": flux("shop-a", "./apps/overlay-a"),
            "clusters/prod/b.yaml": flux("shop-b", "./apps/overlay-b"),
            "apps/base/kustomization.yaml": "resources: [ns.yaml]\n",
            "apps/base/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
            "apps/overlay-a/kustomization.yaml": `resources: [../base]
patches:
  - patch: "apiVersion: v1\\nkind: Namespace\\nmetadata: {name: shop, labels: {team: a}}"
`,
            "apps/overlay-b/kustomization.yaml": "resources: [../base]\n",
        });
        const [shop] = readYamlInput([root]).clusters;
        expect(
            shop.inventory.objects
                .filter((o) => o.kind === "Namespace")
                .map((o) => [
                    summary(o, root),
                    o.metadata.labels ?? {},
                    (o.source.fluxKustomizations ?? []).map((r) => r.name),
                ]),
        ).to.deep.equal([
            ["Namespace -/shop @ apps/base/ns.yaml:1", { team: "a" }, ["shop-a"]],
            ["Namespace -/shop @ apps/base/ns.yaml:1", {}, ["shop-b"]],
        ]);
    });

    it("keeps clusters apart: each clusters/<name> directory is built on its own", () => {
        const root = writeTree({
            "clusters/prod/apps.yaml": flux("apps", "./apps/prod"),
            "clusters/dev/apps.yaml": flux("apps", "./apps/dev"),
            "apps/prod/kustomization.yaml": "resources: [ns.yaml]\n",
            "apps/prod/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n",
            "apps/dev/kustomization.yaml": "resources: [ns.yaml]\n",
            "apps/dev/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n",
        });
        expect(
            readYamlInput([root]).clusters.map((c) => [
                path.relative(root, c.label!),
                c.inventory.objects.map((o) => `${o.kind} ${o.metadata.name}`),
            ]),
        ).to.deep.equal([
            ["clusters/dev", ["Kustomization apps", "Namespace dev"]],
            ["clusters/prod", ["Kustomization apps", "Namespace prod"]],
        ]);
    });

    it("counts a remote resource as a source of pods in the namespace the outermost build gives it", () => {
        const root = writeTree({
            "clusters/prod/ops.yaml": flux("ops", "./ops"),
            "ops/kustomization.yaml": "namespace: ops\nresources: [base]\n",
            "ops/base/kustomization.yaml": `namespace: tools
resources:
  - https://github.com/acme/widget-controller/releases/download/v1.2.0/widget-controller.yaml
`,
            "other/kustomization.yaml": `resources:
  - https://example.com/manifests/gadget.yml
`,
        });
        const input = readYamlInput([root]);
        expect(input.clusters[0].inventory.unseen).to.deep.equal([
            {
                description:
                    "remote resource https://github.com/acme/widget-controller/releases/download/v1.2.0/widget-controller.yaml",
                namespace: "ops",
                names: ["widget-controller"],
            },
        ]);
        const plain = readYamlInput([path.join(root, "other")]);
        expect(plain.clusters[0].inventory.unseen).to.deep.equal([
            {
                description: "remote resource https://example.com/manifests/gadget.yml",
                names: ["gadget"],
            },
        ]);
    });

    it("lists manifests no root reaches, and reads files that are not manifests as what they are", () => {
        const root = writeTree({
            "clusters/prod/apps.yaml": flux("apps", "./apps"),
            "apps/kustomization.yaml": `resources: [ns.yaml]
configMapGenerator:
  - name: values
    files: [values.yaml]
`,
            "apps/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
            // A generator's input: data, even when it is not valid YAML before substitution.
            "apps/values.yaml": "targets: [vault.${CLUSTER_DOMAIN}:8200\n",
            "apps/unused.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: unused\n",
            "chart/Chart.yaml": "name: chart\n",
            "chart/templates/svc.yaml": "{{- if .Values.enabled }}\nkind: Service\n{{- end }}\n",
            "profile.yaml":
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\n",
            "secret.enc.yaml":
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  k: ENC[AES256]\nsops:\n  mac: ENC[x]\n",
        });
        const input = readYamlInput([root]);
        expect(input.problems).to.deep.equal([]);
        expect(input.unreached.map((file) => path.relative(root, file))).to.deep.equal([
            "apps/unused.yaml",
        ]);
        expect(
            Object.values(input.notManifests).map((files: string[]) =>
                files.map((file) => path.relative(root, file)),
            ),
        ).to.deep.equal([
            ["chart/Chart.yaml", "chart/templates/svc.yaml"],
            ["profile.yaml"],
            ["secret.enc.yaml"],
        ]);
        expect(
            input.clusters[0].inventory.objects.map((o) => `${o.kind} ${o.metadata.name}`),
            // The name kubectl kustomize gives the generated ConfigMap.
        ).to.deep.equal(["Kustomization apps", "Namespace shop", "ConfigMap values-8mm79dgf7m"]);
    });

    it("reports what stops Flux: a path that is not there, and a variable none of its sources sets", () => {
        const root = writeTree({
            "clusters/prod/settings.yaml":
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: flux-system\ndata:\n  DOMAIN: example.com\n",
            "clusters/prod/apps.yaml": flux(
                "apps",
                "./apps",
                "  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: settings\n",
            ),
            "clusters/prod/gone.yaml": flux("gone", "./not-there"),
            "apps/kustomization.yaml": "resources: [route.yaml]\n",
            "apps/route.yaml":
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: route\n  namespace: shop\ndata:\n  host: web.${DOMAIN}\n  cidr: ${POD_CIDR}\n",
        });
        const input = readYamlInput([root]);
        expect(input.problems.map((p) => [path.relative(root, p.file), p.message])).to.deep.equal([
            [
                "clusters/prod/gone.yaml",
                "Flux Kustomization flux-system/gone builds ./not-there, which is not in this repository",
            ],
            [
                "clusters/prod/apps.yaml",
                "Flux Kustomization flux-system/apps substitutes ${POD_CIDR}, which none of its variables sets: Flux refuses the build (strict substitution)",
            ],
        ]);
        const route = input.clusters[0].inventory.objects.find((o) => o.metadata.name === "route")!;
        // Without strict mode the unset variable would be empty text, which YAML reads as null.
        expect(route.body.data).to.deep.equal({ host: "web.example.com", cidr: null });
    });

    it("merges a HelmRelease's values as helm-controller does: valuesFrom in order, inline values, targetPath last", () => {
        const root = writeTree({
            "release.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: {name: cilium, namespace: kube-system}
spec:
  url: oci://quay.io/cilium/charts/cilium
  ref: {tag: 1.20.0}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: base, namespace: kube-system}
data:
  values.yaml: |
    cni: {exclusive: true, chainingMode: none}
    hubble: {enabled: false}
  overlay.yaml: |
    cni: {exclusive: false}
  tag: "1.20"
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: cilium, namespace: kube-system}
spec:
  chartRef: {kind: OCIRepository, name: cilium}
  valuesFrom:
    - {kind: ConfigMap, name: base}
    - {kind: ConfigMap, name: base, valuesKey: overlay.yaml}
    - {kind: ConfigMap, name: base, valuesKey: tag, targetPath: image.tag}
    - {kind: ConfigMap, name: missing, optional: true}
  values:
    hubble: {enabled: true}
    image: {tag: overridden}
`,
        });
        const [release] = readYamlInput([root]).clusters[0].inventory.releases;
        expect(release).to.deep.include({
            name: "cilium",
            namespace: "kube-system",
            chart: "oci://quay.io/cilium/charts/cilium",
            version: "1.20.0",
        });
        expect(release.values).to.deep.equal({
            cni: { exclusive: false, chainingMode: "none" },
            hubble: { enabled: true },
            image: { tag: "1.20" },
        });
    });

    it("generates a kustomization where a Flux path has none, and adds the Flux Kustomization's patches and prefix", () => {
        const root = writeTree({
            "clusters/lab/apps.yaml": flux(
                "apps",
                "./apps",
                `  namePrefix: lab-
  patches:
    - target: {kind: Service}
      patch: |-
        - op: add
          path: /metadata/labels/patched
          value: "yes"
`,
            ),
            // No kustomization.yaml: Flux takes every YAML file below the path.
            "apps/web/service.yaml":
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n",
            "apps/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
        });
        const objects = readYamlInput([root]).clusters[0].inventory.objects;
        expect(
            objects
                .filter((o) => o.kind !== "Kustomization")
                .map((o) => [summary(o, root), o.metadata.labels ?? {}]),
        ).to.deep.equal([
            ["Namespace -/shop @ apps/ns.yaml:1", {}],
            ["Service shop/lab-web @ apps/web/service.yaml:1", { patched: "yes" }],
        ]);
    });

    it("resolves a ${VAR} in a child Flux Kustomization's path from its parent's substitution", () => {
        const root = writeTree({
            "clusters/lab/settings.yaml":
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: flux-system\ndata:\n  ENV: prod\n",
            "clusters/lab/infra.yaml": flux(
                "infra",
                "./infra",
                "  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: settings\n",
            ),
            "infra/kustomization.yaml": "resources: [app.yaml]\n",
            "infra/app.yaml": flux("app", "./apps/${ENV}"),
            "apps/prod/kustomization.yaml": "resources: [ns.yaml]\n",
            "apps/prod/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod-shop\n",
        });
        const input = readYamlInput([root]);
        expect(input.problems).to.deep.equal([]);
        const ns = input.clusters[0].inventory.objects.find((o) => o.kind === "Namespace")!;
        const shown = (step: string) => (step.startsWith(root) ? path.relative(root, step) : step);
        expect(ns.source.chain!.map(shown)).to.deep.equal([
            "clusters/lab",
            "infra",
            "app",
            "apps/prod",
        ]);
    });

    it("leaves cluster-scoped objects without a namespace", () => {
        expect(find("Namespace", "kiali")[0].metadata.namespace).to.equal(undefined);
        expect(
            find("CiliumClusterwideNetworkPolicy", "allow-ambient-hostprobes")[0].metadata
                .namespace,
        ).to.equal(undefined);
    });

    it("applies a component's patch to the Namespace it labels, and enrolls the namespace", () => {
        expect(
            cluster.inventory.objects
                .filter((o) => o.kind === "Namespace")
                .map((o) => o.metadata.name)
                .sort(),
        ).to.deep.equal([
            "databases",
            "e-commerce",
            "envoy-gateway-system",
            "istio-system",
            "kafka",
            "keycloak",
            "kiali",
        ]);
        expect(
            new MeshIndex(cluster.inventory)
                .ambientNamespaces()
                .map((ns) => ns.name)
                .sort(),
        ).to.deep.equal(["databases", "e-commerce", "envoy-gateway-system", "kafka", "keycloak"]);
    });

    it("lets an overlay's namespace win over its base's, as kustomize build does", () => {
        const root = writeTree({
            "base/kustomization.yaml": "namespace: base-ns\nresources: [app.yaml]\n",
            "base/app.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: app\n",
            "overlay/kustomization.yaml": "namespace: overlay-ns\nresources: [../base]\n",
        });
        expect(objectsOf(root)).to.deep.equal(["Service overlay-ns/app @ base/app.yaml:1"]);
    });

    it("applies patches given by path, by patchesStrategicMerge and inline", () => {
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
        name: whatever
        labels:
          istio.io/dataplane-mode: ambient
`,
            "ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
            "label.yaml":
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    team: a\n",
        });
        const [built] = readYamlInput([root]).clusters;
        expect(
            built.inventory.objects.map((o) => [summary(o, root), o.metadata.labels]),
        ).to.deep.equal([
            ["Namespace -/shop @ ns.yaml:1", { team: "a", "istio.io/dataplane-mode": "ambient" }],
        ]);
        expect(new MeshIndex(built.inventory).isAmbient("shop")).to.equal(true);
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

    it("gives each object the comment block above it, a file's header counting for its first document only", () => {
        const text = `# yaml-language-server: $schema=https://example.com/configmap.json
# Why this file exists:
# Prometheus scrapes from outside the mesh.
---
# The broker's exporter.
apiVersion: v1
kind: ConfigMap
metadata:
  name: first
data:
  a: "1"
  # commented-out: b
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: second
---

# Separated by a blank line, still directly above.
apiVersion: v1
kind: ConfigMap
metadata:
  name: third
`;
        const root = writeTree({ "maps.yaml": text });
        const objects = readYamlInput([root]).clusters[0].inventory.objects;
        expect(objects.map((o) => [o.metadata.name, o.source.comment])).to.deep.equal([
            [
                "first",
                "Why this file exists:\nPrometheus scrapes from outside the mesh.\nThe broker's exporter.",
            ],
            ["second", undefined],
            ["third", "Separated by a blank line, still directly above."],
        ]);
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

        it("leaves broken files and Lists to the syntax tree", () => {
            const file = (real: string, text: string) => ({ display: real, real, text });
            expect(parseFast(file("/a.yaml", "a: [1,\nb: c"))).to.equal(undefined);
            expect(parseFast(file("/l.yaml", "apiVersion: v1\nkind: List\nitems: []"))).to.equal(
                undefined,
            );
        });
    });
});
