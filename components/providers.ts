// Explicit providers, configured from the stack config rather than ambient defaults.
import * as k8s from "@pulumi/kubernetes";
import { StackConfig } from "../config/schema";

/**
 * The Kubernetes provider every component uses. Server-side apply lets Pulumi patch objects it
 * does not own (namespace labels, other stacks' custom resources) field by field.
 */
export function kubernetesProvider(name: string, config: StackConfig["kubernetes"]): k8s.Provider {
    return new k8s.Provider(name, {
        kubeconfig: config.kubeconfig,
        context: config.context,
        enableServerSideApply: true,
    });
}
