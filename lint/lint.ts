// mesh-lint: the policy pack's rules over Kubernetes YAML, per cluster, as Flux and kustomize would
// apply it. The rules, their codes, levels and messages are the pack's own (policies/rules
// through the core's evaluate); this layer adds the problems files have that a Pulumi plan
// cannot: YAML that does not parse (YAML001), builds Flux or kustomize refuse (YAML002), policies
// a build moves (YAML003), files that are not text (YAML004) and fields of built-in objects whose
// type the API server refuses (YAML005), and suppression annotations it cannot use (YAML006). A
// finding an object's annotation suppresses is kept apart with its reason, never dropped. Nothing
// that was not read passes as clean.
import {
    CatalogueEntry,
    describeSubject,
    evaluate,
    finding,
    Finding,
    KubeObject,
    missingCapability,
    namespaceOf,
    Rule,
    RuleLevel,
    Subject,
    renderTemplate,
} from "../policies/core";
import { catalogue } from "../policies/catalogue";
import { rules as packRules } from "../policies/rules";
import { InputProblem, ReadLimits, readYamlInput, YamlInput } from "../policies/adapters/yaml";
import { fieldText, wrongFields } from "./shapes";
import { SUPPRESS_ANNOTATION, suppressionOf } from "./suppression";

/**
 * The lint layer's own codes: YAML that does not parse, a failing build, a moved policy, a file
 * that is not text, a field of the wrong type, a suppression annotation it cannot use.
 */
export const YAML_SYNTAX = catalogue.YAML001;
export const YAML_BUILD = catalogue.YAML002;
export const YAML_MOVED = catalogue.YAML003;
export const YAML_ENCODING = catalogue.YAML004;
export const YAML_FIELD_TYPE = catalogue.YAML005;
export const YAML_SUPPRESSION = catalogue.YAML006;

/**
 * The codes about files rather than objects: what could not be read or built. A config may not
 * lower or disable them (nothing unread passes as clean), and no annotation can suppress them.
 */
export const INPUT_CODES: readonly string[] = [
    YAML_SYNTAX.code,
    YAML_BUILD.code,
    YAML_ENCODING.code,
];

/** The lint layer's codes a config may set the level of or disable, as it may the pack's rules. */
export const LINT_RULES: readonly CatalogueEntry[] = [
    YAML_MOVED,
    YAML_FIELD_TYPE,
    YAML_SUPPRESSION,
];

type Levels = Readonly<Record<string, RuleLevel | "disabled">>;

function disabled(entry: CatalogueEntry, levels: Levels | undefined): boolean {
    return levels?.[entry.name] === "disabled";
}

/** The fields of built-in objects whose type the API server refuses, one finding each. */
function fieldTypeFindings(
    input: YamlInput,
    objects: readonly KubeObject[],
    cluster: string | null,
    levels?: Levels,
) {
    if (disabled(YAML_FIELD_TYPE, levels)) {
        return [];
    }
    return objects.flatMap((object) =>
        wrongFields(object).map((wrong) => {
            const field = fieldText(wrong.path);
            const found = finding(YAML_FIELD_TYPE, object, "type", {
                object: describeSubject(object),
                field,
                actual: wrong.actual,
                wanted: wrong.wanted,
            });
            const { file, line } = object.source;
            const fieldLine =
                file !== undefined && line !== undefined
                    ? input.fieldLine?.(file, line, wrong.path)
                    : undefined;
            const result = ruleFinding(found, YAML_FIELD_TYPE, cluster, levels);
            return fieldLine === undefined ? result : withLine(result, fieldLine);
        }),
    );
}

/** Kinds whose namespace decides what they guard: Istio's policies and NetworkPolicies. */
function isNamespacedPolicy(object: KubeObject): boolean {
    const group = object.apiVersion.split("/")[0];
    return (
        /\.istio\.io$/.test(group) ||
        (group === "networking.k8s.io" && object.kind === "NetworkPolicy") ||
        (group === "cilium.io" && object.kind === "CiliumNetworkPolicy")
    );
}

/** The policies a build moved out of the namespace written in their file. */
function movedPolicies(
    objects: readonly KubeObject[],
    cluster: string | null,
    levels?: Levels,
): LintFinding[] {
    if (disabled(YAML_MOVED, levels)) {
        return [];
    }
    return objects
        .filter((object) => {
            const written = object.source.writtenNamespace;
            return (
                written !== undefined &&
                isNamespacedPolicy(object) &&
                written !== object.metadata.namespace
            );
        })
        .map((object) => {
            const chain = object.source.chain ?? [];
            // The chain is the cluster, the Flux Kustomizations, then the path built.
            const applier = chain.slice(1, -1).pop();
            const build = applier
                ? `Flux Kustomization ${applier}`
                : `the kustomization at ${chain[chain.length - 1] ?? cluster}`;
            const moved = finding(YAML_MOVED, object, "moved", {
                object: `${object.kind} ${object.metadata.name}`,
                written: object.source.writtenNamespace!,
                build,
                namespace: object.metadata.namespace ?? "",
            });
            return ruleFinding(moved, YAML_MOVED, cluster, levels);
        });
}

/** Suppression annotations that suppress nothing: without a code or a reason, or a code unknown. */
function suppressionProblems(
    objects: readonly KubeObject[],
    cluster: string | null,
    levels?: Levels,
): LintFinding[] {
    if (disabled(YAML_SUPPRESSION, levels)) {
        return [];
    }
    return objects.flatMap((object) => {
        const suppression = suppressionOf(object, isCode);
        if (suppression === undefined || !("problem" in suppression)) {
            return [];
        }
        const args = { object: describeSubject(object), annotation: SUPPRESS_ANNOTATION };
        const found =
            suppression.problem === "code"
                ? finding(YAML_SUPPRESSION, object, "code", {
                      ...args,
                      codes: suppression.unknown.join(", "),
                  })
                : suppression.problem === "reason"
                  ? finding(YAML_SUPPRESSION, object, "reason", {
                        ...args,
                        codes: suppression.codes.join(","),
                    })
                  : finding(YAML_SUPPRESSION, object, "codes", args);
        return [ruleFinding(found, YAML_SUPPRESSION, cluster, levels)];
    });
}

function isCode(code: string): boolean {
    return Object.hasOwn(catalogue, code);
}

/** The object each finding is about, for its suppression annotation. */
const subjects = new WeakMap<LintFinding, Subject>();

function withLine(found: LintFinding, line: number): LintFinding {
    const moved = { ...found, line };
    const subject = subjects.get(found);
    if (subject) {
        subjects.set(moved, subject);
    }
    return moved;
}

/** The reason an annotation on the finding's object gives for suppressing it, if any. */
function suppressedBecause(found: LintFinding): string | undefined {
    const subject = subjects.get(found);
    if (subject?.category !== "kubernetes" || INPUT_CODES.includes(found.code)) {
        return undefined;
    }
    const suppression = suppressionOf(subject, isCode);
    return suppression && "reason" in suppression && suppression.codes.includes(found.code)
        ? suppression.reason
        : undefined;
}

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
    /** The cluster whose build applies the object; null when the input is read file by file. */
    readonly cluster: string | null;
    /** The Flux Kustomizations and the path that built the object, after the cluster. */
    readonly chain: string[];
    readonly message: string;
    /** How to fix it: the rule's description. */
    readonly fix: string;
}

/** A finding an annotation on its object suppresses, with the reason the annotation gives. */
export interface SuppressedFinding extends LintFinding {
    readonly reason: string;
}

export interface LintResult {
    /** The findings that count: what decides the exit code. */
    readonly findings: LintFinding[];
    /** Findings suppressed by their object's annotation: listed, not counted against the input. */
    readonly suppressed: SuppressedFinding[];
    /** Rules that judged nothing in this input, with why. */
    readonly notApplicable: { code: string; policy: string; reason: string }[];
    /** Codes of the rules that need what plain YAML lacks (Helm values, dependency edges). */
    readonly unavailable: string[];
    /** Files read, in input order. */
    readonly files: string[];
    /** Kubernetes objects checked, over every cluster. */
    readonly objects: number;
    /** The clusters built; empty when the input is read file by file. */
    readonly clusters: string[];
    /** Manifest files no root reaches: not applied, so not judged. */
    readonly unreached: string[];
    /** Remote resources the builds name, which an offline read cannot fetch. */
    readonly remote: string[];
    /** Files that are not manifests: Helm charts, Go templates, SOPS-encrypted files. */
    readonly notManifests: { chart: number; template: number; encrypted: number };
    /** Paths the config's ignore globs left out, unread. */
    readonly ignored: readonly string[];
}

export interface LintOptions {
    /** Defaults to every rule of the pack. */
    readonly rules?: readonly Rule[];
    /** Per rule name, settings over the rule's defaults (as the pack's config takes them). */
    readonly config?: Readonly<Record<string, Record<string, unknown>>>;
    /** Per rule name, the level its findings get instead of the catalogue's; disabled rules do not run. */
    readonly levels?: Readonly<Record<string, RuleLevel | "disabled">>;
    /** How much is read (the size limit of a file). */
    readonly limits?: ReadLimits;
    /** The standard input's bytes, which the path `-` names. */
    readonly stdin?: Buffer;
    /** Paths (as shown) to leave out of the input: a named path, a directory, a file. */
    readonly ignore?: (display: string) => boolean;
}

/**
 * Lints the YAML below the paths (`-` is the standard input, whose bytes `options.stdin` holds).
 * Throws UnusableInputError for an unreadable path, a FIFO or device, or a file above the size
 * limit.
 */
export function lintPaths(paths: readonly string[], options: LintOptions = {}): LintResult {
    const { stdin, ignore } = options;
    return lintInput(readYamlInput(paths, options.limits, { stdin, ignore }), options);
}

/** Runs the rules over an input already read: each cluster on its own. */
export function lintInput(input: YamlInput, options: LintOptions = {}): LintResult {
    const rules = (options.rules ?? packRules).filter(
        (rule) => options.levels?.[rule.name] !== "disabled",
    );
    const byCode = new Map(rules.map((rule) => [rule.code, rule]));
    const findings = input.problems.map(problemFinding);
    // A rule that judged nothing in any cluster did not apply; its reason is the first cluster's.
    const skipped = new Map<string, string>();
    const judged = new Set<string>();
    for (const cluster of input.clusters) {
        const evaluation = evaluate(cluster.inventory, rules, options.config);
        findings.push(
            ...evaluation.findings.map((finding) =>
                ruleFinding(
                    finding,
                    byCode.get(finding.code)?.entry,
                    cluster.label,
                    options.levels,
                ),
            ),
            ...movedPolicies(cluster.inventory.objects, cluster.label, options.levels),
            ...fieldTypeFindings(input, cluster.inventory.objects, cluster.label, options.levels),
            ...suppressionProblems(cluster.inventory.objects, cluster.label, options.levels),
        );
        const notApplicable = new Set(evaluation.notApplicable.map(({ code }) => code));
        for (const { code, reason } of evaluation.notApplicable) {
            if (!skipped.has(code)) {
                skipped.set(code, reason);
            }
        }
        rules.filter((rule) => !notApplicable.has(rule.code)).forEach((r) => judged.add(r.code));
    }
    const clusters = input.clusters.map((cluster) => cluster.inventory);
    const counted: LintFinding[] = [];
    const suppressed: SuppressedFinding[] = [];
    for (const found of sortByFile(findings, input.files)) {
        const reason = suppressedBecause(found);
        if (reason === undefined) {
            counted.push(found);
        } else {
            suppressed.push({ ...found, reason });
        }
    }
    return {
        findings: counted,
        suppressed,
        notApplicable: [...skipped]
            .filter(([code]) => !judged.has(code))
            .map(([code, reason]) => ({ code, policy: byCode.get(code)?.name ?? code, reason })),
        unavailable: rules
            .filter((rule) => clusters.every((inventory) => missingCapability(rule, inventory)))
            .map((rule) => rule.code),
        files: input.files,
        objects: clusters.reduce((sum, inventory) => sum + inventory.objects.length, 0),
        clusters: input.clusters.flatMap((cluster) => (cluster.label ? [cluster.label] : [])),
        unreached: input.unreached,
        remote: input.remote,
        notManifests: {
            chart: input.notManifests.chart.length,
            template: input.notManifests.template.length,
            encrypted: input.notManifests.encrypted.length,
        },
        ignored: input.ignored ?? [],
    };
}

function problemFinding(problem: InputProblem): LintFinding {
    const entry = problem.encoding ? YAML_ENCODING : problem.syntax ? YAML_SYNTAX : YAML_BUILD;
    const message = problem.encoding
        ? renderTemplate(YAML_ENCODING.messages.encoding, {
              file: problem.file,
              problem: problem.message,
          })
        : problem.syntax
          ? renderTemplate(YAML_SYNTAX.messages.syntax, {
                file: problem.file,
                error: problem.message,
            })
          : renderTemplate(YAML_BUILD.messages.build, {
                file: problem.file,
                problem: problem.message,
            });
    return {
        code: entry.code,
        policy: entry.name,
        level: entry.level,
        kind: null,
        namespace: null,
        name: null,
        file: problem.file,
        line: problem.line,
        cluster: problem.cluster,
        chain: [],
        message,
        fix: entry.description,
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

function levelOf(level: RuleLevel | "disabled" | undefined): RuleLevel | undefined {
    return level === "disabled" ? undefined : level;
}

/** A finding on an object, with its catalogue entry's name, level and fix. */
function ruleFinding(
    finding: Finding,
    entry: CatalogueEntry | undefined,
    cluster: string | null,
    levels: Levels = {},
): LintFinding {
    // A rule may report on the input as a whole (no object: no file either).
    const subject = finding.object as Subject | undefined;
    const chain = subject?.source.chain ?? [];
    const result: LintFinding = {
        code: finding.code,
        policy: entry?.name ?? finding.code,
        level: (entry && levelOf(levels[entry.name])) ?? entry?.level ?? "mandatory",
        ...identify(subject),
        file: subject?.source.file ?? null,
        line: subject?.source.line ?? null,
        cluster,
        // The chain starts with the cluster, which has its own field.
        chain: chain[0] === cluster ? chain.slice(1) : [...chain],
        message: finding.message,
        fix: entry?.description ?? "",
    };
    if (subject) {
        subjects.set(result, subject);
    }
    return result;
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
                compare(a.finding.cluster ?? "", b.finding.cluster ?? "") ||
                a.index - b.index,
        )
        .map(({ finding }) => finding);
}

function compare(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** A finding's `--json` fields: exactly the fields the issue names, in that order. */
function documentFinding(f: LintFinding) {
    return {
        code: f.code,
        policy: f.policy,
        level: f.level,
        kind: f.kind,
        namespace: f.namespace,
        name: f.name,
        file: f.file,
        line: f.line,
        cluster: f.cluster,
        chain: f.chain,
        message: f.message,
    };
}

/** The `--json` document: the findings, then the suppressed findings with their reasons. */
export function lintDocument(result: LintResult) {
    return {
        findings: result.findings.map(documentFinding),
        suppressed: result.suppressed.map((f) => ({ ...documentFinding(f), reason: f.reason })),
    };
}

/** `Kind namespace/name`, as findings name objects; null for a finding on a file. */
export function objectOf(finding: LintFinding): string | null {
    if (finding.kind === null) {
        return null;
    }
    const name = finding.namespace ? `${finding.namespace}/${finding.name}` : finding.name;
    return `${finding.kind} ${name}`;
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
        if (finding.cluster !== null) {
            lines.push(`    in ${[finding.cluster, ...finding.chain].join(" › ")}`);
        }
        lines.push(`    ${finding.message}`);
        lines.push(`    fix: ${finding.fix}`);
    }
    if (lines.length > 0) {
        lines.push("");
    }
    if (result.suppressed.length > 0) {
        lines.push(`Suppressed by ${SUPPRESS_ANNOTATION} annotations:`);
        for (const finding of result.suppressed) {
            const where = [
                finding.file ?? "",
                finding.line === null ? "" : ` line ${finding.line}`,
            ];
            lines.push(`  ${where.join("")}: ${finding.code} ${finding.level} ${finding.policy}`);
            lines.push(`    ${objectOf(finding)}: ${finding.reason}`);
        }
        lines.push("");
    }
    lines.push(...summaryLines(result));
    return lines.join("\n");
}

/** The summary after the findings: counts, clusters, and what was not checked and why. */
export function summaryLines(result: LintResult): string[] {
    const lines: string[] = [];
    const mandatory = result.findings.filter((f) => f.level === "mandatory").length;
    const withFindings = new Set(result.findings.map((f) => f.file)).size;
    const suppressed =
        result.suppressed.length > 0 ? `, ${result.suppressed.length} suppressed` : "";
    lines.push(
        result.findings.length === 0
            ? `No findings${suppressed}: ${plural(result.objects, "object")} in ${plural(result.files.length, "file")} checked.`
            : `${plural(result.findings.length, "finding")} (${mandatory} mandatory, ${result.findings.length - mandatory} advisory) in ${plural(withFindings, "file")}${suppressed}; ${plural(result.objects, "object")} in ${plural(result.files.length, "file")} checked.`,
    );
    if (result.ignored.length > 0) {
        lines.push(
            `Left out by the config's ignore globs, unread: ${plural(result.ignored.length, "path")} (${result.ignored.join(", ")}).`,
        );
    }
    if (result.clusters.length > 0) {
        lines.push(`Clusters built: ${result.clusters.join(", ")}.`);
    }
    if (result.unreached.length > 0) {
        lines.push(
            `Not applied by any cluster, so not checked: ${plural(result.unreached.length, "file")} (${result.unreached.join(", ")}).`,
        );
    }
    if (result.remote.length > 0) {
        lines.push(`Remote resources not read (Flux fetches them): ${result.remote.join(", ")}.`);
    }
    const { chart, template, encrypted } = result.notManifests;
    const kinds = [
        chart > 0 && plural(chart, "Helm chart file"),
        template > 0 && plural(template, "Go template"),
        encrypted > 0 && plural(encrypted, "SOPS-encrypted file"),
    ].filter((kind): kind is string => typeof kind === "string");
    if (kinds.length > 0) {
        lines.push(`Not manifests, so not checked: ${kinds.join(", ")}.`);
    }
    const skipped = result.notApplicable.filter((n) => result.unavailable.includes(n.code));
    if (skipped.length > 0) {
        lines.push(
            `Not applicable to plain YAML: ${skipped.map((n) => `${n.code} ${n.policy} (${n.reason})`).join("; ")}.`,
        );
    }
    return lines;
}
