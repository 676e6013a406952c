// Rules on what the pinned upstream charts, CRDs and istiod accept (the data in
// policies/upstream): a Helm value the chart never reads (PMX110), one of a type or value it does
// not take (PMX111), a custom resource its CRD schema prunes or rejects, or whose field the
// operator ignores (PMX112), a chart or API version the data does not cover (PMX113), and a
// deprecated field (PMX114). Helm, istiod and the API server are silent about most of these: a
// typo or an upstream rename becomes a setting that quietly does nothing.
import {
    chartCoverage,
    ChartCoverage,
    chartKeyOf,
    checkChartValues,
    checkResource,
    ConformanceIssue,
    coveredText,
    crdData,
    CrdData,
    describeSubject,
    Finding,
    finding,
    HelmRelease,
    inventoryRule,
    KubeObject,
    MeshIndex,
    meshConfigData,
    upstreamIndex,
    valueText,
} from "../core";
import { catalogue } from "../catalogue";
import { listText } from "./common";

/** The inputs that name the releases of the charts the data has (`helm/cilium`, `helm/istio:*`). */
function chartInputs(): string[] {
    const others = Object.keys(upstreamIndex().charts)
        .filter((key) => !key.startsWith("istio-"))
        .map((key) => `helm/${key}`);
    return [...others, "helm/istio:*"];
}

/** The inputs that name the custom-resource kinds the data has. */
function kindInputs(): string[] {
    return upstreamIndex().crds.map((crd) => `${crd.group}/${crd.kind}`);
}

interface JudgedRelease {
    readonly release: HelmRelease;
    readonly coverage: ChartCoverage;
}

/** Every release of a chart the data has, with whether the data covers its version. */
function chartReleases(index: MeshIndex): JudgedRelease[] {
    const releases = [
        ...Object.keys(upstreamIndex().charts)
            .filter((key) => !key.startsWith("istio-"))
            .flatMap((key) => index.releasesOf(key)),
        ...index.releasesOf("istio:*"),
    ];
    return releases.flatMap((release) => {
        const key = chartKeyOf(release);
        const coverage = key === undefined ? undefined : chartCoverage(key, release.version);
        return coverage ? [{ release, coverage }] : [];
    });
}

const coveredReleases = (index: MeshIndex) =>
    chartReleases(index).filter((r) => r.coverage.covered);

const releaseIssues = new WeakMap<HelmRelease, ConformanceIssue[]>();

/** What is wrong with a covered release's values, worked out once for every rule. */
function issuesOf({ release, coverage }: JudgedRelease): ConformanceIssue[] {
    let issues = releaseIssues.get(release);
    if (!issues) {
        issues = checkChartValues(coverage.data, release.values);
        releaseIssues.set(release, issues);
    }
    return issues;
}

/** A custom resource with the data of its kind. */
interface JudgedResource {
    readonly object: KubeObject;
    readonly crd: CrdData;
    readonly version: string;
}

function customResources(index: MeshIndex): JudgedResource[] {
    return upstreamIndex().crds.flatMap(({ group, kind }) =>
        index.ofKind(kind, [group]).map((object) => ({
            object,
            crd: crdData(group, kind)!,
            version: object.apiVersion.slice(object.apiVersion.indexOf("/") + 1),
        })),
    );
}

/** Whether the data serves a resource's API version (else PMX113 says so and it is not checked). */
function served({ crd, version }: JudgedResource): boolean {
    return crd.versions[version]?.served === true;
}

const resourceIssues = new WeakMap<KubeObject, ConformanceIssue[]>();

function issuesOfResource(judged: JudgedResource): ConformanceIssue[] {
    let issues = resourceIssues.get(judged.object);
    if (!issues) {
        issues = checkResource(judged.crd, judged.version, judged.object.body);
        resourceIssues.set(judged.object, issues);
    }
    return issues;
}

const meshConfigText = () => `istiod's MeshConfig (${meshConfigData().label})`;

/** `kiali.io/v1alpha1 Kiali`. */
function crdText(crd: CrdData, version: string): string {
    return `${crd.group}/${version} ${crd.kind}`;
}

function allowedText(values: readonly unknown[]): string {
    const shown = values.filter((v) => v !== "").map((v) => JSON.stringify(v));
    return shown.length > 12 ? `${shown.slice(0, 12).join(", ")} …` : listText(shown);
}

const PMX110 = catalogue.PMX110;
export const requireKnownValuePath = inventoryRule<Record<string, never>, JudgedRelease>({
    entry: PMX110,
    config: {},
    inputs: { kinds: chartInputs(), helmValues: true },
    judges: {
        what: "Helm release of a chart version the upstream data covers",
        select: coveredReleases,
    },
    check(judged) {
        const findings: Finding[] = [];
        for (const entry of judged) {
            const release = describeSubject(entry.release);
            const chart = entry.coverage.text;
            for (const issue of issuesOf(entry)) {
                const { path, nearest = "" } = issue;
                if (issue.kind === "unknown" || issue.kind === "rejected") {
                    findings.push(
                        finding(PMX110, entry.release, issue.kind, {
                            release,
                            path,
                            chart,
                            nearest,
                        }),
                    );
                } else if (issue.kind === "forbidden") {
                    findings.push(
                        finding(PMX110, entry.release, "forbidden", { release, path, chart }),
                    );
                } else if (issue.kind === "meshConfig") {
                    findings.push(
                        finding(PMX110, entry.release, "meshConfig", {
                            release,
                            path,
                            meshConfig: meshConfigText(),
                            nearest,
                        }),
                    );
                }
            }
        }
        return findings;
    },
});

const PMX111 = catalogue.PMX111;
export const requireValidValueType = inventoryRule<Record<string, never>, JudgedRelease>({
    entry: PMX111,
    config: {},
    inputs: { kinds: chartInputs(), helmValues: true },
    judges: {
        what: "Helm release of a chart version the upstream data covers",
        select: coveredReleases,
    },
    check(judged) {
        const findings: Finding[] = [];
        for (const entry of judged) {
            const release = describeSubject(entry.release);
            const chart = entry.coverage.text;
            for (const issue of issuesOf(entry)) {
                const value = valueText(issue.value);
                const { path, expected = "", actual = "" } = issue;
                if (issue.kind === "schemaType" || issue.kind === "type") {
                    const template = issue.kind;
                    findings.push(
                        finding(PMX111, entry.release, template, {
                            release,
                            path,
                            value,
                            actual,
                            chart,
                            expected,
                        }),
                    );
                } else if (issue.kind === "enum") {
                    findings.push(
                        finding(PMX111, entry.release, "enum", {
                            release,
                            path,
                            value,
                            chart,
                            allowed: allowedText(issue.allowed ?? []),
                        }),
                    );
                } else if (issue.kind === "meshConfigType") {
                    findings.push(
                        finding(PMX111, entry.release, "meshConfig", {
                            release,
                            path,
                            value,
                            actual,
                            meshConfig: meshConfigText(),
                            expected,
                        }),
                    );
                }
            }
        }
        return findings;
    },
});

/** A custom resource, or a release that writes one from a value (kiali-operator's cr.spec). */
type SchemaSubject =
    | { readonly resource: JudgedResource }
    | { readonly release: JudgedRelease; readonly issues: ConformanceIssue[] };

const FIELD_KINDS = new Set(["field", "fieldType", "fieldEnum", "fieldRequired", "fieldIgnored"]);

/**
 * Field types another rule reports with a fix of its own, by `group/Kind` and the field's path
 * in the resource: PMX042 says how to quote Kiali's web_port, in the CR and in cr.spec alike.
 */
const TYPES_JUDGED_ELSEWHERE: Readonly<Record<string, readonly string[]>> = {
    "kiali.io/Kiali": ["spec.server.web_port"],
};

/** Whether another rule reports this issue (see TYPES_JUDGED_ELSEWHERE). */
function judgedElsewhere(issue: ConformanceIssue, field: string): boolean {
    const crd = issue.crd;
    return (
        issue.kind === "fieldType" &&
        crd !== undefined &&
        (TYPES_JUDGED_ELSEWHERE[`${crd.group}/${crd.kind}`] ?? []).includes(field)
    );
}

function fieldFindings(
    subject: KubeObject | HelmRelease,
    resource: string,
    issues: readonly ConformanceIssue[],
    version: (issue: ConformanceIssue) => string,
    fieldOf: (issue: ConformanceIssue) => string = (issue) => issue.path,
): Finding[] {
    const findings: Finding[] = [];
    for (const issue of issues) {
        if (!issue.crd || !FIELD_KINDS.has(issue.kind) || judgedElsewhere(issue, fieldOf(issue))) {
            continue;
        }
        const crd = crdText(issue.crd, version(issue));
        const data = issue.crd.label;
        const field = issue.path;
        switch (issue.kind) {
            case "field":
                findings.push(
                    finding(PMX112, subject, "field", {
                        resource,
                        field,
                        crd,
                        data,
                        nearest: issue.nearest ?? "",
                    }),
                );
                break;
            case "fieldType":
                findings.push(
                    finding(PMX112, subject, "type", {
                        resource,
                        field,
                        value: valueText(issue.value),
                        actual: issue.actual ?? "",
                        crd,
                        data,
                        expected: issue.expected ?? "",
                    }),
                );
                break;
            case "fieldEnum":
                findings.push(
                    finding(PMX112, subject, "enum", {
                        resource,
                        field,
                        value: valueText(issue.value),
                        crd,
                        data,
                        allowed: allowedText(issue.allowed ?? []),
                    }),
                );
                break;
            case "fieldRequired":
                findings.push(finding(PMX112, subject, "required", { resource, field, crd, data }));
                break;
            case "fieldIgnored":
                findings.push(
                    finding(PMX112, subject, "ignored", {
                        resource,
                        field,
                        crd,
                        data,
                        note: issue.note ?? "",
                    }),
                );
                break;
        }
    }
    return findings;
}

/** The custom resource a chart writes from a value, for messages. */
function writtenResourceText(entry: JudgedRelease, issue: ConformanceIssue): string {
    const typed = entry.coverage.data.typed?.find((t) => issue.path.startsWith(`${t.path}.`));
    const kind = issue.crd?.kind ?? "custom resource";
    return `The ${kind} CR that ${describeSubject(entry.release)} writes from ${typed?.path ?? "its values"}`;
}

const PMX112 = catalogue.PMX112;
export const requireValidResourceSchema = inventoryRule<Record<string, never>, SchemaSubject>({
    entry: PMX112,
    config: {},
    inputs: { kinds: [...kindInputs(), ...chartInputs()] },
    judges: {
        what: "custom resource of a kind the upstream data has",
        select: (index) => [
            ...customResources(index)
                .filter(served)
                .map((resource) => ({ resource })),
            ...coveredReleases(index)
                .map((release) => ({
                    release,
                    issues: issuesOf(release).filter((issue) => FIELD_KINDS.has(issue.kind)),
                }))
                .filter((entry) => entry.issues.length > 0),
        ],
    },
    check(subjects) {
        return subjects.flatMap((subject) => {
            if ("resource" in subject) {
                const { object, version } = subject.resource;
                const issues = issuesOfResource(subject.resource);
                return fieldFindings(object, describeSubject(object), issues, () => version);
            }
            const entry = subject.release;
            return subject.issues.flatMap((issue) => {
                const typed = entry.coverage.data.typed?.find((t) =>
                    issue.path.startsWith(`${t.path}.`),
                );
                // cr.spec.server.web_port is the CR's spec.server.web_port.
                const inResource = (i: ConformanceIssue) =>
                    typed ? `${typed.field ?? ""}${i.path.slice(typed.path.length)}` : i.path;
                return fieldFindings(
                    entry.release,
                    writtenResourceText(entry, issue),
                    [issue],
                    () => typed?.version ?? "",
                    inResource,
                );
            });
        });
    },
});

/** A release or custom resource, either of which the data may not cover. */
type CoverageSubject = { readonly release: JudgedRelease } | { readonly resource: JudgedResource };

const PMX113 = catalogue.PMX113;
export const adviseUncoveredVersion = inventoryRule<Record<string, never>, CoverageSubject>({
    entry: PMX113,
    config: {},
    inputs: { kinds: [...kindInputs(), ...chartInputs()] },
    judges: {
        what: "Helm release or custom resource the upstream data has a chart or kind for",
        select: (index) => [
            ...chartReleases(index).map((release) => ({ release })),
            ...customResources(index).map((resource) => ({ resource })),
        ],
    },
    check(subjects) {
        const findings: Finding[] = [];
        for (const subject of subjects) {
            if ("release" in subject) {
                const { release, coverage } = subject.release;
                if (coverage.covered) {
                    continue;
                }
                const args = {
                    release: describeSubject(release),
                    chart: `chart ${coverage.data.chart}`,
                    covered: coveredText(coverage.data),
                };
                findings.push(
                    coverage.version === undefined
                        ? finding(PMX113, release, "unpinned", args)
                        : finding(PMX113, release, "chart", { ...args, version: coverage.version }),
                );
                continue;
            }
            const { object, crd } = subject.resource;
            if (served(subject.resource)) {
                continue;
            }
            const servedVersions = Object.entries(crd.versions)
                .filter(([, v]) => v.served)
                .map(([name]) => `${crd.group}/${name}`);
            findings.push(
                finding(PMX113, object, "apiVersion", {
                    resource: describeSubject(object),
                    apiVersion: object.apiVersion,
                    data: `the ${crd.kind} CRD of ${crd.label}`,
                    served: listText(servedVersions),
                }),
            );
        }
        return findings;
    },
});

/** Whoever marks a deprecated issue deprecated, for messages. */
function deprecationSource(entry: JudgedRelease, issue: ConformanceIssue): string {
    if (issue.crd) {
        const typed = entry.coverage.data.typed?.find((t) => issue.path.startsWith(`${t.path}.`));
        return `the ${crdText(issue.crd, typed?.version ?? "")} schema of ${issue.crd.label}`;
    }
    const inMeshConfig = entry.coverage.data.typed?.some(
        (t) => t.schema === "MeshConfig" && issue.path.startsWith(`${t.path}.`),
    );
    return inMeshConfig ? meshConfigText() : `the values.schema.json of ${entry.coverage.text}`;
}

const PMX114 = catalogue.PMX114;
export const adviseDeprecatedField = inventoryRule<Record<string, never>, CoverageSubject>({
    entry: PMX114,
    config: {},
    inputs: { kinds: [...kindInputs(), ...chartInputs()] },
    judges: {
        what: "Helm release or custom resource the upstream data covers",
        select: (index) => [
            ...coveredReleases(index).map((release) => ({ release })),
            ...customResources(index)
                .filter(served)
                .map((resource) => ({ resource })),
        ],
    },
    check(subjects) {
        const findings: Finding[] = [];
        for (const subject of subjects) {
            if ("release" in subject) {
                const entry = subject.release;
                for (const issue of issuesOf(entry).filter((i) => i.kind === "deprecated")) {
                    findings.push(
                        finding(PMX114, entry.release, "deprecated", {
                            resource: describeSubject(entry.release),
                            field: issue.path,
                            data: deprecationSource(entry, issue),
                            note: issue.note ?? "",
                        }),
                    );
                }
                continue;
            }
            const { object, crd, version } = subject.resource;
            for (const issue of issuesOfResource(subject.resource)) {
                if (issue.kind === "deprecated") {
                    findings.push(
                        finding(PMX114, object, "deprecated", {
                            resource: describeSubject(object),
                            field: issue.path,
                            data: `the ${crdText(crd, version)} schema of ${crd.label}`,
                            note: issue.note ?? "",
                        }),
                    );
                }
            }
        }
        return findings;
    },
});

export const conformanceRules = [
    requireKnownValuePath,
    requireValidValueType,
    requireValidResourceSchema,
    adviseUncoveredVersion,
    adviseDeprecatedField,
];
