// mesh-lint on a generated Flux-style tree: 10,000 YAML documents across namespaces, each with
// its Namespace patch, PeerAuthentications, Deployments, Services, NetworkPolicies and monitors,
// in multi-document files under kustomizations. Run:
//   node -r ts-node/register/transpile-only bench/lint.ts [DOCUMENTS]
// Prints the time to read and parse, to run the rules, and the time per document at a quarter,
// half and all of the size: flat per-document times mean the linter is linear.
import * as fs from "fs";
import { lintInput } from "../lint/lint";
import { readYamlInput } from "../policies/adapters/yaml";
import { writeTree } from "../harness/tree";
import { median, time } from "./timing";

/** Documents per namespace (four apps of four documents, two policies, the Namespace, its patch). */
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
    };
}

/** Writes a tree of about `documents` Kubernetes documents; returns its root and the count. */
export function generateTree(documents: number): { root: string; documents: number } {
    const files: Record<string, string> = {
        "kubernetes/platform/istio/mesh-default.yaml":
            "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  mtls:\n    mode: STRICT\n",
    };
    // Each namespace: its documents, its Namespace and the patch that enrolls it.
    const namespaces = Math.max(1, Math.round((documents - 1) / PER_NAMESPACE));
    for (let index = 0; index < namespaces; index++) {
        Object.assign(files, namespaceFiles(index));
    }
    return { root: writeTree(files), documents: 1 + namespaces * PER_NAMESPACE };
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
