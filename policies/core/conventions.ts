// This project's own conventions on Istio objects: the annotations that say why a PERMISSIVE
// exception exists and which client outside the mesh needs it. The program writes them, the
// rules demand them, and the mesh reports read them back.

/** The annotation that says why a PERMISSIVE exception exists. */
export const MTLS_REASON_ANNOTATION = "picluster-mesh/mtls-reason";

/**
 * The annotation that names the client outside the mesh: one client for a namespace-wide
 * policy (`external`), or `port=client` pairs for a workload policy's ports
 * (`8080=prometheus,8443=kube-apiserver`).
 */
export const MTLS_CLIENT_ANNOTATION = "picluster-mesh/mtls-client";

/** Who calls a workload from outside the mesh, without a SPIFFE identity. */
export const MESH_CLIENTS = {
    "kube-apiserver": "kube-apiserver calling an admission webhook",
    prometheus: "Prometheus scraping metrics",
    external: "external clients",
    controller: "a controller outside the mesh",
} as const;

export type MeshClient = keyof typeof MESH_CLIENTS;

/** A client annotation's value: one client, or each port's. */
export function clientAnnotation(clients: {
    readonly all?: string;
    readonly ports?: readonly { readonly port: number; readonly client?: string }[];
}): string | undefined {
    if (clients.all !== undefined) {
        return clients.all;
    }
    const pairs = (clients.ports ?? []).filter((p) => p.client !== undefined);
    return pairs.length > 0 ? pairs.map((p) => `${p.port}=${p.client}`).join(",") : undefined;
}

/** The clients an annotation names: for every port (`all`), and per port. */
export function readClientAnnotation(value: string | undefined): {
    all?: string;
    ports: ReadonlyMap<number, string>;
} {
    const ports = new Map<number, string>();
    let all: string | undefined;
    for (const part of (value ?? "").split(",")) {
        const entry = part.trim();
        const match = /^(\d+)\s*=\s*(\S+)$/.exec(entry);
        if (match) {
            ports.set(Number(match[1]), match[2]);
        } else if (entry !== "") {
            all = entry;
        }
    }
    return { all, ports };
}
