// Evaluation overhead: the picluster program against the SDK's floor (bench/floor.ts, the same
// resources registered directly), both launched as the Pulumi CLI launches a program, measured
// interleaved in one run; and the start-up of the compiled commands.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runProgram } from "../harness/runtime/langhost";
import { monitorOptions, PlannedResource } from "../harness/runtime/plan";
import { planStack, PROJECT_ROOT } from "../harness/stack";
import { generatedNamespaces } from "./scale";
import { median, time } from "./timing";

/** The picluster stack, with `extra` generated namespaces when given. */
function planned(extra: number) {
    return planStack({
        stack: "picluster",
        edit: (config) => {
            const mesh = config["picluster-mesh:mesh"] as { namespaces: unknown[] };
            mesh.namespaces = [...mesh.namespaces, ...generatedNamespaces(extra)];
        },
    });
}

/** A run of the floor program over a plan's resources, through the language host. */
function floorOf(directory: string, resources: readonly PlannedResource[]) {
    const file = path.join(directory, `plan-${resources.length}.json`);
    fs.writeFileSync(file, JSON.stringify(resources));
    return async () => {
        const run = await runProgram({
            ...monitorOptions("floor"),
            programDirectory: PROJECT_ROOT,
            entryPoint: "bin/bench/floor.js",
            nodeArgs: ["--stack-trace-limit=0"],
            env: { PICLUSTER_MESH_FLOOR_PLAN: file },
        });
        if (run.exitCode !== 0 || run.recording.resources.length !== resources.length) {
            throw new Error(
                `the floor registered ${run.recording.resources.length} of ${resources.length}`,
            );
        }
    };
}

/**
 * The picluster program's cost per resource against the SDK floor's, both through the language
 * host: the slope between the picluster stack and the same stack with `extra` generated
 * namespaces, so that what a run pays once (the child's start-up, loading the SDKs, our config
 * schema) does not count per resource. That fixed cost is reported beside it.
 */
export async function evaluationOverhead(rounds = 7, extra = 30) {
    const [small, large] = [(await planned(0)).resources, (await planned(extra)).resources];
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "picluster-floor-"));
    const runs = {
        program: [() => planned(0), () => planned(extra)],
        floor: [floorOf(directory, small), floorOf(directory, large)],
    };
    const times = { program: [[], []] as number[][], floor: [[], []] as number[][] };
    for (let round = 0; round < rounds; round++) {
        for (const kind of ["program", "floor"] as const) {
            for (const size of [0, 1]) {
                times[kind][size].push(await time(runs[kind][size]));
            }
        }
    }
    const [programSmall, programLarge] = times.program.map(median);
    const [floorSmall, floorLarge] = times.floor.map(median);
    const added = large.length - small.length;
    const perResourceMs = (programLarge - programSmall) / added;
    const floorPerResourceMs = (floorLarge - floorSmall) / added;
    return {
        resources: { small: small.length, large: large.length },
        programMs: { small: programSmall, large: programLarge },
        floorMs: { small: floorSmall, large: floorLarge },
        perResourceMs,
        floorPerResourceMs,
        ratio: perResourceMs / floorPerResourceMs,
        fixedMs: programSmall - floorSmall - small.length * (perResourceMs - floorPerResourceMs),
    };
}

/** Median milliseconds for a compiled command to answer `--version`. */
export function startupMs(script: string, rounds = 9): number {
    const times: number[] = [];
    for (let round = 0; round < rounds; round++) {
        const start = process.hrtime.bigint();
        const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, script), "--version"]);
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
        if (result.status !== 0) {
            throw new Error(`${script} --version exited ${result.status}: ${result.stderr}`);
        }
    }
    return median(times);
}
