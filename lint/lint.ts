// mesh-lint: the policy pack's rules over plain Kubernetes YAML. The rules, their codes, levels
// and messages are the pack's own (policies/rules through the core's evaluate); this layer only
// adds the one problem plain files have that a Pulumi plan cannot: YAML that does not parse.
import {
    evaluate,
    Finding,
    missingCapability,
    namespaceOf,
    Rule,
    RuleLevel,
    Subject,
    renderTemplate,
} from "../policies/core";
import { catalogue } from "../policies/catalogue";
import { rules as packRules } from "../policies/rules";
import { BrokenYaml, readYamlInput, YamlInput } from "../policies/adapters/yaml";

/** The lint layer's own code: a file whose YAML does not parse. */
export const YAML_SYNTAX = catalogue.YAML001;

/** One finding as mesh-lint reports it (the `--json` shape, plus the fix). */
export interface LintFinding {
    readonly code: string;
    /** The rule's name: the CrossGuard policy's name. */
    readonly policy: string;
    readonly level: RuleLevel;
    /** The object the finding is about; null when it is about a file (broken YAML). */
    readonly kind: string | null;
    /** The object's namespace; null for cluster-scoped objects and files. */
    readonly namespace: string | null;
    readonly name: string | null;
    readonly file: string | null;
    readonly line: number | null;
    readonly message: string;
    /** How to fix it: the rule's description. */
    readonly fix: string;
}

export interface LintResult {
    readonly findings: LintFinding[];
    /** Rules that judged nothing in this input, with why. */
    readonly notApplicable: { code: string; policy: string; reason: string }[];
    /** Codes of the rules that need what plain YAML lacks (Helm values, dependency edges). */
    readonly unavailable: string[];
    /** Files read, in input order. */
    readonly files: string[];
    /** Kubernetes objects checked. */
    readonly objects: number;
}

export interface LintOptions {
    /** Defaults to every rule of the pack. */
    readonly rules?: readonly Rule[];
    /** Per rule name, settings over the rule's defaults (as the pack's config takes them). */
    readonly config?: Readonly<Record<string, Record<string, unknown>>>;
}

/** Lints the YAML below the paths. Throws UnusableInputError for an unreadable path. */
export function lintPaths(paths: readonly string[], options: LintOptions = {}): LintResult {
    return lintInput(readYamlInput(paths), options);
}

/** Runs the rules over an input already read. */
export function lintInput(input: YamlInput, options: LintOptions = {}): LintResult {
    const rules = options.rules ?? packRules;
    const byCode = new Map(rules.map((rule) => [rule.code, rule]));
    const evaluation = evaluate(input.inventory, rules, options.config);
    const findings = [
        ...input.broken.map(syntaxFinding),
        ...evaluation.findings.map((finding) => ruleFinding(finding, byCode.get(finding.code))),
    ];
    return {
        findings: sortByFile(findings, input.files),
        notApplicable: evaluation.notApplicable.map(({ code, reason }) => ({
            code,
            policy: byCode.get(code)?.name ?? code,
            reason,
        })),
        unavailable: rules
            .filter((rule) => missingCapability(rule, input.inventory))
            .map((rule) => rule.code),
        files: input.files,
        objects: input.inventory.objects.length,
    };
}

function syntaxFinding(broken: BrokenYaml): LintFinding {
    return {
        code: YAML_SYNTAX.code,
        policy: YAML_SYNTAX.name,
        level: YAML_SYNTAX.level,
        kind: null,
        namespace: null,
        name: null,
        file: broken.file,
        line: broken.line,
        message: renderTemplate(YAML_SYNTAX.messages.syntax, {
            file: broken.file,
            error: broken.message,
        }),
        fix: YAML_SYNTAX.description,
    };
}

/** What a finding's subject is, in the `--json` fields. */
function identify(subject: Subject | undefined) {
    switch (subject?.category) {
        case "kubernetes":
            return {
                kind: subject.kind,
                namespace: namespaceOf(subject) || null,
                name: subject.metadata.name ?? null,
            };
        case "helm-release":
            return { kind: "HelmRelease", namespace: subject.namespace, name: subject.name };
        case "oidc-client":
            return { kind: "OidcClient", namespace: null, name: subject.clientId };
        default:
            return { kind: null, namespace: null, name: null };
    }
}

function ruleFinding(finding: Finding, rule: Rule | undefined): LintFinding {
    // A rule may report on the input as a whole (no object: no file either).
    const subject = finding.object as Subject | undefined;
    return {
        code: finding.code,
        policy: rule?.name ?? finding.code,
        level: rule?.enforcementLevel ?? "mandatory",
        ...identify(subject),
        file: subject?.source.file ?? null,
        line: subject?.source.line ?? null,
        message: finding.message,
        fix: rule?.description ?? "",
    };
}

/** Findings in input-file order, then by line and code; findings without a file come last. */
function sortByFile(findings: LintFinding[], files: readonly string[]): LintFinding[] {
    const order = new Map(files.map((file, index) => [file, index]));
    const rank = (finding: LintFinding) =>
        finding.file === null ? files.length : (order.get(finding.file) ?? files.length);
    return findings
        .map((finding, index) => ({ finding, index }))
        .sort(
            (a, b) =>
                rank(a.finding) - rank(b.finding) ||
                (a.finding.line ?? 0) - (b.finding.line ?? 0) ||
                compare(a.finding.code, b.finding.code) ||
                a.index - b.index,
        )
        .map(({ finding }) => finding);
}

function compare(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** The `--json` document: exactly the fields the issue names, in that order. */
export function lintDocument(result: LintResult) {
    return {
        findings: result.findings.map((f) => ({
            code: f.code,
            policy: f.policy,
            level: f.level,
            kind: f.kind,
            namespace: f.namespace,
            name: f.name,
            file: f.file,
            line: f.line,
            message: f.message,
        })),
    };
}

function plural(count: number, word: string): string {
    return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** Findings grouped by file, each with its line, code, level, message and fix; then a summary. */
export function renderText(result: LintResult): string {
    const lines: string[] = [];
    let current: string | null | undefined;
    for (const finding of result.findings) {
        if (finding.file !== current) {
            if (current !== undefined) {
                lines.push("");
            }
            current = finding.file;
            lines.push(current ?? "(the input as a whole)");
        }
        const where = finding.line === null ? "" : `line ${finding.line}: `;
        lines.push(`  ${where}${finding.code} ${finding.level} ${finding.policy}`);
        lines.push(`    ${finding.message}`);
        lines.push(`    fix: ${finding.fix}`);
    }
    if (lines.length > 0) {
        lines.push("");
    }
    const mandatory = result.findings.filter((f) => f.level === "mandatory").length;
    const withFindings = new Set(result.findings.map((f) => f.file)).size;
    lines.push(
        result.findings.length === 0
            ? `No findings: ${plural(result.objects, "object")} in ${plural(result.files.length, "file")} checked.`
            : `${plural(result.findings.length, "finding")} (${mandatory} mandatory, ${result.findings.length - mandatory} advisory) in ${plural(withFindings, "file")}; ${plural(result.objects, "object")} in ${plural(result.files.length, "file")} checked.`,
    );
    const skipped = result.notApplicable.filter((n) => result.unavailable.includes(n.code));
    if (skipped.length > 0) {
        lines.push(
            `Not applicable to plain YAML: ${skipped.map((n) => `${n.code} ${n.policy} (${n.reason})`).join("; ")}.`,
        );
    }
    return lines.join("\n");
}
