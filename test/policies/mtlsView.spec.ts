import { expect } from "chai";
import { PEER_AUTHENTICATION, PeerAuthentication } from "../../components/mesh";
import {
    decidingPolicy,
    Mode,
    MtlsModel,
    mtlsView,
    peerAuthenticationObject,
} from "../../policies/core";

type MtlsMode = Mode;

/** One namespace of the core's mTLS view, as plain data: its mode, who decided it, its exceptions. */
function effectiveMtls(
    policies: readonly PeerAuthentication[],
    namespace: string,
    rootNamespace: string,
) {
    const model = new MtlsModel(
        rootNamespace,
        policies.map((policy) => ({
            object: peerAuthenticationObject({ ...PEER_AUTHENTICATION, ...policy }),
            namespace: policy.metadata.namespace,
        })),
    );
    const [view] = mtlsView(model, [namespace]).namespaces;
    const decider = decidingPolicy(view.decision);
    return {
        namespace,
        mode: view.decision.mode,
        decidedBy: decider && `${decider.namespace}/${decider.name}`,
        workloads: view.exceptions.map((exception) => ({
            policy: exception.policy.name,
            selector: exception.policy.selector,
            mode: exception.mode,
            ports: exception.ports.map(({ port, mode }) => ({ port, mode })),
        })),
    };
}

/** A PeerAuthentication in `namespace/name` with the given spec. */
function policy(ref: string, spec: PeerAuthentication["spec"]): PeerAuthentication {
    const [namespace, name] = ref.split("/");
    return { metadata: { name, namespace }, spec };
}

const meshWide = (mode: MtlsMode) => policy("istio-system/default", { mtls: { mode } });
const metricsException = (mode?: MtlsMode) =>
    policy("kafka/broker-metrics", {
        selector: { matchLabels: { "strimzi.io/kind": "Kafka" } },
        ...(mode && { mtls: { mode } }),
        portLevelMtls: { "9404": { mode: "PERMISSIVE" }, "9092": { mode: "UNSET" } },
    });

describe("the mTLS view: Istio's PeerAuthentication precedence, computed once", () => {
    it("makes a namespace without policies inherit the mesh-wide mode", () => {
        expect(effectiveMtls([meshWide("STRICT")], "kafka", "istio-system")).to.deep.equal({
            namespace: "kafka",
            mode: "STRICT",
            decidedBy: "istio-system/default",
            workloads: [],
        });
    });

    it("falls back to PERMISSIVE when no mesh-wide policy sets a mode", () => {
        for (const policies of [[], [meshWide("UNSET")]]) {
            const effective = effectiveMtls(policies, "kafka", "istio-system");
            expect(effective.mode).to.equal("PERMISSIVE");
            expect(effective.decidedBy).to.equal(undefined);
        }
    });

    it("lets a namespace-wide policy override the mesh-wide mode, and UNSET inherit it", () => {
        const permissive = policy("envoy-gateway-system/permissive", {
            mtls: { mode: "PERMISSIVE" },
        });
        const unset = policy("envoy-gateway-system/unset", { mtls: { mode: "UNSET" } });
        const withPermissive = effectiveMtls(
            [meshWide("STRICT"), permissive],
            "envoy-gateway-system",
            "istio-system",
        );
        expect([withPermissive.mode, withPermissive.decidedBy]).to.deep.equal([
            "PERMISSIVE",
            "envoy-gateway-system/permissive",
        ]);
        const withUnset = effectiveMtls(
            [meshWide("STRICT"), unset],
            "envoy-gateway-system",
            "istio-system",
        );
        expect([withUnset.mode, withUnset.decidedBy]).to.deep.equal([
            "STRICT",
            "istio-system/default",
        ]);
    });

    it("applies workload over namespace: unset workload modes and UNSET ports inherit, listed ports win", () => {
        const namespaceWide = policy("kafka/kafka-strict", { mtls: { mode: "STRICT" } });
        const effective = effectiveMtls(
            [meshWide("PERMISSIVE"), namespaceWide, metricsException()],
            "kafka",
            "istio-system",
        );
        expect(effective).to.deep.equal({
            namespace: "kafka",
            mode: "STRICT",
            decidedBy: "kafka/kafka-strict",
            workloads: [
                {
                    policy: "broker-metrics",
                    selector: { "strimzi.io/kind": "Kafka" },
                    mode: "STRICT",
                    ports: [
                        { port: 9092, mode: "STRICT" },
                        { port: 9404, mode: "PERMISSIVE" },
                    ],
                },
            ],
        });
    });

    it("lets a workload's own mode decide its unlisted and UNSET ports", () => {
        const effective = effectiveMtls(
            [meshWide("STRICT"), metricsException("PERMISSIVE")],
            "kafka",
            "istio-system",
        );
        expect(effective.workloads[0]).to.include({ mode: "PERMISSIVE" });
        expect(effective.workloads[0].ports).to.deep.equal([
            { port: 9092, mode: "PERMISSIVE" },
            { port: 9404, mode: "PERMISSIVE" },
        ]);
    });

    it("counts only the first mesh-wide and the first namespace-wide policy, as Istio keeps the oldest", () => {
        const effective = effectiveMtls(
            [
                meshWide("STRICT"),
                policy("istio-system/newer", { mtls: { mode: "PERMISSIVE" } }),
                policy("kafka/first", { mtls: { mode: "STRICT" } }),
                policy("kafka/second", { mtls: { mode: "PERMISSIVE" } }),
            ],
            "kafka",
            "istio-system",
        );
        expect([effective.mode, effective.decidedBy]).to.deep.equal(["STRICT", "kafka/first"]);
        expect(
            effectiveMtls(
                [
                    meshWide("STRICT"),
                    policy("istio-system/newer", { mtls: { mode: "PERMISSIVE" } }),
                ],
                "e-commerce",
                "istio-system",
            ).mode,
        ).to.equal("STRICT");
    });

    it("ignores selector policies in the root namespace and treats an empty matchLabels as namespace-wide", () => {
        const rootSelector = policy("istio-system/selected", {
            selector: { matchLabels: { app: "kafka" } },
            mtls: { mode: "PERMISSIVE" },
        });
        const emptySelector = policy("kafka/kafka-strict", {
            selector: { matchLabels: {} },
            mtls: { mode: "PERMISSIVE" },
        });
        expect(
            effectiveMtls([meshWide("STRICT"), rootSelector], "kafka", "istio-system"),
        ).to.deep.equal({
            namespace: "kafka",
            mode: "STRICT",
            decidedBy: "istio-system/default",
            workloads: [],
        });
        expect(
            effectiveMtls([meshWide("STRICT"), rootSelector], "istio-system", "istio-system")
                .workloads,
        ).to.deep.equal([]);
        const effective = effectiveMtls(
            [meshWide("STRICT"), emptySelector],
            "kafka",
            "istio-system",
        );
        expect([effective.mode, effective.decidedBy, effective.workloads]).to.deep.equal([
            "PERMISSIVE",
            "kafka/kafka-strict",
            [],
        ]);
    });

    // pilot/pkg/serviceregistry/ambient/authorization.go, convertedSelectorPeerAuthentications:
    // any mode that is set replaces the strict flag with `mode == STRICT`.
    it("lets a namespace-wide DISABLE under a STRICT mesh accept plaintext, as PERMISSIVE does", () => {
        const disabled = policy("legacy/legacy-disable", { mtls: { mode: "DISABLE" } });
        expect(
            effectiveMtls([meshWide("STRICT"), disabled], "legacy", "istio-system"),
        ).to.deep.equal({
            namespace: "legacy",
            mode: "PERMISSIVE",
            decidedBy: "legacy/legacy-disable",
            workloads: [],
        });
        const workloadDisabled = policy("legacy/api-disable", {
            selector: { matchLabels: { app: "api" } },
            mtls: { mode: "DISABLE" },
        });
        const [exception] = effectiveMtls(
            [meshWide("STRICT"), workloadDisabled],
            "legacy",
            "istio-system",
        ).workloads;
        expect(exception.mode).to.equal("PERMISSIVE");
    });

    // pilot/pkg/serviceregistry/ambient/workloads.go, fetchPeerAuthentications: a root-namespace
    // policy reaches other namespaces only when it has no selector at all.
    it("takes a root-namespace policy with selector {} as no mesh-wide policy", () => {
        const emptyRoot = policy("istio-system/default", {
            selector: {},
            mtls: { mode: "STRICT" },
        });
        expect(effectiveMtls([emptyRoot], "kafka", "istio-system")).to.deep.equal({
            namespace: "kafka",
            mode: "PERMISSIVE",
            decidedBy: undefined,
            workloads: [],
        });
    });

    it("looks only at the namespace asked about", () => {
        const other = policy("databases/databases-permissive", { mtls: { mode: "PERMISSIVE" } });
        const effective = effectiveMtls(
            [meshWide("STRICT"), other, metricsException()],
            "e-commerce",
            "istio-system",
        );
        expect([effective.mode, effective.workloads]).to.deep.equal(["STRICT", []]);
    });
});
