// Wrong shapes are findings or skips, never crashes: fast-check turns fields of the fixture
// objects (the policy fixtures, and the files of the Flux trees) into values of every other YAML
// type, and the YAML adapter (parsing, kustomize and Flux builds, Helm values) and every rule of
// the pack must take the result without an exception. The seed is fixed and the runs bounded, so
// that the suite stays fast and fails alike everywhere; MUTATION_RUNS=<n> searches further (an
// exhaustive sweep of every field and type passed before this test was written).
import { expect } from "chai";
import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { lintInput } from "../../lint/lint";
import { collectYamlFiles, yamlInput } from "../../policies/adapters/yaml";
import { FIXTURES } from "../policies/fixtures";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;
type Path = readonly (string | number)[];

const TYPES = ["null", "boolean", "integer", "float", "string", "sequence", "mapping"] as const;
type YamlType = (typeof TYPES)[number];

function typeOf(value: unknown): YamlType {
    if (value === null || value === undefined) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "sequence";
    }
    switch (typeof value) {
        case "boolean":
            return "boolean";
        case "number":
            return Number.isInteger(value) ? "integer" : "float";
        case "string":
            return "string";
        default:
            return "mapping";
    }
}

/** Strings the rules compare against, beside arbitrary ones. */
const MEANINGFUL = ["", "*", "true", "8080", "15008", "default", "istio-system", "STRICT", "a/b"];
const KEYS = ["name", "port", "matchLabels", "items", "kind", "spec", "__proto__", "constructor"];

const scalar = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 12 }),
    fc.constantFrom(...MEANINGFUL),
);
const { nested } = fc.letrec((tie) => ({
    nested: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        scalar,
        fc.array(tie("nested"), { maxLength: 3 }),
        fc.dictionary(
            fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...KEYS)),
            tie("nested"),
            {
                maxKeys: 3,
            },
        ),
    ),
}));

/** Values of one YAML type. */
const valuesOf: Record<YamlType, fc.Arbitrary<unknown>> = {
    null: fc.constant(null),
    boolean: fc.boolean(),
    integer: fc.oneof(fc.integer(), fc.constantFrom(0, -1, 443, 15008, 65536, 2 ** 53)),
    float: fc.double(),
    string: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...MEANINGFUL)),
    sequence: fc.array(nested, { maxLength: 4 }),
    mapping: fc.dictionary(
        fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...KEYS)),
        nested,
        {
            maxKeys: 4,
        },
    ),
};

/** Every field below a value: its path and the type it has. */
function fieldsOf(value: Json, prefix: Path = []): { path: Path; type: YamlType }[] {
    if (typeof value !== "object" || value === null) {
        return [];
    }
    return Object.entries(value).flatMap(([key, child]) => {
        const at = [...prefix, Array.isArray(value) ? Number(key) : key];
        return [{ path: at, type: typeOf(child) }, ...fieldsOf(child, at)];
    });
}

/** The documents with the field at `path` of document `index` set to `value`, if it still exists. */
function mutate(documents: Json[], index: number, at: Path, value: unknown): Json[] {
    const copy = structuredClone(documents);
    let parent = copy[index];
    for (const key of at.slice(0, -1)) {
        parent = parent?.[key];
    }
    if (typeof parent === "object" && parent !== null) {
        parent[at[at.length - 1]] = value;
    }
    return copy;
}

/**
 * Documents as YAML text. JSON is YAML (1.2's flow style) and far quicker to write than block
 * style; the floats JSON lacks are written as YAML writes them.
 */
function toText(documents: Json[]): string {
    const special = new Map([
        [String(NaN), ".nan"],
        [String(Infinity), ".inf"],
        [String(-Infinity), "-.inf"],
    ]);
    return documents
        .map((document) =>
            JSON.stringify(
                document,
                (_key, value) =>
                    typeof value === "number" && !Number.isFinite(value) ? `\u0000${value}` : value,
                1,
            ).replace(/"\\u0000(NaN|Infinity|-Infinity)"/g, (_, name: string) =>
                special.get(name)!,
            ),
        )
        .join("\n---\n");
}

/**
 * A policy fixture's resources as YAML holds them: Kubernetes objects as written, a Pulumi Helm
 * release as the Flux HelmRelease and HelmRepository that install it, a Namespace patch as the
 * Namespace; Pulumi-only resources (Keycloak clients, components) are left out.
 */
function asYaml(resource: Json): Json[] {
    if (resource?.inputs === undefined) {
        return [resource];
    }
    const inputs = resource.inputs ?? {};
    if (resource.type === "kubernetes:helm.sh/v3:Release") {
        const name = inputs.name ?? resource.name;
        const namespace = inputs.namespace ?? "default";
        return [
            {
                apiVersion: "source.toolkit.fluxcd.io/v1",
                kind: "HelmRepository",
                metadata: { name: `${name}-charts`, namespace },
                spec: { url: inputs.repositoryOpts?.repo ?? "https://charts.example.com" },
            },
            {
                apiVersion: "helm.toolkit.fluxcd.io/v2",
                kind: "HelmRelease",
                metadata: { name, namespace },
                spec: {
                    releaseName: name,
                    chart: {
                        spec: {
                            chart: inputs.chart,
                            version: inputs.version,
                            sourceRef: { kind: "HelmRepository", name: `${name}-charts` },
                        },
                    },
                    values: inputs.values ?? {},
                },
            },
        ];
    }
    if (resource.type === "kubernetes:core/v1:NamespacePatch") {
        return [{ apiVersion: "v1", kind: "Namespace", ...inputs }];
    }
    return String(resource.type).startsWith("kubernetes:") && inputs.kind ? [inputs] : [];
}

interface Input {
    readonly name: string;
    /** The files, each a list of documents; one of them is mutated. */
    readonly files: { display: string; real: string; documents: Json[]; text?: string }[];
    /** Where fields are: file, document, path and the type it has. */
    readonly sites: { file: number; document: number; path: Path; type: YamlType }[];
}

function sitesOf(
    files: Input["files"],
    only?: (file: Input["files"][number], document: Json) => boolean,
) {
    return files.flatMap((file, f) =>
        file.documents.flatMap((document, d) =>
            only && !only(file, document)
                ? []
                : fieldsOf(document).map((field) => ({ file: f, document: d, ...field })),
        ),
    );
}

function policyFixtures(): Input[] {
    return fs
        .readdirSync(FIXTURES)
        .sort()
        .flatMap((code) =>
            fs
                .readdirSync(path.join(FIXTURES, code))
                .sort()
                .map((name): Input => {
                    const real = path.join(FIXTURES, code, name);
                    const documents = parseAllDocuments(fs.readFileSync(real, "utf8"))
                        .slice(1)
                        .flatMap((document) => asYaml(document.toJS()));
                    const files = [{ display: `${code}/${name}`, real, documents }];
                    return { name: `${code}/${name}`, files, sites: sitesOf(files) };
                }),
        )
        .filter((input) => input.sites.length > 0);
}

const FLUX = path.join(__dirname, "..", "fixtures", "flux");

/**
 * A Flux tree as files in memory, built whole on every run; only what steers the builds is
 * mutated (kustomizations, Flux's objects): the objects they apply are the policy fixtures' kind.
 */
function fluxTree(tree: string): Input {
    const files = collectYamlFiles([path.join(FLUX, tree)]).map((file) => {
        const text = fs.readFileSync(file.real, "utf8");
        const documents = parseAllDocuments(text).map((d) =>
            d.errors.length > 0 ? null : d.toJS(),
        );
        return { ...file, text, documents };
    });
    const steers = (file: Input["files"][number], document: Json) =>
        /kustomization\.ya?ml$/.test(file.real) ||
        /fluxcd\.io\//.test(String(document?.apiVersion));
    return { name: `the ${tree} Flux tree`, files, sites: sitesOf(files, steers) };
}

/** One mutation: a field of a file's document, the type it becomes and the value. */
function mutations(input: Input) {
    return fc.array(
        fc
            .constantFrom(...input.sites)
            .chain((site) =>
                fc
                    .constantFrom(...TYPES.filter((type) => type !== site.type))
                    .chain((type) => valuesOf[type].map((value) => ({ ...site, type, value }))),
            ),
        { minLength: 1, maxLength: 3 },
    );
}

type Mutation = ReturnType<typeof mutations> extends fc.Arbitrary<(infer M)[]> ? M : never;

/** Lints the input with the mutations applied; throws what escapes. */
function lintMutated(input: Input, applied: readonly Mutation[]): void {
    const documents = input.files.map((file) => file.documents);
    for (const m of applied) {
        documents[m.file] = mutate(documents[m.file], m.document, m.path, m.value);
    }
    const sources = input.files.map((file, i) => ({
        display: file.display,
        real: file.real,
        // Files no mutation touched keep their text (and their comments).
        text:
            documents[i] === file.documents && file.text !== undefined
                ? file.text
                : toText(documents[i]),
    }));
    lintInput(yamlInput(sources));
}

/** Mutations of one of the inputs, named so that a counterexample reads short. */
function mutationsOf(inputs: readonly Input[]) {
    return fc
        .constantFrom(...inputs)
        .chain((input) => mutations(input).map((applied) => ({ fixture: input.name, applied })));
}

function byName(inputs: readonly Input[], name: string): Input {
    return inputs.find((input) => input.name === name)!;
}

const RUNS = Number(process.env.MUTATION_RUNS) || undefined;

describe("the YAML adapter and every rule, given fields of every YAML type", function () {
    // A deeper search (MUTATION_RUNS) takes as long as it takes.
    this.timeout(RUNS === undefined ? 60000 : 0);
    const fixtures = policyFixtures();

    it("find fields to mutate in every policy fixture with resources YAML can hold", () => {
        expect(fixtures.length).to.be.greaterThan(150);
    });

    it("take mutated policy fixtures without an exception", () => {
        fc.assert(
            fc.property(mutationsOf(fixtures), ({ fixture, applied }) =>
                lintMutated(byName(fixtures, fixture), applied),
            ),
            { seed: 15, numRuns: RUNS ?? 600 },
        );
    });

    it("take mutated kustomizations and Flux objects of the Flux trees without an exception", () => {
        const trees = ["broken", "corrected"].map(fluxTree);
        fc.assert(
            fc.property(mutationsOf(trees), ({ fixture, applied }) =>
                lintMutated(byName(trees, fixture), applied),
            ),
            { seed: 15, numRuns: RUNS ?? 30 },
        );
    });
});
/* eslint-enable @typescript-eslint/no-explicit-any */
