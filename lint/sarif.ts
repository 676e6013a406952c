// mesh-lint's findings as SARIF 2.1.0, the format GitHub code scanning and other viewers read: one
// run whose tool lists every rule of the catalogue with its title, description and default level,
// and one result per finding at its file (relative to the working directory, as code scanning
// reads paths from the repository's root) and line. Suppressed findings are results with an
// in-source suppression and its reason. A finding about the input as a whole has no file to show
// it on, and code scanning refuses a whole upload when one result has no location: such findings
// are notifications of the run, naming their rule.
import * as path from "path";
import { pathToFileURL } from "url";
import type { Location, Log, Notification, PropertyBag, ReportingDescriptor, Result } from "sarif";
import { catalogue } from "../policies/catalogue";
import { CatalogueEntry, RuleLevel } from "../policies/core";
import { LintFinding, LintResult, objectOf, SuppressedFinding } from "./lint";

/** Where the SARIF's schema is published (the OASIS standard's). */
export const SARIF_SCHEMA =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

export interface SarifContext {
    /** The tool's version. */
    readonly version: string;
    /** The directory file paths are made relative to; the process's working directory by default. */
    readonly cwd?: string;
}

/** SARIF's level for a rule level. */
function sarifLevel(level: RuleLevel): "error" | "warning" {
    return level === "mandatory" ? "error" : "warning";
}

/** The catalogue in code order: the rules the tool reports, in `ruleIndex` order. */
function ruleEntries(): CatalogueEntry[] {
    return Object.values(catalogue as Record<string, CatalogueEntry>).sort((a, b) =>
        a.code < b.code ? -1 : a.code > b.code ? 1 : 0,
    );
}

function ruleDescriptor(entry: CatalogueEntry): ReportingDescriptor {
    const anchors = entry.anchors.map((a) => `${a.tool} ${a.check}${a.note ? ` (${a.note})` : ""}`);
    const markdown = [
        entry.description,
        ...(anchors.length > 0
            ? ["", `Other tools' checks of the same: ${anchors.join("; ")}.`]
            : []),
    ].join("\n");
    return {
        id: entry.code,
        name: entry.name,
        shortDescription: { text: entry.title },
        fullDescription: { text: entry.description },
        help: { text: entry.description, markdown },
        defaultConfiguration: { level: sarifLevel(entry.level) },
        properties: {
            tags: ["kubernetes", "istio", entry.level],
            ...(anchors.length > 0 && { anchors }),
        },
    };
}

/**
 * A file path as a URI reference: relative to the working directory when inside it (each segment
 * percent-encoded), an absolute `file:` URI otherwise.
 */
export function fileUri(file: string, cwd: string): string {
    const absolute = path.resolve(cwd, file);
    const relative = path.relative(cwd, absolute);
    if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) {
        return pathToFileURL(absolute).href;
    }
    return relative.split(path.sep).map(encodeURIComponent).join("/");
}

/** What a finding says beyond its message: the object, cluster and build chain. */
function findingProperties(finding: LintFinding): PropertyBag {
    return {
        policy: finding.policy,
        kind: finding.kind,
        namespace: finding.namespace,
        name: finding.name,
        cluster: finding.cluster,
        chain: finding.chain,
        fix: finding.fix,
    };
}

function location(finding: LintFinding, cwd: string): Location {
    const object = objectOf(finding);
    return {
        physicalLocation: {
            artifactLocation: { uri: fileUri(finding.file!, cwd) },
            ...(finding.line !== null && { region: { startLine: finding.line } }),
        },
        ...(object !== null && {
            logicalLocations: [{ fullyQualifiedName: object, kind: "object" }],
        }),
    };
}

/** The SARIF log of a mesh-lint run. */
export function lintSarif(result: LintResult, context: SarifContext): Log {
    const cwd = context.cwd ?? process.cwd();
    const entries = ruleEntries();
    const index = new Map(entries.map((entry, i) => [entry.code, i]));
    const results: Result[] = [];
    const notifications: Notification[] = [];
    const all: (LintFinding | SuppressedFinding)[] = [...result.findings, ...result.suppressed];
    for (const finding of all) {
        const rule = { id: finding.code, index: index.get(finding.code) ?? -1 };
        if (finding.file === null) {
            notifications.push({
                level: sarifLevel(finding.level),
                message: { text: finding.message },
                associatedRule: rule,
                properties: findingProperties(finding),
            });
            continue;
        }
        results.push({
            ruleId: finding.code,
            ruleIndex: rule.index,
            level: sarifLevel(finding.level),
            message: { text: finding.message },
            locations: [location(finding, cwd)],
            ...("reason" in finding && {
                suppressions: [
                    { kind: "inSource", status: "accepted", justification: finding.reason },
                ],
            }),
            properties: findingProperties(finding),
        });
    }
    return {
        $schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [
            {
                tool: {
                    driver: {
                        name: "mesh-lint",
                        semanticVersion: context.version,
                        version: context.version,
                        rules: entries.map(ruleDescriptor),
                    },
                },
                invocations: [
                    {
                        executionSuccessful: true,
                        workingDirectory: { uri: pathToFileURL(`${cwd}${path.sep}`).href },
                        ...(notifications.length > 0 && {
                            toolExecutionNotifications: notifications,
                        }),
                    },
                ],
                results,
                properties: {
                    files: result.files.length,
                    objects: result.objects,
                    clusters: result.clusters,
                    unreached: result.unreached,
                    remote: result.remote,
                    ignored: result.ignored,
                    notApplicable: result.notApplicable,
                },
            },
        ],
    };
}
