// `npm run docs`: writes what the docs generate from the code: the rule table from the catalogue
// (docs/policies.md), the layer drawing from the architecture's import rules
// (docs/architecture.md), the configuration reference and the stack file's JSON Schema from the
// config schema (docs/configuration.md, schema/stack.schema.json). A test fails when any of them
// is stale, so the docs cannot drift from what they describe.
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../harness/project";
import { catalogue } from "../policies/catalogue";
import { CatalogueEntry } from "../policies/core";
import { markdownTable } from "../report/markdown";
import { Command, parseCommand, runScript } from "./cli";
import { sectionOf, withSection } from "./sections";
import { configurationReference, STACK_SCHEMA_FILE, stackSchemaText } from "./stackSchema";

/**
 * The layers and what each may import besides itself: the architecture test holds the code to
 * it, and docs/architecture.md draws it.
 */
export const LAYERS: Readonly<Record<string, readonly string[]>> = {
    "policies/core": [],
    "policies/adapters": ["policies/core"],
    "policies/rules": ["policies/core", "policies"],
    policies: ["policies/core", "policies/rules", "policies/adapters"],
    config: ["policies/core"],
    report: ["policies/core"],
    components: ["policies/core", "report"],
    program: ["components", "config"],
    index: ["components", "config", "program"],
    lint: ["policies", "policies/core", "policies/rules", "policies/adapters"],
    harness: ["config", "index", "policies", "policies/core", "policies/adapters"],
    scripts: [
        "components",
        "config",
        "harness",
        "lint",
        "program",
        "report",
        "policies",
        "policies/core",
        "policies/adapters",
    ],
    bench: [
        "harness",
        "lint",
        "policies",
        "policies/core",
        "policies/rules",
        "policies/adapters",
        "scripts",
    ],
};

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

export const DOCS: Command = {
    name: "docs",
    usage: "usage: npm run docs",
    summary:
        "Writes what the docs generate from the code: the rule table from the catalogue, the layer drawing from the architecture's import rules, the configuration reference and the stack file's JSON Schema from the config schema.",
    options: {},
};

export async function main(argv: string[]): Promise<number> {
    const parsed = parseCommand(DOCS, argv);
    if ("exitCode" in parsed) {
        return parsed.exitCode;
    }
    for (const section of SECTIONS) {
        const file = path.join(PROJECT_ROOT, section.file);
        const text = fs.readFileSync(file, "utf8");
        if (sectionOf(text, section.name) === undefined) {
            console.error(`docs: ${section.file} has no generated:${section.name} markers`);
            return 2;
        }
        fs.writeFileSync(file, withSection(text, section.name, section.render()));
    }
    for (const generated of FILES) {
        const file = path.join(PROJECT_ROOT, generated.file);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, generated.render());
    }
    console.log(
        `docs: wrote ${[...SECTIONS.map((s) => `${s.file} (${s.name})`), ...FILES.map((f) => f.file)].join(", ")}`,
    );
    return 0;
}

if (require.main === module) {
    runScript(main, 1);
}
