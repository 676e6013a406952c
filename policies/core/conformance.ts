// Values and fields judged against what the pinned upstream sources accept (policies/upstream):
// a Helm value path the chart never reads (Helm ignores it), a value of a type the chart or its
// values.schema.json does not take, a meshConfig field istiod drops, and a custom resource's
// field its CRD schema prunes or rejects, or that its operator ignores. Pure functions over the
// data; the rules (PMX110 to PMX114) and the stack config's check both call them.
import { HelmRelease } from "./model";
import { chartName, istioChart } from "./releases";
import {
    ChartData,
    ChartPath,
    chartData,
    CrdData,
    CrdField,
    crdData,
    MeshConfigField,
    meshConfigData,
    upstreamIndex,
} from "./upstream";
import { isRecord } from "./values";

/** What is wrong with one value or field. */
export type ConformanceIssueKind =
    /** A chart value path nothing in the chart reads. */
    | "unknown"
    /** A key the chart's closed values.schema.json refuses. */
    | "rejected"
    /** A key that makes the chart's render fail. */
    | "forbidden"
    /** A value of a type the chart's values.schema.json refuses. */
    | "schemaType"
    /** A value of another kind (map, list, scalar, boolean) than the chart's default. */
    | "type"
    /** A value the chart does not accept. */
    | "enum"
    /** A meshConfig key MeshConfig does not have. */
    | "meshConfig"
    /** A meshConfig value of the wrong type, or not among an enum's names. */
    | "meshConfigType"
    /** A field the CRD schema does not have (pruned). */
    | "field"
    /** A field of the wrong type for the CRD schema. */
    | "fieldType"
    /** A field value the CRD schema's enum does not list. */
    | "fieldEnum"
    /** A field the CRD schema requires, missing. */
    | "fieldRequired"
    /** A field the CRD marks deprecated and ignored. */
    | "fieldIgnored"
    /** A field marked deprecated (by a CRD, MeshConfig or a values schema), still read. */
    | "deprecated";

export interface ConformanceIssue {
    readonly kind: ConformanceIssueKind;
    /** The path as written: `a.b`, `list[0].c`, `map["k.e.y"]`. */
    readonly path: string;
    /** The nearest path the reader knows, for unknown keys. */
    readonly nearest?: string;
    readonly value?: unknown;
    /** What is expected and what was given: `a boolean`, `a string`. */
    readonly expected?: string;
    readonly actual?: string;
    readonly allowed?: readonly unknown[];
    /** The deprecation sentence. */
    readonly note?: string;
    /** For a custom resource's field: its CRD's data. */
    readonly crd?: CrdData;
}

/* ------------------------------------------------------------------ paths */

const SAFE_KEY = /^[A-Za-z0-9_$@-][A-Za-z0-9_$@/:-]*$/;

/** `a.b`, or `a["k.e.y"]` for a key a dotted path cannot hold (the data's path syntax). */
export function joinKey(base: string, key: string): string {
    const k = SAFE_KEY.test(key) ? key : `[${JSON.stringify(key)}]`;
    if (!base) {
        return k;
    }
    return k.startsWith("[") ? base + k : `${base}.${k}`;
}

/** The segments of a data path: `a.b[].c.*` → a, b, [], c, *. */
export function segmentsOf(dotted: string): string[] {
    const segments: string[] = [];
    const pattern = /\["((?:[^"\\]|\\.)*)"\]|\[\]|\.?([^.[]+)/g;
    for (const match of dotted.matchAll(pattern)) {
        if (match[1] !== undefined) {
            segments.push(JSON.parse(`"${match[1]}"`) as string);
        } else if (match[0] === "[]") {
            segments.push("[]");
        } else {
            segments.push(match[2]);
        }
    }
    return segments;
}

interface Node<F> {
    readonly path: string;
    facts?: F;
    readonly children: Map<string, Node<F>>;
    /** Map values (`.*`). */
    star?: Node<F>;
    /** List items (`[]`). */
    items?: Node<F>;
}

function newNode<F>(path: string): Node<F> {
    return { path, children: new Map() };
}

function buildTrie<F>(paths: Readonly<Record<string, F>>): Node<F> {
    const root = newNode<F>("");
    for (const [dotted, facts] of Object.entries(paths)) {
        let node = root;
        let walked = "";
        for (const segment of segmentsOf(dotted)) {
            if (segment === "[]") {
                walked += "[]";
                node = node.items ??= newNode(walked);
            } else if (segment === "*") {
                walked = walked === "" ? "*" : `${walked}.*`;
                node = node.star ??= newNode(walked);
            } else {
                walked = joinKey(walked, segment);
                let next = node.children.get(segment);
                if (!next) {
                    next = newNode(walked);
                    node.children.set(segment, next);
                }
                node = next;
            }
        }
        node.facts = facts;
    }
    return root;
}

const tries = new WeakMap<object, Node<unknown>>();

function trieOf<F>(paths: Readonly<Record<string, F>>): Node<F> {
    let trie = tries.get(paths) as Node<F> | undefined;
    if (!trie) {
        trie = buildTrie(paths);
        tries.set(paths, trie as Node<unknown>);
    }
    return trie;
}

/* ---------------------------------------------------------- nearest path */

function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
            );
        }
        previous = current;
    }
    return previous[b.length];
}

/** How far two segments are apart, from 0 (the same, or a wildcard) to 1 (nothing alike). */
function segmentDistance(written: string, known: string): number {
    if (written === known) {
        return 0;
    }
    if (known === "*") {
        // A map's values take any key: a match, but a weaker one than the key itself.
        return 0.5;
    }
    const a = written.toLowerCase();
    const b = known.toLowerCase();
    if (a === b) {
        return 0.1;
    }
    return editDistance(a, b) / Math.max(a.length, b.length);
}

/** Edit distance on path segments: a segment inserted or dropped costs 1, one changed less. */
function pathDistance(written: readonly string[], known: readonly string[]): number {
    let previous = Array.from({ length: known.length + 1 }, (_, i) => i);
    for (let i = 1; i <= written.length; i++) {
        const current = [i];
        for (let j = 1; j <= known.length; j++) {
            current[j] = Math.min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + segmentDistance(written[i - 1], known[j - 1]),
            );
        }
        previous = current;
    }
    return previous[known.length];
}

/** The known path nearest to a written one (segments with list indices as `[]`). */
export function nearestPath(written: readonly string[], known: readonly string[]): string {
    let best = "";
    let bestDistance = Infinity;
    for (const candidate of known) {
        const distance = pathDistance(written, segmentsOf(candidate));
        if (
            distance < bestDistance ||
            (distance === bestDistance && candidate.length < best.length)
        ) {
            best = candidate;
            bestDistance = distance;
        }
    }
    return best;
}

const knownCache = new WeakMap<object, string[]>();

function knownPaths<F>(
    paths: Readonly<Record<string, F>>,
    usable: (facts: F) => boolean,
): string[] {
    let known = knownCache.get(paths);
    if (!known) {
        known = Object.entries(paths)
            .filter(([, facts]) => usable(facts))
            .map(([path]) => path);
        knownCache.set(paths, known);
    }
    return known;
}

/* ------------------------------------------------------------------ types */

type JsonType = "string" | "integer" | "number" | "boolean" | "object" | "array" | "null";

function jsonType(value: unknown): JsonType {
    if (value === null || value === undefined) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "array";
    }
    if (typeof value === "number") {
        return Number.isInteger(value) ? "integer" : "number";
    }
    if (typeof value === "object") {
        return "object";
    }
    return typeof value as "string" | "boolean";
}

const TYPE_TEXT: Record<string, string> = {
    string: "a string",
    integer: "an integer",
    number: "a number",
    boolean: "a boolean",
    object: "a map",
    map: "a map",
    array: "a list",
    null: "null",
    "int-or-string": "an integer or a string",
    duration: "a duration string such as 10s",
    timestamp: "a timestamp string",
    enum: "one of the enum's names",
};

/** `a string`, `a boolean or a map`. */
export function typeText(types: readonly string[]): string {
    const texts = types.map((t) => TYPE_TEXT[t] ?? t);
    return texts.length > 1 ? `${texts.slice(0, -1).join(", ")} or ${texts.at(-1)}` : texts[0];
}

/** A value as a message shows it: JSON, cut short. */
export function valueText(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function shape(type: string): string {
    return type === "object" || type === "map" ? "map" : type === "array" ? "list" : "scalar";
}

/* ------------------------------------------------------------------ charts */

/** The data key of the chart a release installs (`cilium`, `istio-ztunnel`), if there is data. */
export function chartKeyOf(release: HelmRelease): string | undefined {
    const istio = istioChart(release);
    const key = istio ? `istio-${istio}` : chartName(release);
    return key in upstreamIndex().charts ? key : undefined;
}

/** Whether the data covers a chart version, and how messages name the chart and its data. */
export interface ChartCoverage {
    readonly data: ChartData;
    /** The version pinned, without a leading `v`; undefined when none is. */
    readonly version?: string;
    readonly covered: boolean;
    /** `chart cilium 1.20.1 (covered by data for 1.20.0)`, `chart istiod 1.30.3`. */
    readonly text: string;
}

export function chartCoverage(key: string, pinned: string | undefined): ChartCoverage | undefined {
    const data = chartData(key);
    if (!data) {
        return undefined;
    }
    const version =
        typeof pinned === "string" && pinned !== "" ? pinned.replace(/^v/, "") : undefined;
    const covered = version !== undefined && data.covers.includes(version);
    const nearest =
        covered && version !== data.version ? ` (covered by data for ${data.version})` : "";
    return {
        data,
        version,
        covered,
        text: `chart ${data.chart} ${version ?? "(unpinned)"}${nearest}`,
    };
}

/** The versions the data covers, for messages: `1.20.0 and 1.20.1`. */
export function coveredText(data: { readonly covers: readonly string[] }): string {
    const versions = data.covers;
    return versions.length > 1
        ? `${versions.slice(0, -1).join(", ")} and ${versions.at(-1)}`
        : versions[0];
}

function chartTypeIssue(
    facts: ChartPath,
    value: unknown,
    path: string,
): ConformanceIssue | undefined {
    const actual = jsonType(value);
    if (facts.schemaType) {
        // Helm validates the values against values.schema.json and refuses the release.
        const allowed = facts.schemaType.split("|");
        if (!allowed.includes(actual) && !(actual === "integer" && allowed.includes("number"))) {
            return {
                kind: "schemaType",
                path,
                value,
                expected: typeText(allowed),
                actual: typeText([actual]),
            };
        }
    } else if (facts.type && facts.type !== actual) {
        // Without a schema only the default's type is known: a map where the templates expect a
        // scalar (or the reverse) breaks the render, and any string is true to `if`.
        const wrongShape = shape(facts.type) !== shape(actual);
        const notBoolean = facts.type === "boolean" && actual !== "boolean";
        const numberForNumber = facts.type === "number" && actual === "integer";
        if ((wrongShape || notBoolean) && !numberForNumber) {
            return {
                kind: "type",
                path,
                value,
                expected: typeText([facts.type]),
                actual: typeText([actual]),
            };
        }
    }
    if (facts.enum && shape(actual) === "scalar") {
        if (!facts.enum.map(String).includes(String(value))) {
            return { kind: "enum", path, value, allowed: facts.enum };
        }
    }
    return undefined;
}

/** The node a path reaches in a chart's trie; `free` when a passthrough ancestor takes it. */
function reach(
    root: Node<ChartPath>,
    segments: readonly string[],
): Node<ChartPath> | "free" | undefined {
    let node = root;
    for (const segment of segments) {
        if (
            node.facts &&
            (node.facts.passthrough || node.facts.iterated) &&
            node.facts.read !== false
        ) {
            return "free";
        }
        const next: Node<ChartPath> | undefined =
            segment === "[]" ? node.items : (node.children.get(segment) ?? node.star);
        if (!next) {
            return undefined;
        }
        node = next;
    }
    return node;
}

/** The node a path reaches through the chart's aliases (Istio's `global.`, `cni.`, `pilot.`). */
function reachByAlias(data: ChartData, root: Node<ChartPath>, segments: readonly string[]) {
    for (const alias of data.aliases ?? []) {
        const from = segmentsOf(alias.from.replace(/\.$/, ""));
        if (from.every((segment, i) => segments[i] === segment) && segments.length > from.length) {
            const to = alias.to === "" ? [] : segmentsOf(alias.to.replace(/\.$/, ""));
            const reached = reach(root, [...to, ...segments.slice(from.length)]);
            if (reached === "free" || (reached && reached.facts?.read !== false)) {
                return reached;
            }
        }
    }
    return undefined;
}

interface ChartWalk {
    readonly data: ChartData;
    readonly root: Node<ChartPath>;
    readonly issues: ConformanceIssue[];
}

const chartKnown = new WeakMap<ChartData, string[]>();

/**
 * The paths a chart reads to suggest for a written one: also as an alias writes them
 * (`global.hub` beside `hub`) when the written path starts with that alias.
 */
function chartKnownPaths(data: ChartData, written: readonly string[]): string[] {
    let read = chartKnown.get(data);
    if (!read) {
        read = knownPaths(data.paths, (f: ChartPath) => f.read !== false && !f.forbidden);
        chartKnown.set(data, read);
    }
    const aliases = (data.aliases ?? []).filter((alias) =>
        segmentsOf(alias.from.replace(/\.$/, "")).every((segment, i) => written[i] === segment),
    );
    if (aliases.length === 0) {
        return read;
    }
    const aliased = aliases.flatMap((alias) =>
        read
            .filter((p) => p.startsWith(alias.to) && !p.startsWith(alias.from))
            .map((p) => `${alias.from}${p.slice(alias.to.length)}`),
    );
    return [...new Set([...read, ...aliased])];
}

function unknownChartIssue(
    walk: ChartWalk,
    kind: "unknown" | "rejected",
    path: string,
    segments: readonly string[],
    value: unknown,
): ConformanceIssue {
    // A lone key below names the setting meant better than its map (externalIPs.enabled).
    let at = path;
    let segs = segments;
    let below = value;
    while (kind === "unknown" && isRecord(below) && Object.keys(below).length === 1) {
        const [key, next] = Object.entries(below)[0];
        at = joinKey(at, key);
        segs = [...segs, key];
        below = next;
    }
    return { kind, path: at, nearest: nearestPath(segs, chartKnownPaths(walk.data, segs)) };
}

function walkChart(
    walk: ChartWalk,
    node: Node<ChartPath>,
    values: Record<string, unknown>,
    path: string,
    segments: readonly string[],
): void {
    for (const [key, value] of Object.entries(values)) {
        // Helm removes a key set to null: nothing is set.
        if (value === null || value === undefined) {
            continue;
        }
        const at = joinKey(path, key);
        const segs = [...segments, key];
        const child = node.children.get(key) ?? node.star;
        if (child?.facts?.forbidden) {
            walk.issues.push({ kind: "forbidden", path: at });
            continue;
        }
        if (!child || child.facts?.read === false) {
            const via = reachByAlias(walk.data, walk.root, segs);
            if (via === "free") {
                continue;
            }
            if (via) {
                checkChartNode(walk, via, value, at, segs);
                continue;
            }
            const closed = node === walk.root ? walk.data.rootClosed : node.facts?.closed;
            const kind = !child && closed ? "rejected" : "unknown";
            walk.issues.push(unknownChartIssue(walk, kind, at, segs, value));
            continue;
        }
        checkChartNode(walk, child, value, at, segs);
    }
}

function checkChartNode(
    walk: ChartWalk,
    node: Node<ChartPath>,
    value: unknown,
    path: string,
    segments: readonly string[],
): void {
    const facts = node.facts ?? {};
    const typeIssue = chartTypeIssue(facts, value, path);
    if (typeIssue) {
        walk.issues.push(typeIssue);
        return;
    }
    if (facts.deprecated) {
        walk.issues.push({ kind: "deprecated", path, note: facts.deprecated });
    }
    const typed = walk.data.typed?.find((t) => t.path === node.path);
    if (typed && isRecord(value)) {
        walk.issues.push(...typedIssues(typed.schema, typed.version, typed.field, value, path));
        return;
    }
    if (facts.passthrough || facts.iterated) {
        return;
    }
    if (isRecord(value)) {
        walkChart(walk, node, value, path, segments);
    } else if (Array.isArray(value) && node.items) {
        const items = node.items;
        value.forEach((item, i) => {
            if (isRecord(item)) {
                walkChart(walk, items, item, `${path}[${i}]`, [...segments, "[]"]);
            }
        });
    }
}

/** What is wrong with a chart's values, as the chart (at the data's version) reads them. */
export function checkChartValues(data: ChartData, values: unknown): ConformanceIssue[] {
    const walk: ChartWalk = { data, root: trieOf(data.paths), issues: [] };
    if (isRecord(values)) {
        walkChart(walk, walk.root, values, "", []);
    }
    return walk.issues;
}

function typedIssues(
    schema: string,
    version: string | undefined,
    field: string | undefined,
    value: Record<string, unknown>,
    path: string,
): ConformanceIssue[] {
    if (schema === "MeshConfig") {
        return checkMeshConfig(value, path);
    }
    const [group, kind] = schema.split("/");
    const crd = crdData(group, kind);
    if (!crd || !version || !crd.versions[version]) {
        return [];
    }
    return checkCrdSubtree(crd, version, field ? segmentsOf(field) : [], value, path);
}

/* ------------------------------------------------------------- MeshConfig */

interface MeshWalk {
    readonly issues: ConformanceIssue[];
    readonly known: string[];
    /** Where the mesh config sits in the values (`meshConfig`). */
    readonly prefix: string;
}

// istiod parses the mesh config with jsonpb, which takes a field's JSON name and its proto name
// alike and drops unknown keys (pkg/util/protomarshal ApplyYAML retries with
// AllowUnknownFields). ApplyMeshConfig then re-reads defaultConfig and defaultProviders by their
// JSON names only and resets what the first pass parsed (pkg/config/mesh/mesh.go), so
// default_config and default_providers do nothing.
const RESET_PROTO_NAMES = new Set(["default_config", "default_providers"]);

function protoJsonTypeOk(type: string, value: unknown, facts: MeshConfigField): boolean {
    const actual = jsonType(value);
    switch (type) {
        case "string":
        case "duration":
        case "timestamp":
            return actual === "string";
        case "boolean":
            return actual === "boolean";
        case "integer":
            return actual === "integer" || (actual === "string" && /^-?\d+$/.test(value as string));
        case "number":
            return actual === "integer" || actual === "number" || actual === "string";
        case "enum":
            return (
                actual === "integer" ||
                (actual === "string" && (facts.enum ?? []).includes(value as string))
            );
        case "object":
        case "map":
            return actual === "object";
        case "array":
            return actual === "array";
        default:
            return true;
    }
}

function meshTypeIssue(
    facts: MeshConfigField,
    type: string,
    value: unknown,
    path: string,
): ConformanceIssue | undefined {
    if (protoJsonTypeOk(type, value, facts)) {
        return undefined;
    }
    const enumNames = type === "enum" && typeof value === "string";
    return {
        kind: "meshConfigType",
        path,
        value,
        expected: enumNames ? `one of ${(facts.enum ?? []).join(", ")}` : typeText([type]),
        actual: typeText([jsonType(value)]),
    };
}

function walkMesh(
    walk: MeshWalk,
    node: Node<MeshConfigField>,
    values: Record<string, unknown>,
    path: string,
    segments: readonly string[],
): void {
    for (const [key, value] of Object.entries(values)) {
        if (value === null || value === undefined) {
            continue;
        }
        const at = joinKey(path, key);
        const segs = [...segments, key];
        const reset = segments.length === 0 && RESET_PROTO_NAMES.has(key);
        const child = reset
            ? undefined
            : (node.children.get(key) ??
              [...node.children.values()].find((c) => c.facts?.protoName === key) ??
              node.star);
        if (!child) {
            const nearest = nearestPath(segs, walk.known);
            walk.issues.push({
                kind: "meshConfig",
                path: at,
                nearest: walk.prefix === "" ? nearest : `${walk.prefix}.${nearest}`,
            });
            continue;
        }
        checkMeshNode(walk, child, value, at, segs);
    }
}

function checkMeshNode(
    walk: MeshWalk,
    node: Node<MeshConfigField>,
    value: unknown,
    path: string,
    segments: readonly string[],
): void {
    const facts = node.facts;
    if (!facts) {
        return;
    }
    const issue = meshTypeIssue(facts, facts.type, value, path);
    if (issue) {
        walk.issues.push(issue);
        return;
    }
    if (facts.deprecated) {
        walk.issues.push({ kind: "deprecated", path, note: facts.deprecated });
    }
    if (facts.passthrough) {
        return;
    }
    if (facts.type === "object" && isRecord(value)) {
        walkMesh(walk, node, value, path, segments);
    } else if (facts.type === "map" && isRecord(value)) {
        for (const [key, entry] of Object.entries(value)) {
            const at = joinKey(path, key);
            if (node.star && isRecord(entry)) {
                walkMesh(walk, node.star, entry, at, [...segments, key]);
            } else if (facts.values && entry !== null) {
                const entryIssue = meshTypeIssue(facts, facts.values, entry, at);
                if (entryIssue) {
                    walk.issues.push(entryIssue);
                }
            }
        }
    } else if (facts.type === "array" && Array.isArray(value)) {
        value.forEach((item, i) => {
            const at = `${path}[${i}]`;
            if (node.items && isRecord(item)) {
                walkMesh(walk, node.items, item, at, [...segments, "[]"]);
            } else if (facts.items && item !== null) {
                const itemIssue = meshTypeIssue(facts, facts.items, item, at);
                if (itemIssue) {
                    walk.issues.push(itemIssue);
                }
            }
        });
    }
}

/** What is wrong with a meshConfig value, as istiod's MeshConfig reads it. */
export function checkMeshConfig(
    values: Record<string, unknown>,
    prefix = "meshConfig",
): ConformanceIssue[] {
    const data = meshConfigData();
    const walk: MeshWalk = { issues: [], known: knownPaths(data.paths, () => true), prefix };
    const root = trieOf(data.paths);
    walkMesh(walk, root, values, prefix, []);
    return walk.issues;
}

/* ------------------------------------------------------------------- CRDs */

interface CrdWalk {
    readonly crd: CrdData;
    readonly issues: ConformanceIssue[];
    readonly known: string[];
}

function crdTypeOk(type: string, value: unknown): boolean {
    const actual = jsonType(value);
    switch (type) {
        case "int-or-string":
            return actual === "integer" || actual === "string";
        case "number":
            return actual === "integer" || actual === "number";
        case "object":
        case "array":
        case "string":
        case "integer":
        case "boolean":
            return actual === type;
        default:
            return true;
    }
}

function walkCrd(
    walk: CrdWalk,
    node: Node<CrdField>,
    values: Record<string, unknown>,
    path: string,
    segments: readonly string[],
): void {
    for (const [key, child] of node.children) {
        if (child.facts?.required && values[key] === undefined) {
            walk.issues.push({ kind: "fieldRequired", path: joinKey(path, key), crd: walk.crd });
        }
    }
    for (const [key, value] of Object.entries(values)) {
        if (value === null || value === undefined) {
            continue;
        }
        const at = joinKey(path, key);
        const segs = [...segments, key];
        const child = node.children.get(key) ?? node.star;
        if (!child) {
            walk.issues.push({
                kind: "field",
                path: at,
                nearest: nearestPath(segs, walk.known),
                crd: walk.crd,
            });
            continue;
        }
        checkCrdNode(walk, child, value, at, segs);
    }
}

function checkCrdNode(
    walk: CrdWalk,
    node: Node<CrdField>,
    value: unknown,
    path: string,
    segments: readonly string[],
): void {
    const facts = node.facts ?? {};
    if (facts.type && !crdTypeOk(facts.type, value)) {
        walk.issues.push({
            kind: "fieldType",
            path,
            value,
            expected: typeText([facts.type]),
            actual: typeText([jsonType(value)]),
            crd: walk.crd,
        });
        return;
    }
    if (facts.enum && !facts.enum.includes(value)) {
        walk.issues.push({ kind: "fieldEnum", path, value, allowed: facts.enum, crd: walk.crd });
        return;
    }
    if (facts.deprecated) {
        walk.issues.push({
            kind: facts.ignored ? "fieldIgnored" : "deprecated",
            path,
            note: facts.deprecated,
            crd: walk.crd,
        });
    }
    if (facts.passthrough) {
        return;
    }
    if (isRecord(value)) {
        walkCrd(walk, node, value, path, segments);
    } else if (Array.isArray(value) && node.items) {
        const items = node.items;
        value.forEach((item, i) => {
            if (item !== null && item !== undefined) {
                checkCrdNode(walk, items, item, `${path}[${i}]`, [...segments, "[]"]);
            }
        });
    }
}

/** The fields of an object's body that its CRD schema judges (not apiVersion, kind, metadata, status). */
const UNJUDGED_ROOT_KEYS = new Set(["apiVersion", "kind", "metadata", "status"]);

/** What is wrong with a custom resource's body, as its CRD's version of the data sees it. */
export function checkResource(
    crd: CrdData,
    version: string,
    body: Record<string, unknown>,
): ConformanceIssue[] {
    const data = crd.versions[version];
    if (!data || data.rootPassthrough) {
        return [];
    }
    const judged = Object.fromEntries(
        Object.entries(body).filter(([key]) => !UNJUDGED_ROOT_KEYS.has(key)),
    );
    const walk: CrdWalk = { crd, issues: [], known: knownPaths(data.paths, () => true) };
    walkCrd(walk, trieOf(data.paths), judged, "", []);
    return walk.issues;
}

/** The same for the part of a custom resource a chart writes from a value (`cr.spec` → spec). */
export function checkCrdSubtree(
    crd: CrdData,
    version: string,
    field: readonly string[],
    values: Record<string, unknown>,
    path: string,
): ConformanceIssue[] {
    const data = crd.versions[version];
    let node: Node<CrdField> | undefined = data && trieOf(data.paths);
    for (const segment of field) {
        node = node?.children.get(segment);
    }
    if (!data || !node) {
        return [];
    }
    const walk: CrdWalk = { crd, issues: [], known: knownPaths(data.paths, () => true) };
    if (node.facts?.passthrough) {
        return [];
    }
    walkCrd(walk, node, values, path, field);
    return walk.issues.map((issue) =>
        // Nearest paths are the CRD's; say them as the value path the chart reads.
        issue.nearest
            ? { ...issue, nearest: `${path}${issue.nearest.slice(field.join(".").length)}` }
            : issue,
    );
}
