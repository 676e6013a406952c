// `node -r ts-node/register/transpile-only bench/policies.ts [RESOURCES]`
// Times the policy pack's analysis over a generated mesh of RESOURCES resources (default 10,000):
// the core alone (every rule over the whole input, as the YAML linter runs it) and the pack
// through the CrossGuard harness (every policy with the engine's semantics, as `npm run plan`
// runs it). A script, not a test: the figures depend on the machine.
import { evaluate } from "../policies/core";
import { rules } from "../policies/rules";
import { Plan } from "../harness/runtime/plan";
import { planInventory, runPolicies } from "../harness/engine";
import { writtenResources } from "../harness/runtime/written";
import { median, time } from "./timing";

/** Resources per generated namespace; see {@link namespaceResources}. */
const PER_NAMESPACE = 100;

/** One enrolled namespace: policies, exceptions, workloads, Services, monitors and more. */
function namespaceResources(n: number): Record<string, unknown>[] {
    const ns = `team-${n}`;
    const docs: Record<string, unknown>[] = [
        {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { name: ns, labels: { "istio.io/dataplane-mode": "ambient" } },
        },
        {
            apiVersion: "security.istio.io/v1",
            kind: "PeerAuthentication",
            metadata: { name: `${ns}-strict`, namespace: ns },
            spec: { mtls: { mode: "STRICT" } },
        },
        {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "allow-ambient", namespace: ns },
            spec: {
                podSelector: {},
                ingress: [
                    { ports: [{ port: 15008 }] },
                    { from: [{ ipBlock: { cidr: "169.254.7.127/32" } }] },
                ],
            },
        },
        {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "ServiceMonitor",
            metadata: { name: "apps", namespace: ns },
            spec: { selector: { matchLabels: { tier: "app" } }, endpoints: [{ port: "metrics" }] },
        },
        {
            apiVersion: "security.istio.io/v1",
            kind: "AuthorizationPolicy",
            metadata: { name: "same-namespace", namespace: ns },
            spec: { rules: [{ from: [{ source: { namespaces: [ns] } }] }] },
        },
    ];
    for (let i = 0; docs.length < PER_NAMESPACE; i++) {
        const app = `app-${i}`;
        const labels = { app, tier: "app" };
        docs.push(
            {
                apiVersion: "apps/v1",
                kind: "Deployment",
                metadata: { name: app, namespace: ns },
                spec: {
                    template: {
                        metadata: { labels },
                        spec: {
                            containers: [
                                { name: app, ports: [{ name: "metrics", containerPort: 9090 }] },
                            ],
                        },
                    },
                },
            },
            {
                apiVersion: "v1",
                kind: "Service",
                metadata: { name: app, namespace: ns, labels },
                spec: { selector: { app }, ports: [{ name: "metrics", port: 9090 }] },
            },
            {
                apiVersion: "security.istio.io/v1",
                kind: "PeerAuthentication",
                metadata: {
                    name: `${app}-metrics`,
                    namespace: ns,
                    annotations: { "picluster-mesh/mtls-reason": "Prometheus" },
                },
                spec: {
                    selector: { matchLabels: { app } },
                    portLevelMtls: { "9090": { mode: "PERMISSIVE" } },
                },
            },
        );
    }
    return docs.slice(0, PER_NAMESPACE);
}

export function generatedPlan(count: number): Plan {
    const documents = Array.from({ length: Math.ceil(count / PER_NAMESPACE) }, (_, n) =>
        namespaceResources(n),
    )
        .flat()
        .slice(0, count - 1);
    documents.unshift({
        apiVersion: "security.istio.io/v1",
        kind: "PeerAuthentication",
        metadata: { name: "default", namespace: "istio-system" },
        spec: { mtls: { mode: "STRICT" } },
    });
    // Named by position: kinds share object names in a namespace.
    const resources = writtenResources(
        documents.map((inputs, i) => ({ name: `r${i}`, inputs })),
        "bench",
    );
    return { stack: "bench", resources, outputs: {} };
}

async function main(): Promise<void> {
    const count = Number(process.argv[2] ?? 10000);
    const plan = generatedPlan(count);
    const inventory = planInventory(plan);
    const core = () => evaluate(inventory, rules);
    const { findings } = core();
    const coreTimes: number[] = [];
    for (let round = 0; round < 5; round++) {
        coreTimes.push(await time(core));
    }
    const pack = await time(() => runPolicies(plan));
    const violations = (await runPolicies(plan)).violations.length;
    console.log(
        JSON.stringify(
            {
                resources: plan.resources.length,
                rules: rules.length,
                findings,
                coreMs: Math.round(median(coreTimes)),
                crossGuardHarnessMs: Math.round(pack),
                violations,
            },
            (key, value) =>
                key === "findings"
                    ? Object.fromEntries(
                          rules
                              .map((r) => [
                                  r.code,
                                  value.filter((f: { code: string }) => f.code === r.code).length,
                              ])
                              .filter(([, n]) => n > 0),
                      )
                    : value,
            2,
        ),
    );
}

if (require.main === module) {
    main().catch((error) => {
        console.error(error);
        process.exit(1);
    });
}
