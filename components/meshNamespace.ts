// Namespaces in the ambient mesh: enrolled with a label patch (or created, when the config says
// so), held to the mesh-wide STRICT default, with their justified exceptions and the
// NetworkPolicies that let ztunnel in.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AMBIENT, DATAPLANE_MODE_LABEL } from "../policies/core";
import { MeshSummary } from "../report/summary";
import {
    MeshNamespaceArgs,
    meshNetworkPolicySpec,
    meshPolicies,
    meshSummaryOf,
    PEER_AUTHENTICATION,
} from "./mesh";

/** The label that puts a namespace's pods in the ambient mesh. */
const AMBIENT_LABEL = { [DATAPLANE_MODE_LABEL]: AMBIENT };

/** Arguments of {@link MeshNamespaces}. */
export interface MeshNamespacesArgs {
    /** Istio's root namespace: it holds the mesh-wide default and ztunnel. Defaults to `istio-system`. */
    readonly rootNamespace: string;
    /** The namespaces in the mesh. */
    readonly namespaces: readonly MeshNamespaceArgs[];
    /** The release that installs Istio's CRDs; every PeerAuthentication waits for it, and only for it. */
    readonly istioCrds: pulumi.Resource;
}

/**
 * The mesh's namespaces and their peer authentication. A namespace that already exists belongs
 * to its operator or to another stack: it gets the ambient label through a server-side-apply
 * patch, so `pulumi destroy` removes the label and this component's policies and never the
 * namespace, its workloads or its data.
 */
export class MeshNamespaces extends pulumi.ComponentResource {
    /** The namespaces this component creates, by name (those marked `create`). */
    public readonly created: Record<string, k8s.core.v1.Namespace>;
    /** Each namespace's effective mode and exceptions: the `mesh` stack output. */
    public readonly summary: MeshSummary;

    constructor(name: string, args: MeshNamespacesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("picluster:mesh:MeshNamespaces", name, {}, opts);

        this.created = {};
        // Objects in a created namespace wait for its Namespace; elsewhere the name is plain.
        const namespaceOf = new Map<string, pulumi.Input<string>>();
        for (const entry of args.namespaces) {
            const metadata = { name: entry.name, labels: AMBIENT_LABEL };
            if (entry.create) {
                const namespace = new k8s.core.v1.Namespace(
                    `${name}-namespace-${entry.name}`,
                    { metadata },
                    { parent: this },
                );
                this.created[entry.name] = namespace;
                namespaceOf.set(entry.name, namespace.metadata.name);
            } else {
                new k8s.core.v1.NamespacePatch(
                    `${name}-ambient-${entry.name}`,
                    { metadata },
                    { parent: this },
                );
            }
        }
        const namespace = (ns: string) => namespaceOf.get(ns) ?? ns;

        for (const policy of meshPolicies(args.rootNamespace, args.namespaces)) {
            const { name: policyName, namespace: ns } = policy.metadata;
            new k8s.apiextensions.CustomResource(
                `${name}-mtls-${ns}/${policyName}`,
                {
                    ...PEER_AUTHENTICATION,
                    metadata: { ...policy.metadata, namespace: namespace(ns) },
                    spec: policy.spec,
                },
                { parent: this, dependsOn: [args.istioCrds] },
            );
        }

        for (const entry of args.namespaces) {
            for (const policy of entry.networkPolicies) {
                new k8s.networking.v1.NetworkPolicy(
                    `${name}-netpol-${entry.name}/${policy.name}`,
                    {
                        metadata: { name: policy.name, namespace: namespace(entry.name) },
                        spec: meshNetworkPolicySpec(policy, args.rootNamespace),
                    },
                    { parent: this },
                );
            }
        }

        this.summary = meshSummaryOf(args.rootNamespace, args.namespaces);

        this.registerOutputs({ created: this.created, summary: this.summary });
    }
}
