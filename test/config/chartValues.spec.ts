import { expect } from "chai";
import { parseStackConfig } from "../../config/load";
import { BadConfig, itRejectsEach, referenceRawConfig, stackRawConfig } from "../helpers";

type Raw = Record<string, Record<string, unknown>>;

/** The reference stack with a change made to its raw config. */
function changed(change: (raw: Raw) => void): Record<string, unknown> {
    const raw = referenceRawConfig() as Raw;
    change(raw);
    return raw;
}

const ciliumValues = (raw: Raw) => raw.cilium.values as Record<string, unknown>;

describe("the stack's own chart values", () => {
    it("accept the Pi Cluster's and the reference stack's values, which every pinned chart reads", () => {
        expect(() => parseStackConfig(stackRawConfig("picluster"))).to.not.throw();
        expect(() => parseStackConfig(referenceRawConfig())).to.not.throw();
    });

    it("leave a chart version the upstream data does not cover to the policy pack (PMX113), never guessed", () => {
        const raw = changed((r) => {
            r.cilium.version = "1.17.5";
            ciliumValues(r).externalIPs = { enabled: true };
        });
        expect(() => parseStackConfig(raw)).to.not.throw();
    });

    it("leave an unmanaged Cilium's and a disabled gateway's values alone: nothing installs them", () => {
        const raw = changed((r) => {
            r.cilium.mode = "unmanaged";
            ciliumValues(r).externalIPs = { enabled: true };
            r.gateway.enabled = false;
            r.gateway.values = { istioNamespace: "mesh-root" };
        });
        expect(() => parseStackConfig(raw)).to.not.throw();
    });

    const badValues: BadConfig[] = [
        [
            "a Cilium value the chart dropped in 1.18",
            changed((r) => {
                ciliumValues(r).externalIPs = { enabled: true };
            }),
            "Invalid config picluster-mesh:cilium.values.externalIPs.enabled = true: expected a value path chart cilium 1.20.1 (covered by data for 1.20.0) reads (nearest: gatewayAPI.enabled).",
        ],
        [
            "a misspelled Cilium key",
            changed((r) => {
                ciliumValues(r).hubble = { relay: { enabeld: true } };
            }),
            "Invalid config picluster-mesh:cilium.values.hubble.relay.enabeld = true: expected a value path chart cilium 1.20.1 (covered by data for 1.20.0) reads (nearest: hubble.relay.enabled).",
        ],
        [
            "a root namespace for the cni chart, which reads none",
            changed((r) => {
                r.istio.values = { cni: { global: { istioNamespace: "mesh-root" } } };
            }),
            'Invalid config picluster-mesh:istio.values.cni.global.istioNamespace = "mesh-root": expected a value path chart cni 1.30.3 reads (nearest: global.resourceScope).',
        ],
        [
            "a top-level key the gateway chart's closed schema refuses",
            changed((r) => {
                r.gateway.values = { istioNamespace: "mesh-root" };
            }),
            'Invalid config picluster-mesh:gateway.values.istioNamespace = "mesh-root": expected a key the values.schema.json of chart gateway 1.30.3 allows (nearest: additionalContainers).',
        ],
        [
            "a meshConfig field istiod drops",
            changed((r) => {
                r.istio.values = { istiod: { meshConfig: { enableTracnig: true } } };
            }),
            "Invalid config picluster-mesh:istio.values.istiod.meshConfig.enableTracnig = true: expected a field istiod's MeshConfig reads (nearest: meshConfig.enableTracing).",
        ],
        [
            "a quoted boolean Cilium's values schema refuses",
            changed((r) => {
                ciliumValues(r).hubble = { relay: { enabled: "true" } };
            }),
            'Invalid config picluster-mesh:cilium.values.hubble.relay.enabled = "true": expected a boolean, as chart cilium 1.20.1 (covered by data for 1.20.0) reads it.',
        ],
        [
            "a profile no Istio chart ships",
            changed((r) => {
                r.istio.values = { ztunnel: { profile: "ambinet" } };
            }),
            'Invalid config picluster-mesh:istio.values.ztunnel.profile = "ambinet": expected one of "ambient", "demo", "preview", "remote", "stable" (chart ztunnel 1.30.3).',
        ],
        [
            "the Kiali CR's istio_namespace, written through the operator chart",
            changed((r) => {
                (r.kiali.operator as Record<string, unknown>).values = {
                    cr: { spec: { istio_namespace: "istio-system" } },
                };
            }),
            'Invalid config picluster-mesh:kiali.operator.values.cr.spec.istio_namespace = "istio-system": expected no such field: the Kiali CRD of kiali-operator 2.30 (kiali/helm-charts master c7b6cf9, no v2.30.0 tag) marks it deprecated and ignored.',
        ],
    ];
    itRejectsEach(badValues);
});
