// The measurements of `npm run bench` (bench/run.ts): each figure with its budget.
import { spawnSync } from "child_process";
import * as os from "os";
import { installCriticalPath } from "../harness/criticalPath";
import { planStack, PROJECT_ROOT } from "../harness/stack";
import { planInventory } from "../harness/engine";
import { evaluate } from "../policies/core";
import { rules } from "../policies/rules";
import { lintBenchmark, lintProcess } from "./lint";
import { evaluationOverhead, startupMs } from "./overhead";
import { generatedPlan } from "./policies";
import { planAndCheck, scaleAgainstFloor } from "./scale";
import { median, time } from "./timing";

interface Figure {
    name: string;
    value: number;
    unit: string;
    budget: string;
    ok: boolean;
    detail?: Record<string, unknown>;
}

const figures: Figure[] = [];

function record(figure: Figure): void {
    figures.push(figure);
    console.log(JSON.stringify(figure));
}

/** Median milliseconds of the policy core (every rule) over a generated plan of `count`. */
async function policyCore(count: number): Promise<number> {
    const plan = generatedPlan(count);
    const inventory = planInventory(plan);
    const times: number[] = [];
    for (let round = 0; round < 5; round++) {
        times.push(await time(() => evaluate(inventory, rules)));
    }
    return median(times);
}

/** The compiled commands whose start-up is measured. */
const COMMANDS = [
    "bin/scripts/plan.js",
    "bin/scripts/meshLint.js",
    "bin/scripts/meshReport.js",
    "bin/scripts/docs.js",
    "bin/bench/run.js",
];

/** Measures every figure, prints them, and returns 1 when one misses its budget. */
export async function measure(): Promise<number> {
    // 1. Install critical path.
    const path1 = installCriticalPath((await planStack({ stack: "picluster" })).resources);
    const expected = [
        ["cilium-release", "istio-base"],
        ["istio-cni", "istio-istiod"],
        ["istio-ztunnel"],
    ];
    const onPath = path1.steps.map((step) => step.filter((name) => expected.flat().includes(name)));
    record({
        name: "install critical path (Helm releases waited for in sequence)",
        value: path1.steps.length,
        unit: "releases",
        budget: "= 3: Cilium or base, then cni or istiod, then ztunnel",
        ok: path1.steps.length === 3 && JSON.stringify(onPath) === JSON.stringify(expected),
        detail: { chain: path1.chain, steps: path1.steps },
    });

    // 2. Start-up of each compiled command.
    for (const script of COMMANDS) {
        const ms = startupMs(script);
        record({
            name: `start-up of ${script} (--version)`,
            value: Math.round(ms),
            unit: "ms",
            budget: "< 300",
            ok: ms < 300,
        });
    }

    // 3. Evaluation overhead against the SDK's floor, both launched as the Pulumi CLI does.
    const overhead = await evaluationOverhead();
    record({
        name: "plan cost per resource through the language host (picluster program / SDK floor)",
        value: Number(overhead.ratio.toFixed(2)),
        unit: "ratio",
        budget: "<= 1.3",
        ok: overhead.ratio <= 1.3,
        detail: overhead,
    });

    // 4. Scale: 500 generated namespaces of 4 exceptions, plan and policies.
    await planAndCheck(5); // warm-up: module loading is not the program's cost
    const small = await planAndCheck(50);
    const large = await planAndCheck(500);
    record({
        name: "plan + policies, 500 namespaces x 4 exceptions (in process)",
        value: Math.round(large.ms),
        unit: "ms",
        budget: "< 15000",
        ok: large.ms < 15000 && large.violations === 0,
        detail: large,
    });
    record({
        name: "plan + policies growth, 500 / 50 namespaces",
        value: Number((large.ms / small.ms).toFixed(1)),
        unit: "ratio",
        budget: "<= 12",
        ok: large.ms / small.ms <= 12,
        detail: { small, large },
    });

    // 4b. 5,000 and 10,000 namespaces, each in its own process beside the SDK floor for the same
    // resources: time must grow linearly, peak memory stay near the floor's.
    const [five, ten] = [scaleAgainstFloor(5000), scaleAgainstFloor(10000)];
    record({
        name: "plan growth, 10,000 / 5,000 namespaces (own process)",
        value: Number((ten.program.ms / five.program.ms).toFixed(2)),
        unit: "ratio",
        budget: "<= 2.1",
        ok: ten.program.ms / five.program.ms <= 2.1,
        detail: { five, ten },
    });
    record({
        name: "peak memory at 10,000 namespaces, program / SDK floor",
        value: Number(ten.memoryRatio.toFixed(2)),
        unit: "ratio",
        budget: "<= 1.3",
        ok: ten.memoryRatio <= 1.3,
        detail: { program: ten.program, floor: ten.floor },
    });

    // 5. The policy core on 10,000 resources and mesh-lint on 10,000 YAML documents.
    await policyCore(1000);
    const core1k = await policyCore(1000);
    const core10k = await policyCore(10000);
    record({
        name: "policy core, 10,000 resources",
        value: Math.round(core10k),
        unit: "ms",
        budget: "< 2000, growth 10k / 1k <= 12",
        ok: core10k < 2000 && core10k / core1k <= 12,
        detail: { "1000": core1k, "10000": core10k },
    });
    const lint1k = await lintBenchmark(1000, 3);
    const lint10k = await lintBenchmark(10000, 3);
    const lintTotal = (t: { readMs: number; rulesMs: number }) => t.readMs + t.rulesMs;
    record({
        name: "mesh-lint reader and rules, 10,000 YAML documents of a Flux tree",
        value: Math.round(lintTotal(lint10k)),
        unit: "ms",
        budget: "< 1000, growth 10k / 1k <= 12",
        ok: lintTotal(lint10k) < 1000 && lintTotal(lint10k) / lintTotal(lint1k) <= 12,
        detail: { "1000": lint1k, "10000": lint10k },
    });
    const process900 = lintProcess(900);
    record({
        name: "mesh-lint as a process, 900-file Flux tree (the Pi Cluster's size)",
        value: Math.round(process900.ms),
        unit: "ms",
        budget: "< 1000, exit 0",
        ok: process900.ms < 1000 && process900.exitCode === 0,
        detail: { ...process900 },
    });

    // 6. `npm test`'s wall time: build, lint and the suite.
    const start = process.hrtime.bigint();
    const test = spawnSync("npm", ["test", "--silent"], { cwd: PROJECT_ROOT, encoding: "utf8" });
    const suiteMs = Number(process.hrtime.bigint() - start) / 1e6;
    record({
        name: "npm test wall time (build, lint, suite)",
        value: Math.round(suiteMs),
        unit: "ms",
        budget: "< 60000",
        ok: test.status === 0 && suiteMs < 60000,
        detail: { exitCode: test.status },
    });

    console.log(
        `\nmachine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "unknown CPU"}, ` +
            `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`,
    );
    console.log("| figure | value | budget | |");
    console.log("| --- | --- | --- | --- |");
    for (const f of figures) {
        console.log(
            `| ${f.name} | ${f.value} ${f.unit} | ${f.budget} | ${f.ok ? "ok" : "MISSED"} |`,
        );
    }
    return figures.every((f) => f.ok) ? 0 : 1;
}
