// The user's own Helm values in the stack file, checked against the charts at the pinned
// versions before anything is registered: a key the chart never reads (Helm would ignore it), a
// value of a type it does not take, a meshConfig field istiod drops, a field of the Kiali CR the
// operator chart writes that its CRD prunes or ignores. The same check as the policy pack's
// PMX110 to PMX112, on the values the user wrote rather than the merged ones, so each error names
// the stack key. A version the upstream data does not cover is not judged here (PMX113 says so).
import { z } from "zod";
import { chartCoverage, checkChartValues, ConformanceIssue } from "../policies/core";

type Values = Record<string, unknown>;

/** The parts of the stack config that hold chart values (read defensively: any may be absent). */
export interface ChartValuesConfig {
    readonly cilium?: { mode?: string; chart?: string; version?: string; values?: Values };
    readonly istio?: {
        version?: string;
        values?: { base?: Values; cni?: Values; istiod?: Values; ztunnel?: Values };
    };
    readonly gateway?: { enabled?: boolean; values?: Values };
    readonly kiali?: {
        enabled?: boolean;
        operator?: { chart?: string; version?: string; values?: Values };
    };
}

/** One chart's values in the stack file: where they are, which chart reads them, at which version. */
interface StackChartValues {
    readonly path: readonly string[];
    readonly key: string;
    readonly version?: string;
    readonly values?: Values;
}

/** A chart reference's own name: the last part of an oci:// reference. */
function chartNameOf(chart: string | undefined, fallback: string): string {
    return (chart ?? fallback).split("/").pop() ?? fallback;
}

function stackChartValues(config: ChartValuesConfig): StackChartValues[] {
    const found: StackChartValues[] = [];
    const { cilium, istio, gateway, kiali } = config;
    if (cilium && cilium.mode !== "unmanaged" && chartNameOf(cilium.chart, "cilium") === "cilium") {
        found.push({ path: ["cilium", "values"], key: "cilium", ...cilium });
    }
    for (const chart of ["base", "cni", "istiod", "ztunnel"] as const) {
        found.push({
            path: ["istio", "values", chart],
            key: `istio-${chart}`,
            version: istio?.version,
            values: istio?.values?.[chart],
        });
    }
    if (gateway?.enabled) {
        found.push({
            path: ["gateway", "values"],
            key: "istio-gateway",
            version: istio?.version,
            values: gateway.values,
        });
    }
    const operator = kiali?.operator;
    if (
        kiali?.enabled !== false &&
        operator &&
        chartNameOf(operator.chart, "kiali-operator") === "kiali-operator"
    ) {
        found.push({ path: ["kiali", "operator", "values"], key: "kiali-operator", ...operator });
    }
    return found;
}

/** `a.b[0]["k.e.y"]` → a, b, 0, k.e.y: the issue's path as zod path segments. */
function pathSegments(written: string): (string | number)[] {
    const segments: (string | number)[] = [];
    for (const match of written.matchAll(/\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|\.?([^.[]+)/g)) {
        if (match[1] !== undefined) {
            segments.push(JSON.parse(`"${match[1]}"`) as string);
        } else if (match[2] !== undefined) {
            segments.push(Number(match[2]));
        } else {
            segments.push(match[3]);
        }
    }
    return segments;
}

function valueAtSegments(values: unknown, segments: readonly (string | number)[]): unknown {
    let current = values;
    for (const segment of segments) {
        if (current === null || typeof current !== "object") {
            return undefined;
        }
        current = (current as Record<string | number, unknown>)[segment];
    }
    return current;
}

function allowedText(values: readonly unknown[] = []): string {
    return values
        .filter((v) => v !== "")
        .map((v) => JSON.stringify(v))
        .join(", ");
}

/** What the key should have been, as config/load.ts prints it after "expected". */
function expectation(issue: ConformanceIssue, chart: string): string | undefined {
    const crd = issue.crd && `the ${issue.crd.kind} CRD of ${issue.crd.label}`;
    switch (issue.kind) {
        case "unknown":
            return `a value path ${chart} reads (nearest: ${issue.nearest})`;
        case "rejected":
            return `a key the values.schema.json of ${chart} allows (nearest: ${issue.nearest})`;
        case "forbidden":
            return `no such key: ${chart} fails to render when it is set`;
        case "meshConfig":
            return `a field istiod's MeshConfig reads (nearest: ${issue.nearest})`;
        case "schemaType":
        case "type":
            return `${issue.expected}, as ${chart} reads it`;
        case "enum":
            return `one of ${allowedText(issue.allowed)} (${chart})`;
        case "meshConfigType":
            return `${issue.expected}, as istiod's MeshConfig takes it`;
        case "field":
            return `a field of ${crd} (nearest: ${issue.nearest})`;
        case "fieldType":
            return `${issue.expected}, as ${crd} takes it`;
        case "fieldEnum":
            return `one of ${allowedText(issue.allowed)}, as ${crd} takes it`;
        case "fieldRequired":
            return `a value, which ${crd} requires`;
        case "fieldIgnored":
            return `no such field: ${crd} marks it deprecated and ignored`;
        case "deprecated":
            // Still read: the policy pack's advice (PMX114), not an error.
            return undefined;
    }
}

/**
 * Adds one issue for every value in the stack file that a chart (at the pinned, covered
 * version) does not read or does not take. A zod superRefine of the whole stack config.
 */
export function checkStackChartValues(config: ChartValuesConfig, ctx: z.RefinementCtx): void {
    for (const entry of stackChartValues(config)) {
        const coverage = chartCoverage(entry.key, entry.version);
        if (!coverage?.covered || !entry.values) {
            continue;
        }
        for (const issue of checkChartValues(coverage.data, entry.values)) {
            const message = expectation(issue, coverage.text);
            if (message === undefined) {
                continue;
            }
            const segments = pathSegments(issue.path);
            ctx.addIssue({
                code: "custom",
                path: [...entry.path, ...segments],
                input: valueAtSegments(entry.values, segments),
                message,
            });
        }
    }
}
