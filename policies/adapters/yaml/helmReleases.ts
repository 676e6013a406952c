// Flux HelmReleases as the Helm releases the rules judge: the chart from its source
// (HelmRepository, OCIRepository, `chartRef`), the release's name and namespace, and the values
// helm-controller hands Helm (fluxcd/pkg chartutil ChartValuesFromReferences): each `valuesFrom`
// ConfigMap or Secret key in order, merged map into map (lists and scalars replaced), a
// `targetPath` value set at its path as `helm --set` would, then the inline `values` over all but
// the `targetPath` values.
import * as jsyaml from "js-yaml";
import { HelmRelease, isRecord, KubeObject } from "../../core";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function isFluxHelmRelease(object: KubeObject): boolean {
    return object.kind === "HelmRelease" && object.apiVersion.startsWith("helm.toolkit.fluxcd.io/");
}

/** chartutil MergeMaps: maps merge recursively; anything else is replaced. */
function mergeMaps(base: Json, over: Json): Json {
    const result: Json = { ...base };
    for (const [key, value] of Object.entries(over)) {
        result[key] =
            isRecord(value) && isRecord(result[key]) ? mergeMaps(result[key], value) : value;
    }
    return result;
}

/** A `--set` value as Helm types it (strvals typedVal). */
function typed(value: string): unknown {
    if (/^(true|false)$/i.test(value)) {
        return value.toLowerCase() === "true";
    }
    if (value.toLowerCase() === "null") {
        return null;
    }
    if (value === "0" || /^-?[1-9][0-9]*$/.test(value)) {
        return Number(value);
    }
    return value;
}

/** Sets a value at a Helm `--set` path (`a.b[0].c`), creating maps and lists on the way. */
function setPath(target: Json, dotted: string, value: unknown): void {
    const segments = dotted.split(".").flatMap((part) => {
        const match = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
        if (!match) {
            return [part];
        }
        const indices = [...match[2].matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
        return [match[1], ...indices];
    });
    let node: Json | unknown[] = target;
    segments.forEach((segment, index) => {
        const last = index === segments.length - 1;
        const next = segments[index + 1];
        const container = node as Record<string | number, unknown>;
        if (last) {
            container[segment] = value;
            return;
        }
        const existing = container[segment];
        const wanted = typeof next === "number" ? Array.isArray(existing) : isRecord(existing);
        if (!wanted) {
            container[segment] = typeof next === "number" ? [] : {};
        }
        node = container[segment] as Json;
    });
}

/** Finds an object of the cluster by kind, namespace and current or original name. */
export type Lookup = (kind: string, namespace: string, name: string) => KubeObject | undefined;

function dataOf(object: KubeObject, key: string): string | undefined {
    const raw = object.body.data?.[key];
    if (typeof raw !== "string") {
        return undefined;
    }
    return object.kind === "Secret" ? Buffer.from(raw, "base64").toString("utf8") : raw;
}

/** The values helm-controller would compute; `unresolved` names what the tree does not hold. */
export function releaseValues(
    release: KubeObject,
    lookup: Lookup,
): { values: Json; unresolved: string[] } {
    const spec = release.body.spec ?? {};
    const namespace = release.metadata.namespace ?? "default";
    const inline: Json = isRecord(spec.values) ? spec.values : {};
    let values: Json = {};
    const targeted: [string, unknown][] = [];
    const unresolved: string[] = [];
    for (const ref of Array.isArray(spec.valuesFrom) ? spec.valuesFrom : []) {
        if (!isRecord(ref) || typeof ref.name !== "string") {
            continue;
        }
        const kind = ref.kind === "Secret" ? "Secret" : "ConfigMap";
        const key = typeof ref.valuesKey === "string" ? ref.valuesKey : "values.yaml";
        const source = lookup(kind, namespace, ref.name);
        const text = source && dataOf(source, key);
        if (text === undefined) {
            if (ref.optional !== true) {
                unresolved.push(`${kind} ${namespace}/${ref.name} key ${key}`);
            }
            continue;
        }
        if (typeof ref.targetPath === "string") {
            const quoted = /^(['"])(.*)\1$/s.exec(text);
            const value = ref.literal === true ? text : quoted ? quoted[2] : typed(text);
            targeted.push([ref.targetPath, value]);
            continue;
        }
        let parsed: unknown;
        try {
            parsed = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA });
        } catch {
            unresolved.push(`${kind} ${namespace}/${ref.name} key ${key} (not YAML)`);
            continue;
        }
        if (isRecord(parsed)) {
            values = mergeMaps(values, parsed);
        }
    }
    values = mergeMaps(values, inline);
    for (const [targetPath, value] of targeted) {
        setPath(values, targetPath, value);
    }
    return { values, unresolved };
}

/** The chart a HelmRelease installs: name or oci:// reference, version and repository. */
export function releaseChart(
    release: KubeObject,
    lookup: Lookup,
): { chart: string; version?: string; repository?: string } {
    const spec = release.body.spec ?? {};
    const namespace = release.metadata.namespace ?? "default";
    if (isRecord(spec.chartRef)) {
        const ref = spec.chartRef;
        const source = lookup(
            String(ref.kind ?? ""),
            String(ref.namespace ?? namespace),
            String(ref.name ?? ""),
        );
        const url = typeof source?.body.spec?.url === "string" ? source.body.spec.url : undefined;
        const tag = source?.body.spec?.ref?.tag;
        return {
            chart: url ?? String(ref.name ?? ""),
            ...(typeof tag === "string" && { version: tag }),
        };
    }
    const template = spec.chart?.spec ?? {};
    const chart = typeof template.chart === "string" ? template.chart : "";
    const version = typeof template.version === "string" ? template.version : undefined;
    const ref = isRecord(template.sourceRef) ? template.sourceRef : {};
    const source = lookup(
        String(ref.kind ?? ""),
        String(ref.namespace ?? namespace),
        String(ref.name ?? ""),
    );
    const url = typeof source?.body.spec?.url === "string" ? source.body.spec.url : undefined;
    if (url?.startsWith("oci://")) {
        return { chart: `${url.replace(/\/$/, "")}/${chart}`, ...(version && { version }) };
    }
    return { chart, ...(version && { version }), ...(url && { repository: url }) };
}

/** A Flux HelmRelease as the core's Helm release. */
export function toHelmRelease(release: KubeObject, lookup: Lookup): HelmRelease {
    const spec = release.body.spec ?? {};
    const namespace = release.metadata.namespace ?? "default";
    const targetNamespace =
        typeof spec.targetNamespace === "string" ? spec.targetNamespace : undefined;
    const name = release.metadata.name ?? "";
    return {
        category: "helm-release",
        name:
            typeof spec.releaseName === "string"
                ? spec.releaseName
                : targetNamespace
                  ? `${targetNamespace}-${name}`
                  : name,
        namespace: targetNamespace ?? namespace,
        ...releaseChart(release, lookup),
        values: releaseValues(release, lookup).values,
        source: release.source,
    };
}
