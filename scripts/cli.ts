// What the command-line scripts share: argument parsing that reports a bad option in one line,
// and the entry point that hands main's result to the shell as the exit code.
import { parseArgs, ParseArgsConfig } from "util";

/** The parsed command line, or undefined after printing `<command>: <why>` for a bad option. */
export function parseCommandLine<T extends ParseArgsConfig>(command: string, config: T) {
    try {
        return parseArgs(config);
    } catch (error) {
        console.error(`${command}: ${(error as Error).message}`);
        return undefined;
    }
}

/** Runs a script's main on the process's arguments; an unexpected error exits with `failure`. */
export function runScript(main: (argv: string[]) => Promise<number>, failure: number): void {
    main(process.argv.slice(2)).then(
        // exitCode, not exit(): exit() would cut off stdout still draining into a pipe.
        (code) => (process.exitCode = code),
        (error) => {
            console.error(error instanceof Error ? (error.stack ?? error.message) : error);
            process.exitCode = failure;
        },
    );
}
