// The layers of docs/architecture.md, held by a test: which folder may import which, no import
// cycles, and the policy core reached only through its entry point. Imports are read with
// TypeScript's own pre-processor, so the test sees what the compiler sees.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { PROJECT_ROOT } from "../harness/stack";
import { LAYERS as ALLOWED } from "../scripts/layers";

/** A source file's layer: its first folder, `policies/<part>` inside the pack, or the entry. */
function layerOf(file: string): string {
    const parts = file.split("/");
    if (parts.length === 1) {
        return "index";
    }
    if (parts[0] === "policies") {
        return parts.length === 2 ? "policies" : `policies/${parts[1]}`;
    }
    return parts[0];
}

/** Every TypeScript source of the program, the pack and the tools (tests aside). */
function sources(): string[] {
    const found: string[] = [];
    const walk = (dir: string) => {
        for (const entry of fs.readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true })) {
            const relative = dir === "" ? entry.name : `${dir}/${entry.name}`;
            if (entry.isDirectory()) {
                if (!["node_modules", "test", ".git", "bin"].includes(entry.name)) {
                    walk(relative);
                }
            } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
                found.push(relative);
            }
        }
    };
    walk("");
    return found.sort();
}

/** The project files a source imports, as paths from the project root. */
function importsOf(file: string): { target: string; specifier: string }[] {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");
    return ts
        .preProcessFile(text, true, true)
        .importedFiles.map((imported) => imported.fileName)
        .filter((specifier) => specifier.startsWith("."))
        .map((specifier) => {
            const resolved = path.posix.normalize(
                path.posix.join(path.posix.dirname(file), specifier),
            );
            const target = [`${resolved}.ts`, `${resolved}/index.ts`].find((candidate) =>
                fs.existsSync(path.join(PROJECT_ROOT, candidate)),
            );
            return { target: target ?? resolved, specifier };
        });
}

/** Import cycles, each as the files on it. Tarjan's strongly connected components. */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const found: string[][] = [];
    let next = 0;
    const visit = (node: string) => {
        index.set(node, next);
        low.set(node, next++);
        stack.push(node);
        onStack.add(node);
        for (const target of graph.get(node) ?? []) {
            if (!index.has(target)) {
                visit(target);
                low.set(node, Math.min(low.get(node)!, low.get(target)!));
            } else if (onStack.has(target)) {
                low.set(node, Math.min(low.get(node)!, index.get(target)!));
            }
        }
        if (low.get(node) === index.get(node)) {
            const component: string[] = [];
            let member: string;
            do {
                member = stack.pop()!;
                onStack.delete(member);
                component.push(member);
            } while (member !== node);
            if (component.length > 1 || (graph.get(node) ?? []).includes(node)) {
                found.push(component.sort());
            }
        }
    };
    for (const node of graph.keys()) {
        if (!index.has(node)) {
            visit(node);
        }
    }
    return found;
}

/** Imports that cross layers the wrong way, or reach into the core past its entry point. */
export function layerViolations(
    imports: ReadonlyMap<string, readonly { target: string; specifier: string }[]>,
): string[] {
    const violations: string[] = [];
    for (const [file, targets] of imports) {
        const from = layerOf(file);
        for (const { target, specifier } of targets) {
            const to = layerOf(target);
            if (to !== from && !(ALLOWED[from] ?? []).includes(to)) {
                violations.push(`${file} imports ${target}: ${from} may not import ${to}`);
            }
            if (to === "policies/core" && from !== "policies/core" && !/\/core$/.test(specifier)) {
                violations.push(`${file} imports ${target} past the core's entry point`);
            }
        }
    }
    return violations;
}

describe("the architecture", () => {
    const files = sources();
    const imports = new Map(files.map((file) => [file, importsOf(file)]));

    it("has no import cycle", () => {
        const graph = new Map(
            [...imports].map(([file, targets]) => [file, targets.map((t) => t.target)]),
        );
        expect(cycles(graph)).to.deep.equal([]);
    });

    it("imports only down its layers, and into the policy core only through its entry point", () => {
        expect(layerViolations(imports)).to.deep.equal([]);
    });

    it("catches a cycle, a wrong-way import and an import past the core's entry point", () => {
        expect(
            cycles(
                new Map([
                    ["a.ts", ["b.ts"]],
                    ["b.ts", ["a.ts"]],
                    ["c.ts", ["a.ts"]],
                ]),
            ),
        ).to.deep.equal([["a.ts", "b.ts"]]);
        expect(
            layerViolations(
                new Map([
                    [
                        "config/mesh.ts",
                        [{ target: "components/mesh.ts", specifier: "../components/mesh" }],
                    ],
                    [
                        "lint/lint.ts",
                        [{ target: "policies/core/rule.ts", specifier: "../policies/core/rule" }],
                    ],
                ]),
            ),
        ).to.deep.equal([
            "config/mesh.ts imports components/mesh.ts: config may not import components",
            "lint/lint.ts imports policies/core/rule.ts past the core's entry point",
        ]);
    });

    it("gives every source file a layer of the drawing", () => {
        const unknown = files.map(layerOf).filter((layer) => !(layer in ALLOWED));
        expect([...new Set(unknown)]).to.deep.equal([]);
    });
});
