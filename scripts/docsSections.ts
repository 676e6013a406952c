// The docs' generated parts and what renders each: the rule table from the catalogue
// (docs/policies.md), the layer drawing from the architecture's import rules
// (docs/architecture.md), the configuration reference and the stack file's JSON Schema from the
// config schema. Apart from the docs command, so that its --help and --version load none of it.
import { catalogue } from "../policies/catalogue";
import { CatalogueEntry } from "../policies/core";
import { markdownTable } from "../report/markdown";
import { LAYERS } from "./layers";
import { configurationReference, STACK_SCHEMA_FILE, stackSchemaText } from "./stackSchema";

function anchorsText(entry: CatalogueEntry): string {
    if (entry.anchors.length === 0) {
        return "none";
    }
    return entry.anchors
        .map((a) => `${a.tool} ${a.check}${a.note ? ` (${a.note})` : ""}`)
        .join("; ");
}

/** Every code of the catalogue: its policy name, level, title and what other tools check. */
export function ruleTable(): string {
    const rows = Object.values(catalogue).map((entry: CatalogueEntry) => [
        entry.code,
        `\`${entry.name}\``,
        entry.level,
        entry.title,
        anchorsText(entry),
    ]);
    return markdownTable(["Code", "Policy", "Level", "Finds", "Other tools"], rows);
}

/** The layers as a Mermaid graph: an arrow for each import a layer may make. */
export function layerDiagram(): string {
    const id = (layer: string) => layer.replace(/[^a-z]/g, "_");
    const lines = ["```mermaid", "graph TD"];
    for (const layer of Object.keys(LAYERS)) {
        lines.push(`    ${id(layer)}["${layer}"]`);
    }
    for (const [layer, imports] of Object.entries(LAYERS)) {
        for (const target of imports) {
            lines.push(`    ${id(layer)} --> ${id(target)}`);
        }
    }
    lines.push("```");
    return lines.join("\n");
}

/** A generated section: where it stands and what renders it. */
interface Section {
    readonly file: string;
    readonly name: string;
    readonly render: () => string;
}

export const SECTIONS: readonly Section[] = [
    { file: "docs/policies.md", name: "rules", render: ruleTable },
    { file: "docs/architecture.md", name: "layers", render: layerDiagram },
    { file: "docs/configuration.md", name: "configuration", render: configurationReference },
];

/** A file generated whole. */
interface GeneratedFile {
    readonly file: string;
    readonly render: () => string;
}

export const FILES: readonly GeneratedFile[] = [
    { file: STACK_SCHEMA_FILE, render: stackSchemaText },
];
