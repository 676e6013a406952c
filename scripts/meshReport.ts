#!/usr/bin/env node
// `npm run --silent mesh-report -- (--stack NAME | PATH...) [--write-docs] [--max-file-size SIZE]`
// Prints the mesh's effective mTLS table and topology diagram as Markdown, from a stack's plan
// or from YAML files. `--write-docs` puts the stack's report into docs/mesh-report.md between the
// mesh-report markers (a test fails when that section is stale). A report of YAML files names
// every file it could not use and says that its modes come from partial input; it never prints a
// stack trace.
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../harness/project";
import type { ReadLimits } from "../policies/adapters/yaml/files";
import type { Unused } from "../report/markdown";
import { Command, parseCommand, runScript } from "./cli";
import { Io, MAX_FILE_SIZE_OPTION, readLimits, stdinBytes, unexpected } from "./meshLint";
import { sectionOf, withSection } from "./sections";

export const EXIT_OK = 0;
export const EXIT_UNUSABLE = 2;

export const MESH_REPORT: Command = {
    name: "mesh-report",
    usage: "usage: npm run --silent mesh-report -- (--stack NAME | PATH...) [--write-docs] [--max-file-size SIZE]",
    summary:
        "Prints the mesh's effective mTLS as a Markdown table and a Mermaid diagram, from a stack's config or from YAML files. Exits 0, or 2 on input it cannot use; a report of YAML files some of which could not be used is still printed, names them and says it comes from partial input, and exits 2.",
    options: {
        stack: { type: "string", description: "The stack: Pulumi.<NAME>.yaml." },
        "write-docs": {
            type: "boolean",
            description: "Write the stack's report into docs/mesh-report.md between its markers.",
        },
        "max-file-size": MAX_FILE_SIZE_OPTION,
    },
    positionals:
        "PATH...  YAML files and directories, instead of a stack; - reads YAML from stdin.",
};
const USAGE = MESH_REPORT.usage;

/** The page that shows the Pi Cluster's report, and its section that holds it. */
export const REPORT_PAGE = path.join(PROJECT_ROOT, "docs", "mesh-report.md");
export const REPORT_SECTION = "mesh-report";

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

/** A report of YAML files, and the files it could not use. */
export interface YamlReport {
    readonly text: string;
    readonly unused: readonly Unused[];
}

/**
 * The report of YAML files and directories, with the reasons their objects carry: one section per
 * cluster a tree's builds apply, or one report when it is read file by file. Each section names
 * the files that cluster could not use (not decoded, not parsed, not built) and the remote
 * resources it could not read, and says its modes are computed without them.
 */
export async function yamlReport(
    paths: readonly string[],
    limits?: ReadLimits,
    stdin?: Buffer,
): Promise<YamlReport> {
    const { readYamlInput } = await import("../policies/adapters/yaml");
    const { renderReport } = await import("../report/markdown");
    const { meshReport } = await import("../report/model");
    const input = readYamlInput(paths, limits, { stdin });
    const unusedOf = (cluster: string | null): Unused[] =>
        input.problems
            .filter((problem) => problem.cluster === null || problem.cluster === cluster)
            .map((problem) => {
                const message = problem.message.replace(/[.\s]+$/, "");
                return {
                    file: problem.file,
                    line: problem.line,
                    reason: problem.encoding
                        ? `cannot be read as YAML: ${message}`
                        : problem.syntax
                          ? `is not valid YAML: ${message}`
                          : `does not build: ${message}`,
                };
            });
    const text = input.clusters
        .map(({ label, inventory }) => {
            const report = renderReport(meshReport(inventory), {
                unused: unusedOf(label),
                remote: input.remote,
            });
            return label === null ? report : `## Cluster ${label}\n\n${report}`;
        })
        .join("\n\n");
    const seen = new Set<string>();
    const unused = input.clusters
        .flatMap(({ label }) => unusedOf(label))
        .filter((u) => {
            const key = `${u.file}\0${u.line}\0${u.reason}`;
            if (seen.has(key)) {
                return false;
            }
            seen.add(key);
            return true;
        });
    return { text, unused };
}

export async function main(argv: string[], io: Io = {}): Promise<number> {
    try {
        return await run(argv, io);
    } catch (error) {
        console.error(await unexpected("mesh-report", error));
        return EXIT_UNUSABLE;
    }
}

async function run(argv: string[], io: Io): Promise<number> {
    const parsed = parseCommand(MESH_REPORT, argv);
    if ("exitCode" in parsed) {
        return parsed.exitCode;
    }
    const { positionals } = parsed;
    const values = parsed.values as {
        stack?: string;
        "write-docs"?: boolean;
        "max-file-size"?: string;
    };
    if ((values.stack === undefined) === (positionals.length === 0)) {
        console.error(`mesh-report: give either --stack or paths; ${USAGE}`);
        return EXIT_UNUSABLE;
    }
    if (values["write-docs"] && values.stack === undefined) {
        console.error(`mesh-report: --write-docs takes the report of a stack; ${USAGE}`);
        return EXIT_UNUSABLE;
    }
    const limits = await readLimits("mesh-report", values["max-file-size"]);
    if (typeof limits === "string") {
        console.error(limits);
        return EXIT_UNUSABLE;
    }
    const { ConfigError } = await import("../config/load");
    const { shown, UnusableInputError } = await import("../policies/adapters/yaml");
    const { StackFileError, stackFilePath } = await import("../harness/stack");
    const { InputFileError } = await import("../harness/inputFile");
    let report: string;
    let unused: readonly Unused[] = [];
    try {
        if (values.stack !== undefined) {
            report = await stackReport(stackFilePath(values.stack));
        } else {
            const stdin = await stdinBytes("mesh-report", positionals, io, limits);
            if (stdin !== undefined && "error" in stdin) {
                console.error(stdin.error);
                return EXIT_UNUSABLE;
            }
            ({ text: report, unused } = await yamlReport(positionals, limits, stdin));
        }
    } catch (error) {
        if (
            error instanceof ConfigError ||
            error instanceof UnusableInputError ||
            error instanceof StackFileError ||
            error instanceof InputFileError
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
    if (!values["write-docs"]) {
        console.log(report);
        // The report is printed, and says what it left out; the exit code says it too.
        for (const { file, line, reason } of unused) {
            console.error(
                `mesh-report: ${shown(file)}${line === undefined ? "" : ` line ${line}`} ${shown(reason, 300)}; the report is computed without it`,
            );
        }
        return unused.length > 0 ? EXIT_UNUSABLE : EXIT_OK;
    }
    const page = fs.readFileSync(REPORT_PAGE, "utf8");
    if (sectionOf(page, REPORT_SECTION) === undefined) {
        console.error(
            `mesh-report: docs/mesh-report.md has no generated:${REPORT_SECTION} markers`,
        );
        return EXIT_UNUSABLE;
    }
    fs.writeFileSync(REPORT_PAGE, withSection(page, REPORT_SECTION, report));
    console.log(`mesh-report: wrote the ${values.stack} report into docs/mesh-report.md`);
    return EXIT_OK;
}

if (require.main === module) {
    runScript(main, EXIT_UNUSABLE);
}
