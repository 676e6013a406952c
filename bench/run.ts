// `npm run bench`: the figures and budgets of the project. Prints each figure as a JSON line, then
// a table, and exits 1 when a figure misses its budget. A script, not a test: the figures depend
// on the machine, so `npm test` never times anything.
import { Command, parseCommand, runScript } from "../scripts/cli";

export const BENCH: Command = {
    name: "bench",
    usage: "usage: npm run bench",
    summary:
        "Measures the figures the project budgets (critical path, start-up, plan cost, scale, policy core, mesh-lint, test suite) and exits 1 when one misses its budget.",
    options: {},
};

export async function main(argv: string[]): Promise<number> {
    const parsed = parseCommand(BENCH, argv);
    if ("exitCode" in parsed) {
        return parsed.exitCode;
    }
    const { measure } = await import("./measure");
    return measure();
}

if (require.main === module) {
    runScript(main, 1);
}
