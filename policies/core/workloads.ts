// Pod templates: the pods a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob makes,
// or a Pod, with their labels, annotations and named ports; and whether they leave the mesh.
import { DATAPLANE_MODE_LABEL, DATAPLANE_NONE, REDIRECTION_ANNOTATION } from "./istio";
import { namespaceOf } from "./kinds";
import { Labels, stringMap } from "./labels";
import { KubeObject } from "./model";
import { isRecord, listOf } from "./values";

/** A pod template: a workload object's pods, or a Pod. */
export interface Workload {
    readonly object: KubeObject;
    readonly namespace: string;
    readonly labels: Labels;
    readonly annotations: Labels;
    /** Container port name → number. */
    readonly namedPorts: ReadonlyMap<string, number>;
}

/**
 * Whether a workload's pods leave the ambient mesh (`istio.io/dataplane-mode: none`, or
 * redirection disabled): ztunnel never sees their traffic, so no PeerAuthentication applies.
 */
export function leavesMesh(workload: Workload): boolean {
    return (
        workload.labels[DATAPLANE_MODE_LABEL] === DATAPLANE_NONE ||
        workload.annotations[REDIRECTION_ANNOTATION] === "disabled"
    );
}

const POD_TEMPLATE_KINDS = new Set([
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "Pod",
]);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function podTemplate(object: KubeObject): Record<string, any> | undefined {
    const body = object.body;
    switch (object.kind) {
        case "Pod":
            return body;
        case "CronJob":
            return body.spec?.jobTemplate?.spec?.template;
        default:
            return body.spec?.template;
    }
}

/** The pod templates among the objects (patches left out), in input order. */
export function readWorkloads(objects: readonly KubeObject[]): Workload[] {
    const workloads: Workload[] = [];
    for (const object of objects) {
        if (object.patch || !POD_TEMPLATE_KINDS.has(object.kind)) {
            continue;
        }
        const template = podTemplate(object);
        if (!template || !isRecord(template as unknown)) {
            continue;
        }
        const namedPorts = new Map<string, number>();
        // Lists of another type (`containers: 5`, ports written as a map) hold no ports.
        const containers = [
            ...listOf(template.spec?.containers),
            ...listOf(template.spec?.initContainers),
        ];
        for (const container of containers) {
            for (const port of listOf(container?.ports)) {
                if (typeof port?.name === "string" && typeof port.containerPort === "number") {
                    namedPorts.set(port.name, port.containerPort);
                }
            }
        }
        workloads.push({
            object,
            namespace: namespaceOf(object),
            labels: stringMap(template.metadata?.labels),
            annotations: stringMap(template.metadata?.annotations),
            namedPorts,
        });
    }
    return workloads;
}
