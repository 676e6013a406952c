// One side of the scale figure, in a process of its own so that its peak memory is its own:
// `node bin/bench/scaleChild.js program N FILE` plans the picluster stack with N generated
// namespaces in process (the CLI's 128 KiB config variable cannot carry them; see bench/scale.ts)
// and writes the planned resources to FILE;
// `node bin/bench/scaleChild.js floor FILE` registers a plan's resources directly with the SDK
// (bench/floor.ts), the floor for the same resource count. Prints one JSON line: resources,
// milliseconds and peak resident memory in MiB.
import * as fs from "fs";
import { planProgram } from "../harness/runtime/plan";
import { planStack } from "../harness/stack";
import { generatedNamespaces } from "./scale";
import { time } from "./timing";

async function run(): Promise<void> {
    const [side, argument, output] = process.argv.slice(2);
    let resources = 0;
    const ms = await time(async () => {
        if (side === "program") {
            const plan = await planStack({
                stack: "picluster",
                inProcess: true,
                edit: (config) => {
                    const mesh = config["picluster-mesh:mesh"] as { namespaces: unknown[] };
                    mesh.namespaces = [
                        ...mesh.namespaces,
                        ...generatedNamespaces(Number(argument)),
                    ];
                },
            });
            resources = plan.resources.length;
            fs.writeFileSync(output, JSON.stringify(plan.resources));
        } else {
            process.env.PICLUSTER_MESH_FLOOR_PLAN = argument;
            const plan = await planProgram({ stack: "floor", program: require("./floor") });
            resources = plan.resources.length;
        }
    });
    const peakMiB = process.resourceUsage().maxRSS / 1024;
    console.log(JSON.stringify({ side, resources, ms, peakMiB }));
}

run().catch((error) => {
    console.error(error);
    process.exit(1);
});
