// Fixture suites for the policy pack, in the manner of Kyverno's and Gatekeeper's and istioctl's
// analyzer tests: one folder per rule code under fixtures/, holding pass*.yaml, fail*.yaml and
// not-applicable*.yaml files. Each file is multi-document YAML: a header document `fixture:
// {description, config, expect, notApplicable}`, then the resources. A failing fixture expects
// findings as (resource, template, arguments), as istioctl's tests expect (message type,
// resource); the full sentences are kept once per rule in golden/<code>.txt. A resource is a Kubernetes object, or a Pulumi resource
// written as `{type, name, dependsOn, inputs}`, marked by `inputs` (Helm releases, Keycloak clients, patches, or any
// object that needs dependency edges). Objects get the Pulumi type `kubernetes:<apiVersion>:<Kind>`
// and the name `<namespace>/<name>` (or `<name>` when cluster-scoped) unless they say otherwise.
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { Plan } from "../../harness/runtime/plan";
import { writtenResources } from "../../harness/runtime/written";

export const FIXTURES = path.join(__dirname, "fixtures");

export type FixtureKind = "pass" | "fail" | "not-applicable";

export interface Expectation {
    /** The Pulumi name of the resource the violation is reported on, or "stack". */
    resource: string;
    /** The catalogue template the finding follows. */
    template: string;
    /** The template's arguments. */
    args: Record<string, string | number>;
}

export interface Fixture {
    code: string;
    file: string;
    kind: FixtureKind;
    description: string;
    /** The rule's config, as `--policy-pack-config` would give it. */
    config?: Record<string, unknown>;
    expect: Expectation[];
    /** The reason a not-applicable fixture expects. */
    notApplicable?: string;
    plan: Plan;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
/** A plan of the resources the documents describe, as a fixture file's plan. */
export function fixturePlan(documents: any[], file: string): Plan {
    return { stack: "fixture", resources: writtenResources(documents, file), outputs: {} };
}

function kindOf(file: string): FixtureKind | undefined {
    return (["not-applicable", "pass", "fail"] as const).find((kind) =>
        path.basename(file).startsWith(kind),
    );
}

/** Reads one fixture file. */
export function readFixture(file: string): Fixture {
    const documents = parseAllDocuments(fs.readFileSync(file, "utf8")).map((doc) => {
        if (doc.errors.length > 0) {
            throw new Error(`${file}: ${doc.errors[0].message}`);
        }
        return doc.toJS();
    });
    const [header, ...resources] = documents;
    if (!header?.fixture) {
        throw new Error(`${file}: the first document must be the fixture header`);
    }
    const kind = kindOf(file);
    if (!kind) {
        throw new Error(`${file}: fixture files are named pass*, fail* or not-applicable*`);
    }
    const plan = fixturePlan(resources, file);
    const names = new Set(plan.resources.map((r) => r.name));
    const expect: Expectation[] = header.fixture.expect ?? [];
    for (const expectation of expect) {
        if (expectation.resource !== "stack" && !names.has(expectation.resource)) {
            throw new Error(
                `${file}: expects a violation on ${expectation.resource}, which the file lacks`,
            );
        }
    }
    return {
        code: path.basename(path.dirname(file)),
        file: path.relative(FIXTURES, file),
        kind,
        description: header.fixture.description,
        config: header.fixture.config,
        expect,
        notApplicable: header.fixture.notApplicable,
        plan,
    };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Every fixture folder (named after a rule code). */
export function fixtureFolders(): string[] {
    return fs
        .readdirSync(FIXTURES, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort();
}

/** Every fixture file in a folder. */
export function fixtureFiles(code: string): string[] {
    return fs
        .readdirSync(path.join(FIXTURES, code))
        .sort()
        .map((name) => path.join(FIXTURES, code, name));
}
