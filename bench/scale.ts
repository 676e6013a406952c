// Scale: the picluster stack with N generated enrolled namespaces of 4 exceptions each, planned
// and checked by the policy pack. The program runs in this process: the CLI hands a program its
// whole config in one environment variable, which Linux caps at 128 KiB, and 500 namespaces of
// exceptions take more (see ConfigTooLargeError in harness/runtime/langhost.ts).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runPolicies } from "../harness/engine";
import { planStack } from "../harness/stack";
import { time } from "./timing";

/** Enrolled namespaces with four PERMISSIVE port exceptions each, in the mesh config's shape. */
export function generatedNamespaces(count: number) {
    return Array.from({ length: count }, (_, n) => ({
        name: `team-${n}`,
        exceptions: Array.from({ length: 4 }, (_, e) => ({
            name: `metrics-${e}`,
            selector: { app: `service-${e}` },
            ports: [{ port: 9100 + e, mode: "PERMISSIVE", client: "prometheus" }],
            reason: `Prometheus scrapes service-${e}'s exporter from outside the mesh.`,
        })),
    }));
}

/** Milliseconds to plan and check the picluster stack plus `count` generated namespaces. */
export async function planAndCheck(count: number) {
    let resources = 0;
    let violations = 0;
    const ms = await time(async () => {
        const plan = await planStack({
            stack: "picluster",
            inProcess: true,
            edit: (config) => {
                const mesh = config["picluster-mesh:mesh"] as { namespaces: unknown[] };
                mesh.namespaces = [...mesh.namespaces, ...generatedNamespaces(count)];
            },
        });
        resources = plan.resources.length;
        violations = (await runPolicies(plan)).violations.length;
    });
    return { namespaces: count, resources, violations, ms };
}

interface SideRun {
    side: string;
    resources: number;
    ms: number;
    peakMiB: number;
}

function side(args: string[]): SideRun {
    const child = spawnSync(
        process.execPath,
        ["--stack-trace-limit=0", path.join(__dirname, "scaleChild.js"), ...args],
        { encoding: "utf8", maxBuffer: 1 << 26 },
    );
    if (child.status !== 0) {
        throw new Error(`scale child ${args.join(" ")} failed: ${child.stderr.trim()}`);
    }
    return JSON.parse(child.stdout.trim().split("\n").pop()!);
}

/**
 * The picluster program with `count` generated namespaces against the SDK floor for the same
 * resources, each in a fresh process: time and peak memory side by side.
 */
export function scaleAgainstFloor(count: number) {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "picluster-scale-"));
    try {
        const file = path.join(directory, "plan.json");
        const program = side(["program", String(count), file]);
        const floor = side(["floor", file]);
        return { namespaces: count, program, floor, memoryRatio: program.peakMiB / floor.peakMiB };
    } finally {
        fs.rmSync(directory, { recursive: true, force: true });
    }
}
