// The policy pack `pulumi preview --policy-pack policies` loads. Nothing but the pack here:
// constructing it starts the policy server (see policies.ts for the policies themselves).
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, {
    description:
        "Istio ambient mTLS, network and access checks for the Pi Cluster mesh, inheritance-aware.",
    enforcementLevel: "advisory",
    policies,
});
