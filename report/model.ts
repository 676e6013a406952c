// mesh-report: the effective mTLS table and the topology diagram of the mesh, generated from
// the configuration instead of written by hand. Modes come from the policy pack's own
// precedence model (policies/core/mtls.ts through MeshIndex), so the report and the pack can
// never disagree about what a namespace, a workload or a port gets.
import type { MeshSummary } from "../components/mesh";
import {
    describeSelector,
    EffectiveMode,
    Inventory,
    Labels,
    MeshIndex,
    MtlsModel,
    NamespaceMode,
    PeerAuthn,
    MESH_CLIENTS,
} from "../policies/core";
import { reasonAnnotationProperty, rootNamespaceProperty } from "../policies/rules/common";

/** One port of an exception and the mode Istio gives it. */
export interface ReportPort {
    readonly port: number;
    readonly mode: EffectiveMode;
    /** Who calls it from outside the mesh, when the configuration says. */
    readonly client?: string;
}

/** A workload-selected PeerAuthentication, as Istio applies it. */
export interface ReportException {
    readonly name: string;
    readonly selector: Labels;
    /** The selected workloads' mode on every port not listed. */
    readonly mode: EffectiveMode;
    readonly ports: ReportPort[];
    readonly reason?: string;
    /** Why Istio ignores the policy, when it does. */
    readonly ignored?: string;
}

/** One enrolled namespace: a row of the table and a box of the diagram. */
export interface ReportNamespace {
    readonly name: string;
    readonly mode: EffectiveMode;
    /** Which policy decided the mode, in words. */
    readonly decidedBy: string;
    /** Who calls a PERMISSIVE namespace from outside the mesh, when the configuration says. */
    readonly client?: string;
    readonly reason?: string;
    readonly exceptions: ReportException[];
}

export interface MeshReport {
    readonly rootNamespace: string;
    readonly mesh: { readonly mode: EffectiveMode; readonly decidedBy: string };
    readonly namespaces: ReportNamespace[];
    /** Policies Istio ignores, with why. */
    readonly ignored: string[];
}

export interface ReportOptions {
    /** Istio's root namespace; the pack's default when not given. */
    readonly rootNamespace?: string;
    /** The annotation that carries a PERMISSIVE exception's reason; the pack's default. */
    readonly reasonAnnotation?: string;
    /** The program's `mesh` stack output: reasons and clients from the stack config. */
    readonly summary?: MeshSummary;
}

function decidedBy(mode: NamespaceMode, rootNamespace: string): string {
    const policy = mode.decidedBy;
    switch (mode.level) {
        case "default":
            return `Istio's default: no mesh-wide policy in ${rootNamespace}`;
        case "mesh":
            return `mesh-wide \`${policy!.namespace}/${policy!.name}\``;
        case "namespace":
            return `namespace-wide \`${policy!.name}\``;
        case "workload":
            return `workload \`${policy!.name}\``;
    }
}

/** The effective peer authentication of every enrolled namespace, under Istio's precedence. */
export function meshReport(inventory: Inventory, options: ReportOptions = {}): MeshReport {
    const rootNamespace =
        options.rootNamespace ??
        options.summary?.rootNamespace ??
        (rootNamespaceProperty.default as string);
    const reasonKey = options.reasonAnnotation ?? (reasonAnnotationProperty.default as string);
    const index = new MeshIndex(inventory);
    const model = index.mtls(rootNamespace);
    const configured = new Map((options.summary?.namespaces ?? []).map((ns) => [ns.name, ns]));
    const reasonOf = (policy: PeerAuthn | undefined) =>
        policy?.object.metadata.annotations?.[reasonKey]?.trim() || undefined;

    const namespaceOrder = orderOf((options.summary?.namespaces ?? []).map((ns) => ns.name));
    const namespaces = inOrder(
        index.ambientNamespaces().filter((ns) => ns.name !== rootNamespace),
        (ns) => namespaceOrder(ns.name),
    ).map((ns): ReportNamespace => {
        const mode = model.namespaceMode(ns.name);
        const config = configured.get(ns.name);
        const exceptionOrder = orderOf((config?.exceptions ?? []).map((e) => e.name));
        const permissive = mode.mode === "PERMISSIVE";
        const reason = permissive
            ? (reasonOf(mode.level === "namespace" ? mode.decidedBy : undefined) ?? config?.reason)
            : undefined;
        return {
            name: ns.name,
            mode: mode.mode,
            decidedBy: decidedBy(mode, rootNamespace),
            ...(permissive && config?.client !== undefined && { client: config.client }),
            ...(reason !== undefined && { reason }),
            exceptions: inOrder(model.workloadPoliciesIn(ns.name), (policy) =>
                exceptionOrder(policy.name),
            ).map((policy) => reportException(model, policy, config, reasonOf(policy))),
        };
    });
    return {
        rootNamespace,
        mesh: {
            mode: model.meshMode().mode,
            decidedBy: decidedBy(model.meshMode(), rootNamespace),
        },
        namespaces,
        ignored: ignoredPolicies(model),
    };
}

/** A name's position in the configuration; names it does not list come after, as they were. */
function orderOf(names: readonly string[]): (name: string) => number {
    const positions = new Map(names.map((name, index) => [name, index]));
    return (name) => positions.get(name) ?? names.length;
}

/** A stable sort: the configuration's order where it has one, else the input's. */
function inOrder<T>(items: readonly T[], position: (item: T) => number): T[] {
    return items
        .map((item, index) => ({ item, index, position: position(item) }))
        .sort((a, b) => a.position - b.position || a.index - b.index)
        .map(({ item }) => item);
}

function reportException(
    model: MtlsModel,
    policy: PeerAuthn,
    config: MeshSummary["namespaces"][number] | undefined,
    annotated: string | undefined,
): ReportException {
    // The pods the policy selects carry at least its selector's labels; Istio gives them the
    // oldest policy that selects them.
    const applied = model.workloadMode(policy.namespace, policy.selector);
    const configuredException = config?.exceptions.find((e) => e.name === policy.name);
    const reason = annotated ?? (configuredException?.reason || undefined);
    const ports = (policy.ports ?? []).flatMap((setting): ReportPort[] => {
        if (setting.port === undefined) {
            return [];
        }
        const client = configuredException?.ports.find((p) => p.port === setting.port)?.client;
        const mode = applied.ports.get(setting.port) ?? applied.mode;
        return [{ port: setting.port, mode, ...(client !== undefined && { client }) }];
    });
    return {
        name: policy.name,
        selector: policy.selector,
        mode: applied.mode,
        ports,
        ...(reason !== undefined && { reason }),
        ...(applied.policy !== policy && {
            ignored: `Istio applies the older ${applied.policy!.name} to the pods it selects`,
        }),
    };
}

function ignoredPolicies(model: MtlsModel): string[] {
    const ignored: string[] = [];
    for (const policy of model.policies) {
        const name = `${policy.namespace}/${policy.name}`;
        if (policy.scope === "ignored-root-selector") {
            ignored.push(
                `${name}: Istio ignores workload selectors in the root namespace ${model.rootNamespace}.`,
            );
        } else if (policy.scope !== "workload" && (policy.ports?.length ?? 0) > 0) {
            ignored.push(
                `${name}: its portLevelMtls is ignored, since it selects no workload (Istio rejects it).`,
            );
        }
        if (policy.mode === "DISABLE") {
            ignored.push(`${name}: ambient mode ignores mode DISABLE.`);
        }
    }
    for (const { policy, winner } of model.shadowed) {
        ignored.push(
            `${policy.namespace}/${policy.name}: the older ${winner.namespace}/${winner.name} holds the same scope.`,
        );
    }
    return ignored;
}

// ---------------------------------------------------------------- Markdown

function clientText(client: string | undefined): string {
    if (client === undefined) {
        return "";
    }
    return MESH_CLIENTS[client as keyof typeof MESH_CLIENTS] ?? client;
}

function cell(text: string): string {
    return text.replace(/\s+/g, " ").replace(/\|/g, "\\|");
}

function code(text: string): string {
    return text === "" ? "" : `\`${text}\``;
}

function portsText(exception: ReportException): string {
    const ports = exception.ports.map((p) => `${p.port} ${p.mode}`);
    const own = exception.mode;
    return ports.length === 0 ? `all ${own}` : ports.join(", ");
}

/** A Markdown table with padded columns (as prettier writes them). */
export function markdownTable(header: string[], rows: string[][]): string {
    const widths = header.map((title, column) =>
        Math.max(3, title.length, ...rows.map((row) => row[column].length)),
    );
    const line = (cells: string[]) =>
        `| ${cells.map((text, column) => text.padEnd(widths[column])).join(" | ")} |`;
    return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join(
        "\n",
    );
}

function tableRows(report: MeshReport): string[][] {
    const rows: string[][] = [];
    for (const ns of report.namespaces) {
        const permissive = ns.mode === "PERMISSIVE";
        rows.push([
            code(ns.name),
            `${ns.mode} (${ns.decidedBy})`,
            "",
            permissive ? "all workloads" : "",
            permissive ? "all" : "",
            clientText(ns.client),
            ns.reason ?? "",
        ]);
        for (const exception of ns.exceptions) {
            const clients = [...new Set(exception.ports.map((p) => clientText(p.client)))];
            rows.push([
                "",
                "",
                code(exception.name) +
                    (exception.ignored ? ` (ignored: ${exception.ignored})` : ""),
                code(describeSelector(exception.selector)),
                portsText(exception),
                clients.filter(Boolean).join(", "),
                exception.reason ?? "",
            ]);
        }
    }
    return rows.map((row) => row.map(cell));
}

/** Mermaid labels: quotes would end the label. */
function label(text: string): string {
    return `"${text.replace(/"/g, "#quot;")}"`;
}

const UNKNOWN_CLIENT = "unknown";

function clientNodeId(client: string | undefined): string {
    return `client_${(client ?? UNKNOWN_CLIENT).replace(/[^A-Za-z0-9]/g, "_")}`;
}

const STYLES: Record<EffectiveMode, string> = {
    STRICT: "fill:#e3f2fd,stroke:#1565c0",
    PERMISSIVE: "fill:#fff3e0,stroke:#e65100",
};

/** The topology as a Mermaid graph: clients outside the mesh, ztunnel, namespaces, exceptions. */
export function mermaidTopology(report: MeshReport): string {
    const clients = new Map<string, string>();
    const edges: string[] = [];
    const boxes: string[] = [];
    const styles: string[] = [];
    const useClient = (client: string | undefined) => {
        const id = clientNodeId(client);
        clients.set(id, client === undefined ? "clients outside the mesh" : clientText(client));
        return id;
    };
    report.namespaces.forEach((ns, i) => {
        const box = `ns${i}`;
        const others = ns.exceptions.length > 0 ? "other workloads" : "all workloads";
        boxes.push(`        subgraph ${box}[${label(`${ns.name}: ${ns.mode}`)}]`);
        boxes.push(`            ${box}_pods[${label(`${others}<br/>${ns.mode}`)}]`);
        if (ns.mode === "PERMISSIVE") {
            edges.push(`    ${useClient(ns.client)} -->|"any port"| ${box}_pods`);
        }
        ns.exceptions.forEach((exception, j) => {
            const node = `${box}_x${j}`;
            const selector = describeSelector(exception.selector);
            boxes.push(`            ${node}[${label(`${exception.name}<br/>${selector}`)}]`);
            const open = exception.ports.filter((p) => p.mode === "PERMISSIVE");
            const byClient = new Map<string | undefined, number[]>();
            for (const port of open) {
                byClient.set(port.client, [...(byClient.get(port.client) ?? []), port.port]);
            }
            for (const [client, ports] of byClient) {
                const text = ports.map((port) => `:${port}`).join(", ");
                edges.push(`    ${useClient(client)} -->|${label(text)}| ${node}`);
            }
        });
        boxes.push("        end");
        edges.push(`    ztunnel <-->|"HBONE mTLS"| ${box}`);
        styles.push(`    style ${box} ${STYLES[ns.mode]}`);
    });
    return [
        "```mermaid",
        "graph TB",
        `    subgraph outside[${label("Outside the mesh")}]`,
        ...[...clients].map(([id, text]) => `        ${id}[${label(text)}]`),
        "    end",
        `    subgraph node[${label("Kubernetes node")}]`,
        `        ztunnel[${label("ztunnel<br/>(per-node L4 proxy)")}]`,
        ...boxes,
        "    end",
        ...edges,
        ...styles,
        "```",
    ].join("\n");
}

/** The report as Markdown: the mTLS table, what Istio ignores, and the topology. */
export function renderReport(report: MeshReport): string {
    const lines = [
        "### Effective mTLS",
        "",
        `Mesh-wide default: **${report.mesh.mode}** (${report.mesh.decidedBy}). Computed with the policy pack's precedence: workload over namespace over mesh, UNSET inherits, the oldest policy of a scope wins.`,
        "",
        markdownTable(
            ["Namespace", "Mode", "Exception", "Selector", "Ports", "Client", "Reason"],
            tableRows(report),
        ),
    ];
    if (report.ignored.length > 0) {
        lines.push("", "Ignored by Istio:", "", ...report.ignored.map((text) => `- ${text}`));
    }
    lines.push("", "### Topology", "", mermaidTopology(report));
    return lines.join("\n");
}
