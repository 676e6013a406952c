// Rules on Telemetry resources, after istioctl's telemetry analyzers (pkg/config/analysis/analyzers/
// telemetry: providers.go, selector.go, default_selector.go, lightstep.go) and Istio's validation
// (pkg/config/validation/validation.go ValidateTelemetry). Where istiod's runtime reads a
// Telemetry otherwise than the analyzer assumes (pilot/pkg/model/telemetry.go), the rules follow
// istiod and say so where they do.
import {
    describeSubject,
    Finding,
    finding,
    HelmRelease,
    inventoryRule,
    isRecord,
    KubeObject,
    Labels,
    MeshIndex,
    namespaceOf,
    stringMap,
    Subject,
    subjectRule,
    valueAt,
    Workload,
} from "../core";
import { catalogue } from "../catalogue";
import { isObjectOf, listText } from "./common";

const TELEMETRY_GROUP = "telemetry.istio.io";
const TELEMETRY_INPUT = `${TELEMETRY_GROUP}/Telemetry`;
const ISTIOD_INPUT = "helm/istio:istiod";

function telemetriesOf(index: MeshIndex): KubeObject[] {
    return index.ofKind("Telemetry", [TELEMETRY_GROUP]);
}

function specOf(object: KubeObject): Record<string, unknown> {
    const spec: unknown = object.body.spec;
    return isRecord(spec) ? spec : {};
}

function listOf(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

/** The selector's labels; empty when there is no selector or it lists none. */
function matchLabelsOf(spec: Record<string, unknown>): Labels {
    return stringMap(isRecord(spec.selector) ? spec.selector.matchLabels : undefined);
}

/**
 * The targetRefs, or the legacy targetRef when there are none, as istiod reads them
 * (pilot/pkg/model/policyattachment.go GetTargetRefs).
 */
function targetRefsOf(spec: Record<string, unknown>): unknown[] {
    const refs = listOf(spec.targetRefs);
    return refs.length > 0 ? refs : spec.targetRef != null ? [spec.targetRef] : [];
}

/** `a, b and c` of Telemetries, sorted by name as istioctl lists them. */
function namesText(telemetries: readonly KubeObject[]): string {
    return listText(telemetries.map((t) => t.metadata.name ?? "").sort());
}

const PMX044 = catalogue.PMX044;
export const requireAccessLogProviders = inventoryRule<Record<string, never>, KubeObject>({
    entry: PMX044,
    config: {},
    // istiod's values are read when the input has them; without them istioctl's default
    // MeshConfig applies, which names no default access log provider.
    inputs: { kinds: [TELEMETRY_INPUT, ISTIOD_INPUT] },
    judges: { what: "Telemetry resource", select: telemetriesOf },
    check(telemetries, index) {
        // telemetry/providers.go runs only when meshConfig.defaultProviders.accessLogging is
        // empty: an entry without providers then inherits nothing (pilot/pkg/model/telemetry.go
        // mergeLogs), so istiod ignores it.
        const defaults = index
            .releasesOf("istio:istiod")
            .some(
                (release) =>
                    listOf(valueAt(release.values, "meshConfig.defaultProviders.accessLogging"))
                        .length > 0,
            );
        if (defaults) {
            return [];
        }
        return telemetries.flatMap((telemetry) => {
            const entries = listOf(specOf(telemetry).accessLogging).flatMap((entry, i) =>
                isRecord(entry) &&
                entry.disabled !== true &&
                (entry.providers == null ||
                    (Array.isArray(entry.providers) && entry.providers.length === 0))
                    ? [`spec.accessLogging[${i}]`]
                    : [],
            );
            return entries.length === 0
                ? []
                : [
                      finding(PMX044, telemetry, "providers", {
                          telemetry: describeSubject(telemetry),
                          entries: listText(entries),
                      }),
                  ];
        });
    },
});

interface Selecting {
    readonly telemetry: KubeObject;
    readonly namespace: string;
    readonly selector: Labels;
}

/**
 * Telemetries that select workloads by labels. istioctl (telemetry/selector.go) ignores
 * targetRefs; istiod ignores the selector of a Telemetry with targetRefs (policyattachment.go
 * ShouldAttachPolicy), so such a Telemetry selects no workload and is left out.
 */
function selectingTelemetries(index: MeshIndex): Selecting[] {
    return telemetriesOf(index).flatMap((telemetry) => {
        const spec = specOf(telemetry);
        const selector = matchLabelsOf(spec);
        return Object.keys(selector).length === 0 || targetRefsOf(spec).length > 0
            ? []
            : [{ telemetry, namespace: namespaceOf(telemetry), selector }];
    });
}

const PMX045 = catalogue.PMX045;
export const disallowConflictingSelectors = inventoryRule<Record<string, never>, Selecting>({
    entry: PMX045,
    config: {},
    inputs: { kinds: [TELEMETRY_INPUT], workloads: true },
    judges: { what: "Telemetry with a workload selector", select: selectingTelemetries },
    check(judged, index) {
        // Every pod template of the Telemetry's namespace its labels match, in or out of the
        // mesh, as istioctl matches every Pod.
        const selectedBy = new Map<Workload, Selecting[]>();
        for (const item of judged) {
            for (const workload of index.workloadsMatching(item.namespace, item.selector)) {
                selectedBy.set(workload, [...(selectedBy.get(workload) ?? []), item]);
            }
        }
        const findings: Finding[] = [];
        for (const workload of index.workloads()) {
            const selecting = selectedBy.get(workload) ?? [];
            if (selecting.length < 2) {
                continue;
            }
            const sorted = [...selecting].sort((a, b) =>
                (a.telemetry.metadata.name ?? "").localeCompare(b.telemetry.metadata.name ?? ""),
            );
            for (const item of sorted) {
                findings.push(
                    finding(PMX045, item.telemetry, "conflict", {
                        telemetry: describeSubject(item.telemetry),
                        others: listText(
                            sorted
                                .filter((other) => other !== item)
                                .map((other) => describeSubject(other.telemetry)),
                        ),
                        workload: describeSubject(workload.object),
                    }),
                );
            }
        }
        return findings;
    },
});

/**
 * Whether istiod applies the Telemetry namespace-wide: it has no selector labels and no
 * targetRefs (pilot/pkg/model/telemetry.go namespaceWideTelemetryConfig). istioctl's
 * telemetry/default_selector.go counts only `spec.selector == nil`, so it also counts
 * Telemetries bound with targetRefs, which istiod attaches to their targets alone, and misses
 * `selector: {}`, which istiod applies namespace-wide; this rule follows istiod.
 */
function isNamespaceWide(telemetry: KubeObject): boolean {
    const spec = specOf(telemetry);
    return Object.keys(matchLabelsOf(spec)).length === 0 && targetRefsOf(spec).length === 0;
}

const PMX046 = catalogue.PMX046;
export const disallowMultipleNamespaceWide = inventoryRule<Record<string, never>, KubeObject>({
    entry: PMX046,
    config: {},
    inputs: { kinds: [TELEMETRY_INPUT] },
    judges: {
        what: "Telemetry without a workload selector or targetRefs",
        select: (index) => telemetriesOf(index).filter(isNamespaceWide),
    },
    check(telemetries) {
        const byNamespace = new Map<string, KubeObject[]>();
        for (const telemetry of telemetries) {
            const namespace = namespaceOf(telemetry);
            byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), telemetry]);
        }
        return [...byNamespace].flatMap(([namespace, group]) =>
            group.length < 2
                ? []
                : group.map((telemetry) =>
                      finding(PMX046, telemetry, "namespaceWide", {
                          telemetry: describeSubject(telemetry),
                          telemetries: namesText(group),
                          namespace,
                      }),
                  ),
        );
    },
});

/** Lightstep providers istiod's values define, by lower-case name, with the release. */
function lightstepProviders(releases: readonly HelmRelease[]): Map<string, HelmRelease> {
    const providers = new Map<string, HelmRelease>();
    for (const release of releases) {
        for (const provider of listOf(valueAt(release.values, "meshConfig.extensionProviders"))) {
            if (
                isRecord(provider) &&
                typeof provider.name === "string" &&
                isRecord(provider.lightstep)
            ) {
                providers.set(provider.name.toLowerCase(), release);
            }
        }
    }
    return providers;
}

const PMX047 = catalogue.PMX047;
export const disallowLightstep = inventoryRule<Record<string, never>, KubeObject>({
    entry: PMX047,
    config: {},
    inputs: { kinds: [TELEMETRY_INPUT, ISTIOD_INPUT], helmValues: true },
    judges: {
        what: "Telemetry resource beside an istiod release",
        select: (index) =>
            index.releasesOf("istio:istiod").length > 0 ? telemetriesOf(index) : [],
    },
    check(telemetries, index) {
        const lightstep = lightstepProviders(index.releasesOf("istio:istiod"));
        if (lightstep.size === 0) {
            return [];
        }
        return telemetries.flatMap((telemetry) => {
            const named = new Map<string, HelmRelease>();
            for (const tracing of listOf(specOf(telemetry).tracing)) {
                for (const provider of listOf(isRecord(tracing) ? tracing.providers : [])) {
                    const name = isRecord(provider) ? provider.name : undefined;
                    // istiod looks providers up ignoring case (telemetry.go fetchProvider).
                    const release =
                        typeof name === "string" ? lightstep.get(name.toLowerCase()) : undefined;
                    if (typeof name === "string" && release && !named.has(name)) {
                        named.set(name, release);
                    }
                }
            }
            return [...named].map(([provider, release]) =>
                finding(PMX047, telemetry, "lightstep", {
                    telemetry: describeSubject(telemetry),
                    provider,
                    release: describeSubject(release),
                }),
            );
        });
    },
});

/** One thing Istio's validation says of a Telemetry. */
interface Problem {
    readonly level: "error" | "warning";
    /** Where, as a path into the object (`spec.tracing[0].randomSamplingPercentage`). */
    readonly field: string;
    /** Istio's own text. */
    readonly text: string;
    /** How to fix it, completing the message. */
    readonly fix: string;
}

const error = (field: string, text: string, fix: string): Problem => ({
    level: "error",
    field,
    text,
    fix,
});
const warning = (field: string, text: string, fix: string): Problem => ({
    level: "warning",
    field,
    text,
    fix,
});

/** The kinds a targetRef may name, as Istio lists them in its error (validation.go). */
const ALLOWED_TARGETS: readonly (readonly [string, string, string])[] = [
    ["core", "v1", "Service"],
    ["networking.istio.io", "v1", "ServiceEntry"],
    ["gateway.networking.k8s.io", "v1", "Gateway"],
    ["gateway.networking.k8s.io", "v1", "GatewayClass"],
];
const ALLOWED_TARGETS_TEXT = `[${ALLOWED_TARGETS.map((t) => t.join("/")).join(" ")}]`;

/** A string field as Go reads it: absent or null is "". */
function text(value: unknown): string {
    return typeof value === "string" ? value : "";
}

/** `base.key`, or `base["key"]` for a key that is not a plain word (an empty one). */
function keyPath(base: string, key: string): string {
    return /^[\w-]+$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

/** validation.go validatePolicyTargetReference. */
function targetRefProblems(ref: unknown, field: string): Problem[] {
    if (!isRecord(ref)) {
        return [];
    }
    const problems: Problem[] = [];
    if (text(ref.name) === "") {
        problems.push(error(field, "targetRef name must be set", "name the target"));
    }
    if (text(ref.namespace) !== "") {
        problems.push(
            error(
                field,
                "targetRef namespace must not be set; cross namespace referencing is not supported",
                "remove the namespace and create the Telemetry in its target's namespace",
            ),
        );
    }
    const group = text(ref.group);
    const kind = text(ref.kind);
    if (!ALLOWED_TARGETS.some(([g, , k]) => k === kind && g === (group === "" ? "core" : group))) {
        problems.push(
            error(
                field,
                `targetRef must be to one of ${ALLOWED_TARGETS_TEXT} but was ${group}/${kind}`,
                "target a Service, a ServiceEntry, a Gateway or a GatewayClass (with its API group)",
            ),
        );
    }
    return problems;
}

/** validation.go validateTelemetryProviders: the first provider without a name. */
function providerProblems(providers: unknown, field: string): Problem[] {
    const unnamed = listOf(providers).some(
        (p) => p === null || (isRecord(p) && text(p.name) === ""),
    );
    return unnamed
        ? [
              error(
                  field,
                  "providers.name may not be empty",
                  "give every provider the name of one istiod defines",
              ),
          ]
        : [];
}

function metricsProblems(metrics: unknown): Problem[] {
    return listOf(metrics).flatMap((entry, i): Problem[] => {
        if (!isRecord(entry)) {
            return [];
        }
        const at = `spec.metrics[${i}]`;
        const problems = providerProblems(entry.providers, `${at}.providers`);
        listOf(entry.overrides).forEach((override, j) => {
            const where = `${at}.overrides[${j}]`;
            if (override === null) {
                problems.push(
                    error(where, "tagOverrides may not be null", "remove the empty override"),
                );
                return;
            }
            if (!isRecord(override)) {
                return;
            }
            const tags = isRecord(override.tagOverrides) ? override.tagOverrides : {};
            for (const [name, tag] of Object.entries(tags)) {
                const tagAt = keyPath(`${where}.tagOverrides`, name);
                if (name === "") {
                    problems.push(
                        warning(tagAt, "tagOverrides.name may not be empty", "name the tag"),
                    );
                }
                if (tag === null) {
                    problems.push(
                        error(
                            tagAt,
                            "tagOverrides may not be null",
                            "give the override an operation and a value, or remove it",
                        ),
                    );
                    continue;
                }
                if (!isRecord(tag)) {
                    continue;
                }
                // UPSERT is the operation's default (the enum's zero).
                const operation = tag.operation ?? "UPSERT";
                if (operation === "UPSERT" && text(tag.value) === "") {
                    problems.push(
                        error(
                            tagAt,
                            "tagOverrides.value must be set when operation is UPSERT",
                            "give the CEL expression of the tag's value, or use operation REMOVE",
                        ),
                    );
                } else if (operation === "REMOVE" && text(tag.value) !== "") {
                    problems.push(
                        error(
                            tagAt,
                            "tagOverrides.value may only be set when operation is UPSERT",
                            "remove the value, or use operation UPSERT",
                        ),
                    );
                }
            }
            const match = override.match;
            if (isRecord(match) && "customMetric" in match && text(match.customMetric) === "") {
                problems.push(
                    error(
                        `${where}.match.customMetric`,
                        "customMetric may not be empty",
                        "name the custom metric, or match a standard metric with metric",
                    ),
                );
            }
        });
        return problems;
    });
}

function tracingProblems(tracing: unknown): Problem[] {
    const entries = listOf(tracing);
    const problems: Problem[] = [];
    if (entries.length > 1) {
        problems.push(
            warning(
                "spec.tracing",
                "multiple tracing is not currently supported",
                "merge the entries into one",
            ),
        );
    }
    entries.forEach((entry, i) => {
        if (!isRecord(entry)) {
            return;
        }
        const at = `spec.tracing[${i}]`;
        if (listOf(entry.providers).length > 1) {
            problems.push(
                warning(
                    `${at}.providers`,
                    "multiple providers is not currently supported",
                    "name one provider",
                ),
            );
        }
        problems.push(...providerProblems(entry.providers, `${at}.providers`));
        const percentage = entry.randomSamplingPercentage;
        if (typeof percentage === "number" && (percentage < 0 || percentage > 100)) {
            problems.push(
                error(
                    `${at}.randomSamplingPercentage`,
                    "randomSamplingPercentage must be in range [0.0, 100.0]",
                    "give a percentage from 0 to 100",
                ),
            );
        }
        const tags = isRecord(entry.customTags) ? entry.customTags : {};
        for (const [name, tag] of Object.entries(tags)) {
            const tagAt = keyPath(`${at}.customTags`, name);
            if (name === "") {
                problems.push(error(tagAt, "tag name may not be empty", "name the tag"));
            }
            if (tag === null) {
                problems.push(
                    error(
                        tagAt,
                        `tag '${name}' may not have a nil value`,
                        "give the tag a literal, environment or header value, or remove it",
                    ),
                );
                continue;
            }
            if (!isRecord(tag)) {
                continue;
            }
            // The first of the oneof's fields that is set, as protobuf decodes it.
            if (isRecord(tag.literal) || tag.literal === null) {
                if (text(isRecord(tag.literal) ? tag.literal.value : undefined) === "") {
                    problems.push(
                        error(
                            tagAt,
                            "literal tag value may not be empty",
                            "give the literal a value",
                        ),
                    );
                }
            } else if (isRecord(tag.header)) {
                if (text(tag.header.name) === "") {
                    problems.push(
                        error(tagAt, "header tag name may not be empty", "name the request header"),
                    );
                }
            } else if (isRecord(tag.environment)) {
                if (text(tag.environment.name) === "") {
                    problems.push(
                        error(
                            tagAt,
                            "environment tag name may not be empty",
                            "name the environment variable",
                        ),
                    );
                }
            }
        }
    });
    return problems;
}

function accessLoggingProblems(logging: unknown): Problem[] {
    return listOf(logging).flatMap((entry, i): Problem[] => {
        if (!isRecord(entry)) {
            return [];
        }
        const at = `spec.accessLogging[${i}]`;
        const problems: Problem[] = [];
        if (isRecord(entry.filter)) {
            const expression = entry.filter.expression ?? "";
            const issue = typeof expression === "string" ? celSyntaxIssue(expression) : undefined;
            if (issue) {
                problems.push(
                    error(
                        `${at}.filter.expression`,
                        `must be a valid CEL expression, ${issue}`,
                        "write a CEL expression that parses, such as response.code >= 400",
                    ),
                );
            }
        }
        problems.push(...providerProblems(entry.providers, `${at}.providers`));
        return problems;
    });
}

/** What Istio's validation says of a Telemetry's spec, in its order (validation.go). */
export function telemetryProblems(spec: Record<string, unknown>): Problem[] {
    const problems: Problem[] = [];
    const selector = spec.selector;
    const set =
        (selector != null ? 1 : 0) +
        (spec.targetRef != null ? 1 : 0) +
        (listOf(spec.targetRefs).length > 0 ? 1 : 0);
    if (set > 1) {
        problems.push(
            error(
                "spec",
                "only one of targetRefs or workloadSelector can be set",
                "keep either the selector or the targetRef(s)",
            ),
        );
    }
    if (isRecord(selector)) {
        const labels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
        for (const [key, value] of Object.entries(labels)) {
            const pair = JSON.stringify(`${key}=${typeof value === "string" ? value : ""}`);
            if (key === "") {
                problems.push(
                    error(
                        "spec.selector.matchLabels",
                        `empty key is not supported in selector: ${pair}`,
                        "name the label's key",
                    ),
                );
            }
            if (key.includes("*") || (typeof value === "string" && value.includes("*"))) {
                problems.push(
                    error(
                        "spec.selector.matchLabels",
                        `wildcard is not supported in selector: ${pair}`,
                        "name the workload's exact labels",
                    ),
                );
            }
        }
        if (Object.keys(labels).length === 0) {
            problems.push(
                warning(
                    "spec.selector",
                    "workload selector specified without labels",
                    "remove the selector to make the Telemetry namespace-wide, or list the workload's labels",
                ),
            );
        }
    }
    problems.push(...targetRefProblems(spec.targetRef, "spec.targetRef"));
    listOf(spec.targetRefs).forEach((ref, i) =>
        problems.push(...targetRefProblems(ref, `spec.targetRefs[${i}]`)),
    );
    problems.push(...metricsProblems(spec.metrics));
    problems.push(...tracingProblems(spec.tracing));
    problems.push(...accessLoggingProblems(spec.accessLogging));
    return problems;
}

function isTelemetry(subject: Subject): subject is KubeObject {
    return isObjectOf(subject, TELEMETRY_GROUP, "Telemetry");
}

/** Telemetry findings of one validation level, as the template of a rule. */
function validationFindings(
    telemetry: KubeObject,
    level: "error" | "warning",
    make: (args: { telemetry: string; field: string; text: string; fix: string }) => Finding,
): Finding[] {
    return telemetryProblems(specOf(telemetry))
        .filter((p) => p.level === level)
        .map((p) =>
            make({
                telemetry: describeSubject(telemetry),
                field: p.field,
                text: p.text,
                fix: p.fix,
            }),
        );
}

const PMX048 = catalogue.PMX048;
export const requireValidTelemetry = subjectRule({
    entry: PMX048,
    config: {},
    inputs: { kinds: [TELEMETRY_INPUT] },
    judges: { what: "Telemetry resource", test: isTelemetry },
    check: (subject) =>
        validationFindings(subject as KubeObject, "error", ({ text, ...args }) =>
            finding(PMX048, subject, "invalid", { ...args, error: text }),
        ),
});

const PMX049 = catalogue.PMX049;
export const adviseTelemetryWarnings = subjectRule({
    entry: PMX049,
    config: {},
    inputs: { kinds: [TELEMETRY_INPUT] },
    judges: { what: "Telemetry resource", test: isTelemetry },
    check: (subject) =>
        validationFindings(subject as KubeObject, "warning", ({ text, ...args }) =>
            finding(PMX049, subject, "warning", { ...args, warning: text }),
        ),
});

export const telemetryRules = [
    requireAccessLogProviders,
    disallowConflictingSelectors,
    disallowMultipleNamespaceWide,
    disallowLightstep,
    requireValidTelemetry,
    adviseTelemetryWarnings,
];

// A syntax check of CEL expressions, as istiod's cel.NewEnv().Parse does it for access log
// filters (pkg/config/validation/validation_istiod.go validateTelemetryFilter): the grammar of
// cel-go's parser/gen/CEL.g4, the literal and identifier checks of parser/parser.go, and the
// argument checks of the standard macros (parser/macro.go). Without the optional-types library,
// `.?`, `[?` and `?` entries are errors. Limits on size and depth are not checked.

type TokenKind =
    "punct" | "keyword" | "ident" | "escaped" | "int" | "uint" | "float" | "string" | "end";

interface Token {
    readonly kind: TokenKind;
    readonly text: string;
    /** 1-based column. */
    readonly column: number;
}

class CelError extends Error {}

const PUNCTUATION = ["==", "!=", "<=", ">=", "&&", "||", ..."<>[]{}().,-!?:+*/%".split("")];
const KEYWORDS = new Set(["in", "true", "false", "null"]);
const RESERVED = new Set(
    "as break const continue else for function if import let loop package namespace return var void while".split(
        " ",
    ),
);
const SIMPLE_ESCAPES = "abfnrtv\"'\\?`";

function isDigit(c: string | undefined): boolean {
    return c !== undefined && c >= "0" && c <= "9";
}
function isHex(c: string | undefined): boolean {
    return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}
function isIdentStart(c: string | undefined): boolean {
    return c !== undefined && /^[A-Za-z_]$/.test(c);
}

/** The length of a string or bytes literal at `start` (after any prefix), or an error. */
function quotedLength(source: string, start: number, raw: boolean, bytes: boolean): number {
    const quote = source[start];
    const triple = source.startsWith(quote.repeat(3), start);
    const close = triple ? quote.repeat(3) : quote;
    let i = start + close.length;
    while (i < source.length) {
        if (source.startsWith(close, i)) {
            return i + close.length - start;
        }
        const c = source[i];
        if (!triple && (c === "\n" || c === "\r")) {
            break;
        }
        if (c === "\\" && !raw) {
            i += escapeLength(source, i, bytes);
            continue;
        }
        i++;
    }
    throw new CelError(`unterminated string at column ${start + 1}`);
}

/** The length of the escape sequence at `i`, or an error. */
function escapeLength(source: string, i: number, bytes: boolean): number {
    const c = source[i + 1];
    const hexRun = (from: number, count: number) =>
        [...Array(count).keys()].every((k) => isHex(source[from + k]));
    if (c !== undefined && SIMPLE_ESCAPES.includes(c)) {
        return 2;
    }
    if (c !== undefined && c >= "0" && c <= "3" && /^[0-7]{2}$/.test(source.slice(i + 2, i + 4))) {
        return 4;
    }
    if ((c === "x" || c === "X") && hexRun(i + 2, 2)) {
        return 4;
    }
    const digits = c === "u" ? 4 : c === "U" ? 8 : 0;
    if (digits > 0 && hexRun(i + 2, digits)) {
        const point = parseInt(source.slice(i + 2, i + 2 + digits), 16);
        if (bytes) {
            throw new CelError(`unable to unescape string at column ${i + 1}`);
        }
        if (point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) {
            throw new CelError(`invalid unicode code point at column ${i + 1}`);
        }
        return 2 + digits;
    }
    throw new CelError(`invalid escape sequence at column ${i + 1}`);
}

/** The length of a number at `i` and its kind (CEL.g4 NUM_FLOAT, NUM_INT, NUM_UINT). */
function numberAt(source: string, i: number): [number, TokenKind] {
    let j = i;
    const digits = () => {
        while (isDigit(source[j])) {
            j++;
        }
    };
    const exponent = () => {
        const sign = source[j + 1] === "+" || source[j + 1] === "-" ? 1 : 0;
        if ((source[j] === "e" || source[j] === "E") && isDigit(source[j + 1 + sign])) {
            j += 1 + sign;
            digits();
            return true;
        }
        return false;
    };
    if (
        source[j] === "0" &&
        (source[j + 1] === "x" || source[j + 1] === "X") &&
        isHex(source[j + 2])
    ) {
        j += 2;
        while (isHex(source[j])) {
            j++;
        }
    } else if (source[j] === ".") {
        j++;
        digits();
        exponent();
        return [j - i, "float"];
    } else {
        digits();
        if (source[j] === "." && isDigit(source[j + 1])) {
            j++;
            digits();
            exponent();
            return [j - i, "float"];
        }
        if (exponent()) {
            return [j - i, "float"];
        }
    }
    if (source[j] === "u" || source[j] === "U") {
        return [j + 1 - i, "uint"];
    }
    return [j - i, "int"];
}

function celTokens(source: string): Token[] {
    const tokens: Token[] = [];
    let i = 0;
    const push = (kind: TokenKind, length: number) => {
        tokens.push({ kind, text: source.slice(i, i + length), column: i + 1 });
        i += length;
    };
    while (i < source.length) {
        const c = source[i];
        if (" \t\r\n\f".includes(c)) {
            i++;
        } else if (source.startsWith("//", i)) {
            const end = source.indexOf("\n", i);
            i = end < 0 ? source.length : end;
        } else if (isDigit(c) || (c === "." && isDigit(source[i + 1]))) {
            const [length, kind] = numberAt(source, i);
            push(kind, length);
        } else if (/^([bB]?[rR]?)["']/.test(source.slice(i, i + 3))) {
            const prefix = /^[bB]?[rR]?/.exec(source.slice(i))![0];
            const bytes = /[bB]/.test(prefix);
            const raw = /[rR]/.test(prefix);
            push("string", prefix.length + quotedLength(source, i + prefix.length, raw, bytes));
        } else if (isIdentStart(c)) {
            const length = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))![0].length;
            push(KEYWORDS.has(source.slice(i, i + length)) ? "keyword" : "ident", length);
        } else if (c === "`") {
            const match = /^`[A-Za-z0-9_.\-/ ]+`/.exec(source.slice(i));
            if (!match) {
                throw new CelError(`invalid escaped identifier at column ${i + 1}`);
            }
            push("escaped", match[0].length);
        } else {
            const punct = PUNCTUATION.find((p) => source.startsWith(p, i));
            if (!punct) {
                throw new CelError(`unexpected character ${JSON.stringify(c)} at column ${i + 1}`);
            }
            push("punct", punct.length);
        }
    }
    tokens.push({ kind: "end", text: "end of input", column: source.length + 1 });
    return tokens;
}

/** What the macro checks need to know of a parsed expression. */
type CelNode =
    { readonly kind: "ident"; readonly name: string } | { readonly kind: "select" | "other" };
const OTHER: CelNode = { kind: "other" };

const INT_MAX = 2n ** 63n - 1n;
const UINT_MAX = 2n ** 64n - 1n;

/** A recursive-descent recognizer of CEL.g4's `start` rule. */
class CelParser {
    private i = 0;

    constructor(private readonly tokens: readonly Token[]) {}

    parse(): void {
        this.expr();
        if (this.peek().kind !== "end") {
            this.fail(this.peek());
        }
    }

    private peek(offset = 0): Token {
        return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
    }

    private is(text: string, offset = 0): boolean {
        const token = this.peek(offset);
        return (token.kind === "punct" || token.kind === "keyword") && token.text === text;
    }

    private take(text: string): boolean {
        if (this.is(text)) {
            this.i++;
            return true;
        }
        return false;
    }

    private need(text: string): void {
        if (!this.take(text)) {
            this.fail(this.peek(), `, expecting '${text}'`);
        }
    }

    private fail(token: Token, detail = ""): never {
        const what = token.kind === "end" ? token.text : `'${token.text}'`;
        throw new CelError(`syntax error at column ${token.column}: unexpected ${what}${detail}`);
    }

    private unsupported(token: Token, syntax: string): never {
        throw new CelError(`unsupported syntax '${syntax}' at column ${token.column}`);
    }

    private expr(): CelNode {
        const condition = this.binary(0);
        if (this.take("?")) {
            this.binary(0);
            this.need(":");
            this.expr();
            return OTHER;
        }
        return condition;
    }

    /** conditionalOr, conditionalAnd, relation, then the two levels of calc. */
    private static readonly LEVELS: readonly (readonly string[])[] = [
        ["||"],
        ["&&"],
        ["<", "<=", ">=", ">", "==", "!=", "in"],
        ["+", "-"],
        ["*", "/", "%"],
    ];

    private binary(level: number): CelNode {
        if (level === CelParser.LEVELS.length) {
            return this.unary();
        }
        let node = this.binary(level + 1);
        while (CelParser.LEVELS[level].some((op) => this.is(op))) {
            this.i++;
            this.binary(level + 1);
            node = OTHER;
        }
        return node;
    }

    private unary(): CelNode {
        const signedNumber =
            this.is("-") && (this.peek(1).kind === "int" || this.peek(1).kind === "float");
        if (this.is("!") || (this.is("-") && !signedNumber)) {
            const op = this.peek().text;
            while (this.take(op)) {
                // (ops+='!')+ member, or (ops+='-')+ member: the operators do not mix.
            }
            this.member();
            return OTHER;
        }
        return this.member();
    }

    private member(): CelNode {
        let node = this.primary();
        for (;;) {
            if (this.take(".")) {
                if (this.is("?")) {
                    this.unsupported(this.peek(), ".?");
                }
                const id = this.peek();
                if (id.kind === "ident" && this.is("(", 1)) {
                    this.i += 2;
                    this.callOrMacro(id.text, true, this.args());
                    node = OTHER;
                } else if (id.kind === "ident" || id.kind === "escaped") {
                    this.i++;
                    node = { kind: "select" };
                } else {
                    this.fail(id);
                }
            } else if (this.is("[")) {
                this.i++;
                if (this.is("?")) {
                    this.unsupported(this.peek(), "[?");
                }
                this.expr();
                this.need("]");
                node = OTHER;
            } else {
                return node;
            }
        }
    }

    /** The arguments of a call, after its '('. */
    private args(): CelNode[] {
        const args: CelNode[] = [];
        if (this.take(")")) {
            return args;
        }
        do {
            args.push(this.expr());
        } while (this.take(","));
        this.need(")");
        return args;
    }

    /** The standard macros' argument checks (parser/macro.go). */
    private callOrMacro(name: string, receiver: boolean, args: readonly CelNode[]): void {
        const first = args[0];
        if (!receiver && name === "has" && args.length === 1 && first.kind !== "select") {
            throw new CelError("invalid argument to has() macro");
        }
        const quantifier =
            ["all", "exists", "exists_one", "existsOne"].includes(name) && args.length === 2;
        const comprehension =
            quantifier ||
            (name === "map" && (args.length === 2 || args.length === 3)) ||
            (name === "filter" && args.length === 2);
        if (!receiver || !comprehension) {
            return;
        }
        if (first.kind !== "ident") {
            throw new CelError(
                quantifier ? "argument must be a simple name" : "argument is not an identifier",
            );
        }
        if (first.name === "__result__" || first.name === "@result") {
            throw new CelError("iteration variable overwrites accumulator variable");
        }
    }

    /** Comma-separated entries up to `close`, where a lone or trailing comma is allowed. */
    private entries(close: string, entry: () => void): void {
        if (this.take(close)) {
            return;
        }
        if (this.is(",") && this.is(close, 1)) {
            this.i += 2;
            return;
        }
        entry();
        while (this.take(",")) {
            if (this.take(close)) {
                return;
            }
            entry();
        }
        this.need(close);
    }

    private optional(): void {
        if (this.is("?")) {
            this.unsupported(this.peek(), "?");
        }
    }

    private primary(): CelNode {
        const token = this.peek();
        const dot = this.is(".");
        if (dot || token.kind === "ident") {
            const start = this.i + (dot ? 1 : 0);
            const id = this.tokens[start];
            if (id.kind !== "ident") {
                this.fail(id);
            }
            // CreateMessage: `a.b.C{...}`.
            let end = start;
            while (
                this.tokens[end + 1].text === "." &&
                this.tokens[end + 1].kind === "punct" &&
                this.tokens[end + 2].kind === "ident"
            ) {
                end += 2;
            }
            const next = this.tokens[end + 1];
            if (next.kind === "punct" && next.text === "{") {
                this.i = end + 2;
                this.entries("}", () => {
                    this.optional();
                    const field = this.peek();
                    if (field.kind !== "ident" && field.kind !== "escaped") {
                        this.fail(field);
                    }
                    this.i++;
                    this.need(":");
                    this.expr();
                });
                return OTHER;
            }
            this.i = start + 1;
            if (RESERVED.has(id.text)) {
                throw new CelError(`reserved identifier: ${id.text}`);
            }
            const name = (dot ? "." : "") + id.text;
            if (this.take("(")) {
                this.callOrMacro(name, false, this.args());
                return OTHER;
            }
            return { kind: "ident", name };
        }
        this.i++;
        if (token.kind === "punct") {
            switch (token.text) {
                case "(": {
                    const inner = this.expr();
                    this.need(")");
                    return inner;
                }
                case "[":
                    this.entries("]", () => {
                        this.optional();
                        this.expr();
                    });
                    return OTHER;
                case "{":
                    this.entries("}", () => {
                        this.optional();
                        this.expr();
                        this.need(":");
                        this.expr();
                    });
                    return OTHER;
                case "-": {
                    // A signed literal: sign=MINUS? tok=NUM_INT | NUM_FLOAT.
                    this.literal(this.peek(), "-");
                    this.i++;
                    return OTHER;
                }
            }
        }
        this.literal(token, "");
        return OTHER;
    }

    private literal(token: Token, sign: string): void {
        switch (token.kind) {
            case "int": {
                const value = BigInt(token.text);
                if (value > (sign === "-" ? INT_MAX + 1n : INT_MAX)) {
                    throw new CelError(`invalid int literal ${sign}${token.text}`);
                }
                return;
            }
            case "uint":
                if (BigInt(token.text.slice(0, -1)) > UINT_MAX) {
                    throw new CelError(`invalid uint literal ${token.text}`);
                }
                return;
            case "float":
                if (!Number.isFinite(Number(token.text))) {
                    throw new CelError(`invalid double literal ${sign}${token.text}`);
                }
                return;
            case "string":
            case "keyword":
                if (sign === "" && (token.kind === "string" || token.text !== "in")) {
                    return;
                }
        }
        this.fail(token);
    }
}

/** Why a CEL expression does not parse, or undefined when it does. */
export function celSyntaxIssue(expression: string): string | undefined {
    try {
        new CelParser(celTokens(expression)).parse();
        return undefined;
    } catch (e) {
        if (e instanceof CelError) {
            return e.message;
        }
        throw e;
    }
}
