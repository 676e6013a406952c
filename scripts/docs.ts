// `npm run docs`: writes what the docs generate from the code: the rule table from the catalogue
// (docs/policies.md), the layer drawing from the architecture's import rules
// (docs/architecture.md), the configuration reference and the stack file's JSON Schema from the
// config schema (docs/configuration.md, schema/stack.schema.json). A test fails when any of them
// is stale, so the docs cannot drift from what they describe.
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../harness/project";
import { Command, parseCommand, runScript } from "./cli";

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
    const { FILES, SECTIONS } = await import("./docsSections");
    const { sectionOf, withSection } = await import("./sections");
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
