// `npm run upstream`: regenerates policies/upstream/, the data the conformance rules (PMX110 to
// PMX114) and the stack config's chart-values check read, from the pinned upstream sources that
// policies/upstream/sources.json names. Offline: each source is read from a bare git mirror
// (`<mirrors>/<owner>+<name>/repo`), or from a chart directory, packaged chart, CRD file or
// istio/api tree given on the command line. `--check` regenerates in memory and fails when a
// committed file differs, so a version bump is one command and a reviewed diff.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../harness/project";
import { Command, parseCommand, runScript } from "./cli";

type Json = Record<string, any>;

export const UPSTREAM: Command = {
    name: "upstream",
    usage: "usage: npm run upstream -- [--check] [--only NAMES] [--mirrors DIR] | chart|crd|meshconfig PATH [options]",
    summary:
        "Regenerates policies/upstream/ (the value paths of the pinned Helm charts, the fields of the custom-resource kinds, istiod's MeshConfig) from the sources in policies/upstream/sources.json, read from bare git mirrors; or derives one chart, CRD or MeshConfig from a path given here.",
    positionals:
        "Without a mode: every source of the manifest. `chart PATH` (a chart directory or .tgz) with --key writes that chart's data; `crd PATH` (a CRD file or directory) with --kind writes that kind's; `meshconfig PATH` (an istio/api tree) writes MeshConfig's.",
    options: {
        check: {
            type: "boolean",
            description: "Regenerate in memory and exit 1 when a committed file is not current.",
        },
        only: { type: "string", description: "Only these sources (comma-separated names)." },
        mirrors: {
            type: "string",
            description: "Where the bare git mirrors are (default: the manifest's mirrorRoot).",
        },
        key: { type: "string", description: "chart: the chart's key in the manifest (cilium…)." },
        kind: { type: "string", description: "crd: the kind to take from the file." },
        group: { type: "string", description: "crd: the API group, when two share a kind." },
        "chart-version": {
            type: "string",
            description: "chart: the chart version (default: Chart.yaml's).",
        },
        covers: { type: "string", description: "chart: release versions the data stands for." },
        repo: {
            type: "string",
            description: "Where PATH comes from (owner/name), for the record.",
        },
        tag: { type: "string", description: "The tag PATH was taken at, for the record." },
        commit: { type: "string", description: "The commit PATH was taken at, for the record." },
        out: { type: "string", description: "Write here instead of the data directory." },
    },
};

/** The data directory, which holds the manifest too. */
const DATA_DIR = path.join(PROJECT_ROOT, "policies", "upstream");

/** A source of the manifest. */
interface Item {
    readonly name: string;
    readonly repo: string;
    readonly tag?: string;
    readonly rev?: string;
    readonly path: string | string[];
    readonly note?: string;
    readonly gitDir?: string;
}

interface ChartItem extends Item {
    readonly key: string;
    readonly version: string;
    readonly covers: string[];
    readonly typed?: Json[];
}

interface CrdItem extends Item {
    readonly kind: string;
    readonly group?: string;
    readonly label: string;
}

interface MeshConfigItem extends Item {
    readonly entry: string;
    readonly message: string;
    readonly label: string;
    readonly covers: string[];
}

interface Manifest {
    readonly mirrorRoot: string;
    readonly charts: ChartItem[];
    readonly crds: CrdItem[];
    readonly meshConfig: MeshConfigItem;
}

function readManifest(): Manifest {
    return JSON.parse(fs.readFileSync(path.join(DATA_DIR, "sources.json"), "utf8"));
}

/* ------------------------------------------------------------ compaction */

function source(item: Item, commit: string): Json {
    return { repo: item.repo, ...(item.tag && { tag: item.tag }), commit, path: item.path };
}

function definedOnly(record: Json): Json {
    return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

/** The chart record the rules read: no evidence, only what a check needs. */
export function compactChart(
    full: Json,
    meta: Omit<ChartItem, "name" | "gitDir" | "path" | "repo">,
    src: Json,
): Json {
    const paths: Json = {};
    for (const [p, d] of Object.entries(full.paths as Json)) {
        const inValues = d.in.includes("values") || d.in.includes("profile");
        const inSchema = d.in.includes("schema");
        const known = (t: unknown) => (t === "any" || t === "null" ? undefined : t);
        paths[p] = definedOnly({
            type: inValues ? known(d.type) : undefined,
            schemaType: inSchema ? known(d.schemaType ?? d.type) : undefined,
            enum: d.enum,
            read: d.read ? undefined : false,
            passthrough: d.passthrough || undefined,
            iterated: d.iterated || undefined,
            closed: d.closed || undefined,
            forbidden: d.forbidden || undefined,
            profileOnly: d.in.length === 1 && d.in[0] === "profile" ? true : undefined,
            deprecated: d.deprecated,
        });
    }
    return definedOnly({
        chart: full.chart,
        version: meta.version,
        covers: meta.covers,
        note: meta.note,
        source: src,
        flattenGlobals: full.layering?.flattenGlobals ? true : undefined,
        aliases: full.aliases?.map((a: Json) => ({ from: a.from, to: a.to })),
        rootClosed: full.schema?.rootClosed ? true : undefined,
        typed: meta.typed,
        paths,
    });
}

/** The CRD record the rules read, the versions of every file merged. */
export function compactCrd(fulls: Json[], meta: { label: string; note?: string }, src: Json): Json {
    const versions: Json = {};
    for (const full of fulls) {
        for (const [name, v] of Object.entries(full.versions as Json)) {
            const paths: Json = {};
            for (const [p, f] of Object.entries(v.paths as Json)) {
                paths[p] = definedOnly({
                    type: f.type,
                    enum: f.enum,
                    required: f.required,
                    nullable: f.nullable,
                    passthrough: f.passthrough,
                    deprecated: f.deprecated,
                    ignored: f.ignored,
                });
            }
            versions[name] = definedOnly({
                served: v.served,
                storage: v.storage,
                deprecated: v.deprecated ? true : undefined,
                rootPassthrough: v.rootPassthrough ? true : undefined,
                paths,
            });
        }
    }
    return definedOnly({
        group: fulls[0].group,
        kind: fulls[0].kind,
        label: meta.label,
        note: meta.note,
        source: src,
        versions: Object.fromEntries(
            Object.entries(versions).sort(([a], [b]) => a.localeCompare(b)),
        ),
    });
}

/** The MeshConfig record the rules read. */
export function compactMeshConfig(full: Json, meta: MeshConfigItem, src: Json): Json {
    return definedOnly({
        label: meta.label,
        covers: meta.covers,
        note: meta.note,
        source: src,
        paths: full.paths,
    });
}

/**
 * JSON with one line per path, as prettier keeps it: the files are read by machines but reviewed
 * as diffs, where a path's facts on one line make a version bump readable.
 */
export async function dataText(data: Json, file: string): Promise<string> {
    const lines = Object.entries(data).map(([key, value]) => {
        if ((key === "paths" || key === "versions") && value && typeof value === "object") {
            const inner = Object.entries(value as Json).map(([k, v]) =>
                key === "versions"
                    ? `        ${JSON.stringify(k)}: {\n${Object.entries(v as Json)
                          .map(([vk, vv]) =>
                              vk === "paths"
                                  ? `            "paths": {\n${Object.entries(vv as Json)
                                        .map(
                                            ([p, f]) =>
                                                `                ${JSON.stringify(p)}: ${JSON.stringify(f)}`,
                                        )
                                        .join(",\n")}\n            }`
                                  : `            ${JSON.stringify(vk)}: ${JSON.stringify(vv)}`,
                          )
                          .join(",\n")}\n        }`
                    : `        ${JSON.stringify(k)}: ${JSON.stringify(v)}`,
            );
            return `    ${JSON.stringify(key)}: {\n${inner.join(",\n")}\n    }`;
        }
        return `    ${JSON.stringify(key)}: ${JSON.stringify(value)}`;
    });
    const text = `{\n${lines.join(",\n")}\n}\n`;
    const prettier = await import("prettier");
    const options = (await prettier.resolveConfig(file)) ?? {};
    return prettier.format(text, { ...options, filepath: file });
}

/* ------------------------------------------------------------ sources */

function git(gitDir: string, args: string[], input?: Buffer): Buffer {
    return execFileSync("git", ["--git-dir", gitDir, ...args], {
        maxBuffer: 1 << 30,
        input,
        stdio: ["pipe", "pipe", "pipe"],
    });
}

/** Copies a file or directory of a commit into `dest`; returns its local path. */
function gitExtract(gitDir: string, rev: string, relPath: string, dest: string): string {
    fs.mkdirSync(dest, { recursive: true });
    const type = git(gitDir, ["cat-file", "-t", `${rev}:${relPath}`])
        .toString()
        .trim();
    if (type === "blob") {
        // Kept at its path: two sources may share a file name (v2alpha1/ and v2beta1/keycloaks.yaml).
        const out = path.join(dest, relPath);
        fs.mkdirSync(path.dirname(out), { recursive: true });
        fs.writeFileSync(out, git(gitDir, ["show", `${rev}:${relPath}`]));
        return out;
    }
    const archive = git(gitDir, ["archive", rev, relPath]);
    execFileSync("tar", ["-x", "-C", dest], { input: archive });
    return path.join(dest, relPath);
}

function mirrorOf(item: Item, mirrors: string): string {
    const gitDir = item.gitDir ?? path.join(mirrors, item.repo.replace("/", "+"), "repo");
    if (!fs.existsSync(gitDir)) {
        throw new Error(`${item.name}: no mirror of ${item.repo} at ${gitDir}`);
    }
    return gitDir;
}

/** Every data file the manifest makes, by path relative to the data directory. */
async function generate(
    manifest: Manifest,
    mirrors: string,
    only?: string[],
): Promise<Map<string, Json>> {
    const { deriveChart, deriveCrd, deriveMeshConfig, extractTgz, scratchDir } =
        await import("./upstreamDerive");
    const files = new Map<string, Json>();
    const wanted = (item: Item) => !only || only.includes(item.name);
    const withSource = <T>(item: Item, make: (local: string[], src: Json) => T): T => {
        const gitDir = mirrorOf(item, mirrors);
        const rev = item.rev ?? item.tag!;
        const commit = git(gitDir, ["rev-parse", `${rev}^{commit}`])
            .toString()
            .trim();
        const tmp = scratchDir("upstream-");
        try {
            const local = (Array.isArray(item.path) ? item.path : [item.path]).map((p) =>
                gitExtract(gitDir, rev, p, tmp),
            );
            return make(local, source(item, commit));
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    };
    for (const item of manifest.charts.filter(wanted)) {
        files.set(
            `charts/${item.key}.json`,
            withSource(item, ([local], src) => {
                if (local.endsWith(".tgz")) {
                    const unpacked = extractTgz(local);
                    try {
                        return compactChart(deriveChart(unpacked.dir), item, src);
                    } finally {
                        unpacked.cleanup();
                    }
                }
                return compactChart(deriveChart(local), item, src);
            }),
        );
    }
    for (const item of manifest.crds.filter(wanted)) {
        const data = withSource(item, (local, src) => {
            const fulls = local.flatMap((file) =>
                deriveCrd(file, { kind: item.kind, group: item.group }),
            );
            if (fulls.length === 0) {
                throw new Error(`${item.name}: no CRD of kind ${item.kind} in ${item.path}`);
            }
            return compactCrd(fulls, item, src);
        });
        files.set(`crds/${data.group}/${data.kind}.json`, data);
    }
    if (wanted(manifest.meshConfig)) {
        const item = manifest.meshConfig;
        files.set(
            "meshconfig/MeshConfig.json",
            withSource(item, (local, src) => {
                // The extracted trees sit side by side under the scratch root: the api root.
                const root = path.dirname(local[0]);
                return compactMeshConfig(
                    deriveMeshConfig(root, undefined, item.entry, item.message),
                    item,
                    src,
                );
            }),
        );
    }
    if (!only) {
        files.set("index.json", {
            charts: Object.fromEntries(manifest.charts.map((c) => [c.key, `charts/${c.key}.json`])),
            crds: [...files.keys()]
                .filter((f) => f.startsWith("crds/"))
                .map((f) => ({ group: files.get(f)!.group, kind: files.get(f)!.kind, file: f })),
            meshConfig: "meshconfig/MeshConfig.json",
        });
    }
    return files;
}

/** The committed files that differ from what the sources make now. */
async function stale(files: Map<string, Json>): Promise<string[]> {
    const differing: string[] = [];
    for (const [file, data] of files) {
        const target = path.join(DATA_DIR, file);
        const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
        if (current !== (await dataText(data, target))) {
            differing.push(file);
        }
    }
    return differing;
}

async function writeAll(files: Map<string, Json>, dir = DATA_DIR): Promise<void> {
    for (const [file, data] of files) {
        const target = path.join(dir, file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, await dataText(data, target));
        console.log(`upstream: wrote ${path.relative(process.cwd(), target)}`);
    }
}

/* ------------------------------------------------------------ one source */

function localSource(values: Json, target: string): Json {
    return definedOnly({
        repo: values.repo ?? "local",
        tag: values.tag,
        commit: values.commit ?? "unrecorded",
        path: target,
    });
}

async function single(mode: string, target: string, values: Json): Promise<number> {
    const { deriveChart, deriveCrd, deriveMeshConfig, extractTgz } =
        await import("./upstreamDerive");
    const manifest = readManifest();
    let file: string;
    let data: Json;
    if (mode === "chart") {
        const meta = manifest.charts.find((c) => c.key === values.key);
        if (!meta) {
            console.error(
                `upstream: chart needs --key, one of ${manifest.charts.map((c) => c.key).join(", ")}`,
            );
            return 2;
        }
        const unpacked = target.endsWith(".tgz") ? extractTgz(target) : undefined;
        try {
            const full = deriveChart(unpacked?.dir ?? target, undefined, values["chart-version"]);
            const version = values["chart-version"] ?? full.version;
            const covers = values.covers ? String(values.covers).split(",") : [version];
            data = compactChart(
                full,
                { ...meta, version, covers, note: undefined },
                localSource(values, target),
            );
        } finally {
            unpacked?.cleanup();
        }
        file = `charts/${meta.key}.json`;
    } else if (mode === "crd") {
        const meta = manifest.crds.find(
            (c) => c.kind === values.kind && (!values.group || c.group === values.group),
        );
        const fulls = deriveCrd(target, { kind: values.kind, group: values.group });
        if (!values.kind || fulls.length === 0) {
            console.error(`upstream: crd needs --kind, a kind the file defines`);
            return 2;
        }
        data = compactCrd(
            fulls,
            { label: meta?.label ?? `${values.repo ?? "local"} ${values.tag ?? ""}`.trim() },
            localSource(values, target),
        );
        file = `crds/${data.group}/${data.kind}.json`;
    } else if (mode === "meshconfig") {
        const meta = manifest.meshConfig;
        data = compactMeshConfig(
            deriveMeshConfig(target, undefined, meta.entry, meta.message),
            { ...meta, note: undefined },
            localSource(values, target),
        );
        file = "meshconfig/MeshConfig.json";
    } else {
        console.error(`upstream: unknown mode ${mode}; use chart, crd or meshconfig`);
        return 2;
    }
    if (values.out) {
        const out = path.resolve(String(values.out));
        fs.mkdirSync(path.dirname(out), { recursive: true });
        fs.writeFileSync(out, await dataText(data, out));
        console.log(`upstream: wrote ${values.out}`);
    } else {
        await writeAll(new Map([[file, data]]));
    }
    return 0;
}

export async function main(argv: string[]): Promise<number> {
    const parsed = parseCommand(UPSTREAM, argv);
    if ("exitCode" in parsed) {
        return parsed.exitCode;
    }
    const { values, positionals } = parsed;
    if (positionals.length > 0) {
        if (positionals.length !== 2) {
            console.error(`upstream: give a mode and a path (${UPSTREAM.usage})`);
            return 2;
        }
        return single(positionals[0], positionals[1], values);
    }
    const manifest = readManifest();
    const mirrors = String(values.mirrors ?? process.env.UPSTREAM_MIRRORS ?? manifest.mirrorRoot);
    const only = typeof values.only === "string" ? values.only.split(",") : undefined;
    let files: Map<string, Json>;
    try {
        files = await generate(manifest, mirrors, only);
    } catch (error) {
        console.error(`upstream: ${(error as Error).message.split("\n")[0]}`);
        return 2;
    }
    if (values.check) {
        const differing = await stale(files);
        if (differing.length > 0) {
            console.error(`upstream: not current: ${differing.join(", ")} (run npm run upstream)`);
            return 1;
        }
        console.log(`upstream: ${files.size} files current`);
        return 0;
    }
    await writeAll(files);
    return 0;
}

if (require.main === module) {
    runScript(main, 1);
}
