// mesh-lint on a generated Flux tree: 10,000 YAML documents across namespaces, each namespace an
// app path (base, overlay, an Istio component that enrolls it) applied by its own Flux
// Kustomization under clusters/prod, as in the Pi Cluster's repository. Run:
//   node bin/bench/lint.js [DOCUMENTS]
// Prints the time to read and build, to run the rules, and the time per document at a quarter,
// half and all of the size: flat per-document times mean the linter is linear.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { lintInput } from "../lint/lint";
import { readYamlInput } from "../policies/adapters/yaml";
import { writeTree } from "../harness/tree";
import { median, time } from "./timing";

/**
 * Objects each namespace applies: four apps of four documents, two policies, the Namespace, and
 * the Flux Kustomization that applies them (the component's Namespace patch is not an object).
 */
const PER_NAMESPACE = 20;

function namespaceFiles(index: number): Record<string, string> {
    const ns = `team-${index}`;
    const documents: string[] = [];
    for (let app = 0; app < 4; app++) {
        const labels = `app: app-${app}\n        tier: backend`;
        documents.push(
            `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${app}
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: app-${app}
  template:
    metadata:
      labels:
        ${labels}
    spec:
      containers:
        - name: app
          image: registry.example.com/app:\${APP_VERSION}
          ports:
            - {name: http, containerPort: 8080}
            - {name: metrics, containerPort: 9090}
`,
            `apiVersion: v1
kind: Service
metadata:
  name: app-${app}
  namespace: ${ns}
  labels:
    app: app-${app}
spec:
  selector:
    app: app-${app}
  ports:
    - {name: http, port: 80, targetPort: http}
    - {name: metrics, port: 9090, targetPort: metrics}
`,
            `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: app-${app}-metrics
  namespace: ${ns}
  annotations:
    picluster-mesh/mtls-reason: Prometheus scrapes the metrics port from outside the mesh
spec:
  selector:
    matchLabels:
      app: app-${app}
  portLevelMtls:
    "9090":
      mode: PERMISSIVE
`,
            `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: app-${app}
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: app-${app}
  endpoints:
    - port: metrics
`,
        );
    }
    documents.push(
        `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-mesh
  namespace: ${ns}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - ports: [{protocol: TCP, port: 15008}]
    - from: [{ipBlock: {cidr: 169.254.7.127/32}}]
`,
        `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: ${ns}-strict
  namespace: ${ns}
spec:
  mtls:
    mode: STRICT
`,
    );
    const dir = `kubernetes/apps/${ns}`;
    return {
        [`${dir}/base/ns.yaml`]: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`,
        [`${dir}/base/apps.yaml`]: documents.map((d) => `---\n${d}`).join(""),
        [`${dir}/base/kustomization.yaml`]: `namespace: ${ns}\nresources: [ns.yaml, apps.yaml]\n`,
        [`${dir}/components/istio/namespace-labels.yaml`]: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n  labels:\n    istio.io/dataplane-mode: ambient\n`,
        [`${dir}/components/istio/kustomization.yaml`]: `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: namespace-labels.yaml\n`,
        [`${dir}/overlays/prod/kustomization.yaml`]: `resources: [../../base]\ncomponents: [../../components/istio]\n`,
        [`clusters/prod/${ns}.yaml`]: fluxKustomization(ns, `./${dir}/overlays/prod`, ["istio"]),
    };
}

function fluxKustomization(name: string, path: string, dependsOn: string[]): string {
    return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 10m
  path: ${path}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
${dependsOn.length > 0 ? `  dependsOn:\n${dependsOn.map((d) => `    - name: ${d}\n`).join("")}` : ""}`;
}

/** Writes a Flux tree of about `documents` applied objects; returns its root and the count. */
export function generateTree(documents: number): {
    root: string;
    documents: number;
    files: number;
} {
    // Istio's CRDs (the base chart's HelmRelease) and the mesh-wide default, each with its Flux
    // Kustomization: four objects.
    const files: Record<string, string> = {
        "clusters/prod/istio-app.yaml": fluxKustomization(
            "istio-app",
            "./kubernetes/platform/istio-app",
            [],
        ),
        "kubernetes/platform/istio-app/base.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: istio-base
  namespace: istio-system
spec:
  interval: 1h
  chart:
    spec:
      chart: base
      version: 1.28.0
      sourceRef:
        kind: HelmRepository
        name: istio
        namespace: flux-system
`,
        "clusters/prod/istio.yaml": fluxKustomization("istio", "./kubernetes/platform/istio", [
            "istio-app",
        ]),
        "kubernetes/platform/istio/mesh-default.yaml":
            "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  mtls:\n    mode: STRICT\n",
    };
    // Each namespace: its documents, its Namespace and the patch that enrolls it.
    const namespaces = Math.max(1, Math.round((documents - 4) / PER_NAMESPACE));
    for (let index = 0; index < namespaces; index++) {
        Object.assign(files, namespaceFiles(index));
    }
    return {
        root: writeTree(files),
        documents: 4 + namespaces * PER_NAMESPACE,
        files: Object.keys(files).length,
    };
}

export interface LintTiming {
    documents: number;
    readMs: number;
    rulesMs: number;
    findings: number;
}

/** Median times of reading the tree and running the rules, over `rounds` runs. */
export async function lintBenchmark(documents: number, rounds = 5): Promise<LintTiming> {
    const tree = generateTree(documents);
    try {
        const reads: number[] = [];
        const checks: number[] = [];
        let findings = 0;
        for (let round = 0; round < rounds; round++) {
            let input!: ReturnType<typeof readYamlInput>;
            reads.push(
                await time(() => {
                    input = readYamlInput([tree.root]);
                }),
            );
            checks.push(
                await time(() => {
                    findings = lintInput(input).findings.length;
                }),
            );
            const objects = input.clusters.reduce((n, c) => n + c.inventory.objects.length, 0);
            if (objects !== tree.documents) {
                throw new Error(`read ${objects} objects of ${tree.documents}`);
            }
        }
        return {
            documents: tree.documents,
            readMs: median(reads),
            rulesMs: median(checks),
            findings,
        };
    } finally {
        fs.rmSync(tree.root, { recursive: true, force: true });
    }
}

/** Files per namespace: base (3), component (2), overlay and the Flux Kustomization. */
const FILES_PER_NAMESPACE = 7;

export interface ProcessTiming {
    files: number;
    documents: number;
    ms: number;
    exitCode: number | null;
}

/**
 * Median wall time of `mesh-lint` as a whole process (start-up, reading, builds, rules, report)
 * on a Flux tree of about `files` files, as a user runs it on a repository.
 */
export function lintProcess(files: number, rounds = 3): ProcessTiming {
    const namespaces = Math.max(1, Math.round((files - 4) / FILES_PER_NAMESPACE));
    const tree = generateTree(4 + namespaces * PER_NAMESPACE);
    const script = path.join(__dirname, "..", "scripts", "meshLint.js");
    try {
        const times: number[] = [];
        let exitCode: number | null = null;
        for (let round = 0; round < rounds; round++) {
            const start = process.hrtime.bigint();
            const result = spawnSync(process.execPath, [script, tree.root], { encoding: "utf8" });
            times.push(Number(process.hrtime.bigint() - start) / 1e6);
            exitCode = result.status;
        }
        return { files: tree.files, documents: tree.documents, ms: median(times), exitCode };
    } finally {
        fs.rmSync(tree.root, { recursive: true, force: true });
    }
}

async function run(): Promise<void> {
    const total = Number(process.argv[2] ?? 10_000);
    const results: LintTiming[] = [];
    for (const size of [total / 4, total / 2, total]) {
        results.push(await lintBenchmark(Math.round(size)));
    }
    for (const r of results) {
        const all = r.readMs + r.rulesMs;
        console.log(
            `${String(r.documents).padStart(6)} documents: read+parse ${r.readMs.toFixed(0)} ms, rules ${r.rulesMs.toFixed(0)} ms, total ${all.toFixed(0)} ms (${((all / r.documents) * 1000).toFixed(0)} µs per document), ${r.findings} findings`,
        );
    }
}

if (require.main === module) {
    run().catch((error) => {
        console.error(error);
        process.exit(1);
    });
}
