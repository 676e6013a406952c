// Runs a Pulumi program the way the Pulumi CLI does: the nodejs language host starts
// `@pulumi/pulumi/cmd/run` in a child process with the resource monitor's and the engine's
// addresses, the project, stack, organization and working directory on the command line and the
// stack's config in the environment (pulumi-language-nodejs main.go, constructArguments and
// execRuntime; @pulumi/pulumi cmd/run/index.js). Here the monitor and the engine are
// RecordingMonitor, served over gRPC on a loopback port; nothing in the SDK is patched.
import * as grpc from "@grpc/grpc-js";
import * as path from "path";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { ResourceMonitorService } from "@pulumi/pulumi/proto/resource_grpc_pb";
import { childEnvironment, startChild } from "../child";
import { Callback, MonitorOptions, Recording, RecordingMonitor } from "./monitor";

/** How `cmd/run` reports a failure it already logged through the engine (cmd/run/index.js). */
export const EXIT_ALREADY_LOGGED = 32;

export interface LanguageHostOptions extends MonitorOptions {
    /** The program's directory (`--pwd`), where `@pulumi/pulumi` is resolved from. */
    readonly programDirectory: string;
    /** The entry point: `.` for package.json's main, or a file in the program directory. */
    readonly entryPoint: string;
    /** The project's root directory, where Pulumi.yaml is. Defaults to the program directory. */
    readonly rootDirectory?: string;
    /** Node's own arguments, as Pulumi.yaml's `runtime.options.nodeargs` would give them. */
    readonly nodeArgs?: readonly string[];
    /** Extra environment for the program, as Pulumi.yaml's runtime options set it. */
    readonly env?: Readonly<Record<string, string>>;
    /** How long the program may run before it is stopped. Defaults to 120 s. */
    readonly timeoutMs?: number;
}

/** What a program run produced. */
export interface ProgramRun {
    readonly recording: Recording;
    /** The child's exit code, or null when a signal ended it. */
    readonly exitCode: number | null;
    /** Whether the run was stopped for taking longer than its timeout. */
    readonly timedOut: boolean;
    /** What the child wrote to stderr (module-load failures land there, not in the logs). */
    readonly stderr: string;
}

/** Serves the recording monitor over gRPC: the resource monitor and the engine on one port. */
async function serve(monitor: RecordingMonitor): Promise<{ address: string; server: grpc.Server }> {
    const server = new grpc.Server({
        "grpc.max_receive_message_length": 400 * 1024 * 1024,
        "grpc.max_send_message_length": 400 * 1024 * 1024,
    });
    // Requests the monitor does not serve get gRPC's UNIMPLEMENTED.
    const unary =
        <Req, Res>(handle: (request: Req, callback: Callback<Res>) => void) =>
        (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) =>
            handle(call.request, (error, response) =>
                callback(error as Partial<grpc.StatusObject> | null, response),
            );
    server.addService(ResourceMonitorService, {
        getDeploymentInfo: unary(monitor.getDeploymentInfo),
        supportsFeature: unary(monitor.supportsFeature),
        registerResource: unary(monitor.registerResource),
        registerResourceOutputs: unary(monitor.registerResourceOutputs),
        invoke: unary(monitor.invoke),
        signalAndWaitForShutdown: unary(monitor.signalAndWaitForShutdown),
    } as unknown as grpc.UntypedServiceImplementation);
    server.addService(EngineService, {
        log: unary(monitor.log),
        setRootResource: unary(monitor.setRootResource),
        getRootResource: unary(monitor.getRootResource),
    } as unknown as grpc.UntypedServiceImplementation);
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
            error ? reject(error) : resolve(bound),
        ),
    );
    return { address: `127.0.0.1:${port}`, server };
}

/** The language host's command line and environment for a program. */
export function programCommand(options: LanguageHostOptions, address: string) {
    const runPath = require.resolve("@pulumi/pulumi/cmd/run", {
        paths: [options.programDirectory],
    });
    const args = [
        ...(options.nodeArgs ?? []),
        runPath,
        ...["--monitor", address, "--engine", address],
        ...["--organization", options.organization, "--project", options.project],
        ...["--root-directory", options.rootDirectory ?? options.programDirectory],
        ...["--stack", options.stack, "--pwd", options.programDirectory],
        ...["--parallel", "16"],
        options.entryPoint,
    ];
    // The CLI passes config keys in their legacy `<project>:config:<key>` form.
    const config = Object.fromEntries(
        Object.entries(options.config).map(([key, value]) => {
            const colon = key.indexOf(":");
            return [`${key.slice(0, colon)}:config:${key.slice(colon + 1)}`, value];
        }),
    );
    const env = childEnvironment({
        ...options.env,
        PULUMI_CONFIG: JSON.stringify(config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(options.secretKeys),
    });
    return { command: process.execPath, args, env };
}

/** Linux's limit on one environment string (MAX_ARG_STRLEN: 32 pages), `NAME=value` and its NUL. */
export const MAX_ENV_STRING_BYTES = 32 * 4096;

/**
 * The stack's config does not fit the one environment variable the Pulumi CLI passes it in
 * (PULUMI_CONFIG): the CLI could not start the program either.
 */
export class ConfigTooLargeError extends Error {
    constructor(bytes: number) {
        super(
            `the stack's config takes ${bytes} bytes in PULUMI_CONFIG, where the Pulumi CLI hands it to the program, and Linux allows ${MAX_ENV_STRING_BYTES} in one environment variable; keep bulk data out of the stack config`,
        );
        this.name = "ConfigTooLargeError";
    }
}

/** Runs a program through the language-host protocol and returns what it registered. */
export async function runProgram(options: LanguageHostOptions): Promise<ProgramRun> {
    const monitor = new RecordingMonitor(options);
    const { address, server } = await serve(monitor);
    const { command, args, env } = programCommand(
        { ...options, programDirectory: path.resolve(options.programDirectory) },
        address,
    );
    const configBytes = Buffer.byteLength(`PULUMI_CONFIG=${env.PULUMI_CONFIG}`) + 1;
    if (configBytes > MAX_ENV_STRING_BYTES) {
        server.forceShutdown();
        throw new ConfigTooLargeError(configBytes);
    }
    const child = startChild(command, args, {
        cwd: options.rootDirectory ?? options.programDirectory,
        env,
        timeoutMs: options.timeoutMs ?? 120_000,
    });
    try {
        const exitCode = await child.closed;
        return {
            recording: monitor.recording,
            exitCode,
            timedOut: child.timedOut(),
            stderr: child.stderr(),
        };
    } finally {
        child.kill();
        server.forceShutdown();
    }
}
