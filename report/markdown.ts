// The mesh report as Markdown: the effective mTLS table, what Istio ignores, and the topology as
// a Mermaid diagram.
import { describeClient, describeSelector, EffectiveMode } from "../policies/core";
import { MeshReport, ReportException } from "./model";

function clientText(client: string | undefined): string {
    return client === undefined ? "" : describeClient(client);
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

/** A file of the input the report could not use, and why. */
export interface Unused {
    readonly file: string;
    readonly line?: number;
    /** Why, as the rest of a sentence naming the file (`is not valid YAML: …`), unpunctuated. */
    readonly reason: string;
}

/** What the report was computed without: it may hold policies that change every mode. */
export interface Gaps {
    /** Files that could not be decoded, parsed or built. */
    readonly unused: readonly Unused[];
    /** Remote resources Flux fetches, which an offline read cannot. */
    readonly remote: readonly string[];
}

/** Inline code that survives backticks and line breaks in what it quotes. */
function inlineCode(text: string): string {
    const flat = text.replace(/\s+/g, " ");
    return flat.includes("`") ? `\`\` ${flat} \`\`` : `\`${flat}\``;
}

/** The block that says a report comes from partial input, naming what it left out. */
function gapsText(gaps: Gaps): string[] {
    const lines: string[] = [];
    if (gaps.unused.length > 0) {
        lines.push(
            `> **Partial input.** ${gaps.unused.length === 1 ? "One file" : `${gaps.unused.length} files`} could not be used, so the modes below are computed without ${gaps.unused.length === 1 ? "it" : "them"}; ${gaps.unused.length === 1 ? "it" : "they"} may hold policies that change them:`,
            ">",
            ...gaps.unused.map(
                (u) =>
                    `> - ${inlineCode(u.file)}${u.line === undefined ? "" : ` line ${u.line}`} ${u.reason.replace(/\s+/g, " ")}.`,
            ),
        );
    }
    if (gaps.remote.length > 0) {
        if (lines.length > 0) {
            lines.push(">");
        }
        lines.push(
            `> Not read: ${gaps.remote.length === 1 ? "a remote resource" : `${gaps.remote.length} remote resources`} Flux fetches (${gaps.remote.map(inlineCode).join(", ")}); policies in ${gaps.remote.length === 1 ? "it" : "them"} are not counted.`,
        );
    }
    return lines.length > 0 ? [...lines, ""] : [];
}

/**
 * The report as Markdown: the mTLS table, what Istio ignores, and the topology; first, when the
 * input had gaps, what the report was computed without.
 */
export function renderReport(report: MeshReport, gaps?: Gaps): string {
    const partial = gaps !== undefined && gaps.unused.length > 0;
    const lines = [
        ...(gaps ? gapsText(gaps) : []),
        "### Effective mTLS",
        "",
        `Mesh-wide default: **${report.mesh.mode}** (${report.mesh.decidedBy}${partial ? ", from partial input" : ""}). Computed with the policy pack's precedence: workload over namespace over mesh, UNSET inherits, the oldest policy of a scope wins.`,
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
