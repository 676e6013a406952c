// `npm run --silent mesh-report -- (--stack NAME | PATH...) [--write-readme]`
// Prints the mesh's effective mTLS table and topology diagram as Markdown, from a stack's plan
// or from YAML files. `--write-readme` puts the stack's report into README.md between the
// mesh-report markers (a test fails when that section is stale).
import * as fs from "fs";
import * as path from "path";
import { meshView } from "../components/mesh";
import { ConfigError, parseStackConfig } from "../config/load";
import {
    PROJECT_ROOT,
    projectConfig,
    readStackFile,
    StackFileError,
    stackFilePath,
} from "../harness/stack";
import { UnusableInputError } from "../policies/adapters/yaml";
import { renderReport } from "../report/markdown";
import { meshReport, reportOf } from "../report/model";
import { readYamlInput } from "../policies/adapters/yaml";
import { parseCommandLine, runScript } from "./cli";

export const EXIT_OK = 0;
export const EXIT_UNUSABLE = 2;

const USAGE = "usage: npm run --silent mesh-report -- (--stack NAME | PATH...) [--write-readme]";

export const README = path.join(PROJECT_ROOT, "README.md");
const START = "<!-- mesh-report:start -->";
const END = "<!-- mesh-report:end -->";

/**
 * The report of a stack: the mTLS view of the PeerAuthentications its program creates, in the
 * order its config lists them (the view behind the `mesh` stack output).
 */
export async function stackReport(stack: string): Promise<string> {
    const stackConfig = parseStackConfig(projectConfig(readStackFile(stackFilePath(stack))));
    return renderReport(
        reportOf(meshView(stackConfig.istio.namespace, stackConfig.mesh.namespaces)),
    );
}

/** The report of YAML files and directories, with the reasons their objects carry. */
export function yamlReport(paths: readonly string[]): string {
    return renderReport(meshReport(readYamlInput(paths).inventory));
}

/** The generated text between the README's markers, or undefined when the markers are missing. */
export function readmeSection(readme: string): string | undefined {
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    if (start < 0 || end < start) {
        return undefined;
    }
    return readme.slice(start + START.length, end);
}

/** The section as `--write-readme` writes it: the report, kept out of prettier's hands. */
export function readmeBlock(report: string): string {
    return `\n<!-- prettier-ignore-start -->\n${report}\n<!-- prettier-ignore-end -->\n`;
}

/** The README with the section between the markers replaced. */
export function withReport(readme: string, report: string): string {
    const start = readme.indexOf(START) + START.length;
    return readme.slice(0, start) + readmeBlock(report) + readme.slice(readme.indexOf(END));
}

export async function main(argv: string[]): Promise<number> {
    const parsed = parseCommandLine("mesh-report", {
        args: argv,
        options: { stack: { type: "string" }, "write-readme": { type: "boolean" } },
        allowPositionals: true,
    });
    if (!parsed) {
        return EXIT_UNUSABLE;
    }
    const { values, positionals } = parsed;
    if ((values.stack === undefined) === (positionals.length === 0)) {
        console.error(`mesh-report: give either --stack or paths; ${USAGE}`);
        return EXIT_UNUSABLE;
    }
    if (values["write-readme"] && values.stack === undefined) {
        console.error(`mesh-report: --write-readme takes the report of a stack; ${USAGE}`);
        return EXIT_UNUSABLE;
    }
    let report: string;
    try {
        report =
            values.stack !== undefined ? await stackReport(values.stack) : yamlReport(positionals);
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
    if (readmeSection(readme) === undefined) {
        console.error(`mesh-report: README.md has no ${START} … ${END} markers`);
        return EXIT_UNUSABLE;
    }
    fs.writeFileSync(README, withReport(readme, report));
    console.log(`mesh-report: wrote the ${values.stack} report into README.md`);
    return EXIT_OK;
}

if (require.main === module) {
    runScript(main, EXIT_UNUSABLE);
}
