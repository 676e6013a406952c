// `npm run --silent mesh-report -- (--stack NAME | PATH...) [--write-readme]`
// Prints the mesh's effective mTLS table and topology diagram as Markdown, from a stack's plan
// or from YAML files. `--write-readme` puts the stack's report into README.md between the
// mesh-report markers (a test fails when that section is stale).
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../harness/project";
import { Command, parseCommand, runScript } from "./cli";
import { sectionOf, withSection } from "./sections";

export const EXIT_OK = 0;
export const EXIT_UNUSABLE = 2;

export const MESH_REPORT: Command = {
    name: "mesh-report",
    usage: "usage: npm run --silent mesh-report -- (--stack NAME | PATH...) [--write-readme]",
    summary:
        "Prints the mesh's effective mTLS as a Markdown table and a Mermaid diagram, from a stack's config or from YAML files. Exits 0, or 2 on input it cannot use.",
    options: {
        stack: { type: "string", description: "The stack: Pulumi.<NAME>.yaml." },
        "write-readme": {
            type: "boolean",
            description: "Write the stack's report into README.md between its markers.",
        },
    },
    positionals: "PATH...  YAML files and directories, instead of a stack.",
};
const USAGE = MESH_REPORT.usage;

export const README = path.join(PROJECT_ROOT, "README.md");
/** The README section that holds the stack's report. */
export const README_SECTION = "mesh-report";

/**
 * The report of a stack: the mTLS view of the PeerAuthentications its program creates, in the
 * order its config lists them (the view behind the `mesh` stack output).
 */
export async function stackReport(stackFile: string): Promise<string> {
    const { meshView } = await import("../components/mesh");
    const { parseStackConfig } = await import("../config/load");
    const { projectConfig, readStackFile } = await import("../harness/stack");
    const { meshNamespaceArgs } = await import("../program/args");
    const { renderReport } = await import("../report/markdown");
    const { reportOf } = await import("../report/model");
    const stackConfig = parseStackConfig(projectConfig(readStackFile(stackFile)));
    return renderReport(
        reportOf(
            meshView(
                stackConfig.istio.namespace,
                stackConfig.mesh.namespaces.map(meshNamespaceArgs),
            ),
        ),
    );
}

/**
 * The report of YAML files and directories, with the reasons their objects carry: one section per
 * cluster a tree's builds apply, or one report when it is read file by file.
 */
export async function yamlReport(paths: readonly string[]): Promise<string> {
    const { readYamlInput } = await import("../policies/adapters/yaml");
    const { renderReport } = await import("../report/markdown");
    const { meshReport } = await import("../report/model");
    const { clusters } = readYamlInput(paths);
    return clusters
        .map(({ label, inventory }) => {
            const report = renderReport(meshReport(inventory));
            return label === null ? report : `## Cluster ${label}\n\n${report}`;
        })
        .join("\n\n");
}

export async function main(argv: string[]): Promise<number> {
    const parsed = parseCommand(MESH_REPORT, argv);
    if ("exitCode" in parsed) {
        return parsed.exitCode;
    }
    const { positionals } = parsed;
    const values = parsed.values as { stack?: string; "write-readme"?: boolean };
    if ((values.stack === undefined) === (positionals.length === 0)) {
        console.error(`mesh-report: give either --stack or paths; ${USAGE}`);
        return EXIT_UNUSABLE;
    }
    if (values["write-readme"] && values.stack === undefined) {
        console.error(`mesh-report: --write-readme takes the report of a stack; ${USAGE}`);
        return EXIT_UNUSABLE;
    }
    const { ConfigError } = await import("../config/load");
    const { UnusableInputError } = await import("../policies/adapters/yaml");
    const { StackFileError, stackFilePath } = await import("../harness/stack");
    let report: string;
    try {
        report =
            values.stack !== undefined
                ? await stackReport(stackFilePath(values.stack))
                : await yamlReport(positionals);
    } catch (error) {
        if (
            error instanceof ConfigError ||
            error instanceof UnusableInputError ||
            error instanceof StackFileError
        ) {
            console.error(`mesh-report: ${error.message}`);
            return EXIT_UNUSABLE;
        }
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
            console.error(`mesh-report: cannot read ${(error as NodeJS.ErrnoException).path}`);
            return EXIT_UNUSABLE;
        }
        throw error;
    }
    if (!values["write-readme"]) {
        console.log(report);
        return EXIT_OK;
    }
    const readme = fs.readFileSync(README, "utf8");
    if (sectionOf(readme, README_SECTION) === undefined) {
        console.error(`mesh-report: README.md has no generated:${README_SECTION} markers`);
        return EXIT_UNUSABLE;
    }
    fs.writeFileSync(README, withSection(readme, README_SECTION, report));
    console.log(`mesh-report: wrote the ${values.stack} report into README.md`);
    return EXIT_OK;
}

if (require.main === module) {
    runScript(main, EXIT_UNUSABLE);
}
