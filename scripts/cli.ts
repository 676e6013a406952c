// What the commands share: their description, `--help` and `--version`, argument parsing that
// reports a bad option in one line, and the entry point that hands main's result to the shell as
// the exit code. Only Node's own modules load here: a command imports the rest once its arguments
// are understood, so `--help` answers at once.
import { parseArgs } from "util";
import { projectVersion } from "../harness/project";

/** An option of a command, as `--help` lists it. */
export interface CommandOption {
    readonly type: "string" | "boolean";
    /** What it does, for `--help`. */
    readonly description: string;
}

/** A command's description: its name, usage line, what it does and its options. */
export interface Command {
    readonly name: string;
    readonly usage: string;
    readonly summary: string;
    readonly options: Readonly<Record<string, CommandOption>>;
    /** What the positional arguments are, when the command takes any. */
    readonly positionals?: string;
}

/** `--help`: the usage, what the command does, and every option. */
export function helpText(command: Command): string {
    const options: [string, string][] = [
        ...Object.entries(command.options).map(([name, option]): [string, string] => [
            option.type === "string" ? `--${name} VALUE` : `--${name}`,
            option.description,
        ]),
        ["--help", "Print this help and exit."],
        ["--version", "Print the version and exit."],
    ];
    const width = Math.max(...options.map(([flag]) => flag.length));
    return [
        command.usage,
        "",
        command.summary,
        ...(command.positionals ? ["", command.positionals] : []),
        "",
        "Options:",
        ...options.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
    ].join("\n");
}

export type Parsed = {
    values: Record<string, string | boolean | undefined>;
    positionals: string[];
};

/**
 * The parsed command line; or, for `--help`, `--version` and a bad option, the exit code after
 * printing the help, the version, or `<command>: <why>` in one line.
 */
export function parseCommand(command: Command, argv: string[]): Parsed | { exitCode: number } {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            options: {
                ...Object.fromEntries(
                    Object.entries(command.options).map(([name, option]) => [
                        name,
                        { type: option.type },
                    ]),
                ),
                help: { type: "boolean" },
                version: { type: "boolean" },
            },
            allowPositionals: command.positionals !== undefined,
        });
    } catch (error) {
        console.error(`${command.name}: ${(error as Error).message}`);
        return { exitCode: 2 };
    }
    if (parsed.values.help) {
        console.log(helpText(command));
        return { exitCode: 0 };
    }
    if (parsed.values.version) {
        console.log(`${command.name} (picluster-mesh) ${projectVersion()}`);
        return { exitCode: 0 };
    }
    return parsed as Parsed;
}

/** Set to 1 to see the stack trace of an unexpected error. */
export const DEBUG_VARIABLE = "PICLUSTER_MESH_DEBUG";

/**
 * Runs a command's main on the process's arguments. An unexpected error (a bug: every expected
 * one is handled by the command) exits with `failure` after one line, never a stack trace unless
 * PICLUSTER_MESH_DEBUG=1 asks for it.
 */
export function runScript(main: (argv: string[]) => Promise<number>, failure: number): void {
    main(process.argv.slice(2)).then(
        // exitCode, not exit(): exit() would cut off stdout still draining into a pipe.
        (code) => (process.exitCode = code),
        (error) => {
            const message = (error instanceof Error ? error.message : String(error)).split("\n")[0];
            console.error(
                process.env[DEBUG_VARIABLE] === "1" && error instanceof Error
                    ? error.stack
                    : `internal error: ${message.slice(0, 200)} (a bug: please report it; ${DEBUG_VARIABLE}=1 shows where)`,
            );
            process.exitCode = failure;
        },
    );
}
