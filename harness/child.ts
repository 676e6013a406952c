// Child processes the harness starts as the Pulumi CLI starts its plugins: a program through the
// language host, a policy pack through run-policy-pack. Each gets a deadline, after which it is
// stopped as the CLI cancels a plugin (SIGINT, then SIGKILL), and none outlives this process.
import { ChildProcess, spawn } from "child_process";

/** How long a child has to stop after SIGINT before it is killed (the CLI's WaitDelay). */
const GRACE_MS = 5000;

export interface ChildOptions {
    readonly cwd: string;
    readonly env: NodeJS.ProcessEnv;
    /** How long the child may run before it is stopped. */
    readonly timeoutMs: number;
    /** Whether to read the child's stdout (a policy pack prints its port there). */
    readonly stdout?: boolean;
}

/** A running child. */
export interface Child {
    readonly process: ChildProcess;
    /** Resolves with the exit code (null when a signal ended it) once the child has closed. */
    readonly closed: Promise<number | null>;
    /** What the child has written to stderr so far. */
    stderr(): string;
    /** Whether the child was stopped for outliving its timeout. */
    timedOut(): boolean;
    /** Kills the child now, if it still runs. */
    kill(): void;
}

/**
 * The environment for a child the CLI would start, from this process's: Pulumi's per-run
 * variables (set by the launcher from its own arguments) are left out, so a parent's never leak.
 */
export function childEnvironment(set: Readonly<Record<string, string>>): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) {
        if (value !== undefined && !/^PULUMI_(NODEJS_|CONFIG)/.test(key)) {
            env[key] = value;
        }
    }
    return Object.assign(env, set);
}

function running(child: ChildProcess): boolean {
    return child.exitCode === null && child.signalCode === null;
}

/** Starts a child process with a deadline; it is killed at the latest when this process exits. */
export function startChild(command: string, args: readonly string[], options: ChildOptions): Child {
    const child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env,
        stdio: ["ignore", options.stdout ? "pipe" : "ignore", "pipe"],
    });
    const stderr: Buffer[] = [];
    child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk));
    const kill = () => {
        if (running(child)) {
            child.kill("SIGKILL");
        }
    };
    process.once("exit", kill);
    let timedOut = false;
    const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGINT");
        setTimeout(kill, GRACE_MS).unref();
    }, options.timeoutMs);
    timer.unref();
    const closed = new Promise<number | null>((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code) => resolve(code));
    }).finally(() => {
        clearTimeout(timer);
        process.off("exit", kill);
    });
    // A caller that never awaits `closed` must not see an unhandled rejection.
    closed.catch(() => undefined);
    return {
        process: child,
        closed,
        stderr: () => Buffer.concat(stderr).toString("utf8"),
        timedOut: () => timedOut,
        kill,
    };
}
