// mesh-lint's findings as GitHub Actions workflow commands: an annotation per finding (`::error`
// for a mandatory one, `::warning` for an advisory one) on its file and line, which a plain
// Actions log shows on the pull request's diff; a `::notice` per suppressed finding with its
// reason, so that nothing is suppressed silently; then the text summary. Values are escaped as
// the Actions runner reads them back (@actions/core's command.ts): `%`, CR and LF in the message,
// and `:` and `,` too in properties, where they would end a property.
import * as path from "path";
import { LintFinding, LintResult, summaryLines } from "./lint";

/** A workflow command's message, escaped. */
export function escapeData(text: string): string {
    return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** A workflow command's property value, escaped. */
export function escapeProperty(text: string): string {
    return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** A workflow command: `::name key=value,…::message`. */
export function workflowCommand(
    name: string,
    properties: Readonly<Record<string, string | number | undefined>>,
    message: string,
): string {
    const given = Object.entries(properties).filter(
        (entry): entry is [string, string | number] => entry[1] !== undefined,
    );
    const props = given.map(([key, value]) => `${key}=${escapeProperty(String(value))}`);
    return `::${name}${props.length > 0 ? ` ${props.join(",")}` : ""}::${escapeData(message)}`;
}

/** A file as the runner places annotations: relative to the working directory when inside it. */
function annotationFile(file: string, cwd: string): string {
    const relative = path.relative(cwd, path.resolve(cwd, file));
    return relative.startsWith("..") || path.isAbsolute(relative)
        ? file
        : relative.split(path.sep).join("/");
}

function where(finding: LintFinding, cwd: string) {
    return {
        file: finding.file === null ? undefined : annotationFile(finding.file, cwd),
        line: finding.line ?? undefined,
    };
}

/** The workflow commands of a run, one per line, then the summary. */
export function renderGithub(result: LintResult, cwd: string = process.cwd()): string {
    const lines = result.findings.map((finding) =>
        workflowCommand(
            finding.level === "mandatory" ? "error" : "warning",
            { ...where(finding, cwd), title: `${finding.code} ${finding.policy}` },
            finding.cluster === null
                ? finding.message
                : `${finding.message} (in ${finding.cluster})`,
        ),
    );
    for (const finding of result.suppressed) {
        lines.push(
            workflowCommand(
                "notice",
                { ...where(finding, cwd), title: `${finding.code} ${finding.policy} (suppressed)` },
                `${finding.message} (suppressed: ${finding.reason})`,
            ),
        );
    }
    return [...lines, ...summaryLines(result)].join("\n");
}
