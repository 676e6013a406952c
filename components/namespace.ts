// Namespaces a component lives in: created (and so deleted on destroy) or merely named.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * The namespace's name for the component's children. With `create`, a Namespace resource named
 * `resourceName` (children then wait for it); otherwise the namespace already exists and belongs
 * to someone else, so it is only named and `pulumi destroy` leaves it alone.
 */
export function componentNamespace(
    resourceName: string,
    namespace: string,
    create: boolean,
    parent: pulumi.Resource,
): pulumi.Output<string> {
    if (!create) {
        return pulumi.output(namespace);
    }
    return new k8s.core.v1.Namespace(resourceName, { metadata: { name: namespace } }, { parent })
        .metadata.name;
}
