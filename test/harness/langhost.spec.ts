// The program launched as the Pulumi CLI launches it: the nodejs language host's command line and
// environment, the resource monitor and engine over gRPC, and what a run records.
import { expect } from "chai";
import {
    ConfigTooLargeError,
    MAX_ENV_STRING_BYTES,
    programCommand,
    runProgram,
} from "../../harness/runtime/langhost";
import { monitorOptions } from "../../harness/runtime/plan";
import { programFailure, PROJECT_ROOT } from "../../harness/stack";

const PROGRAMS = "test/fixtures/programs";

/** Runs a fixture program with a little config, as stack `test` of this project. */
function run(program: string, timeoutMs?: number) {
    return runProgram({
        ...monitorOptions(
            "test",
            { "picluster-mesh:namespace": "books", "picluster-mesh:token": "hunter2" },
            ["picluster-mesh:token"],
        ),
        programDirectory: PROJECT_ROOT,
        entryPoint: `${PROGRAMS}/${program}`,
        timeoutMs,
    });
}

describe("the language host", function () {
    this.timeout(60000);

    it("starts cmd/run with the monitor, engine, project, stack and directory, config in the environment", () => {
        const { command, args, env } = programCommand(
            {
                ...monitorOptions("dev", { "picluster-mesh:domain": "example.com" }, []),
                programDirectory: PROJECT_ROOT,
                entryPoint: "bin/index.js",
            },
            "127.0.0.1:4000",
        );
        expect(command).to.equal(process.execPath);
        expect(args[0]).to.match(/node_modules\/@pulumi\/pulumi\/cmd\/run\/index\.js$/);
        expect(args.slice(1)).to.deep.equal([
            ...["--monitor", "127.0.0.1:4000", "--engine", "127.0.0.1:4000"],
            ...["--organization", "organization", "--project", "picluster-mesh"],
            ...["--root-directory", PROJECT_ROOT, "--stack", "dev"],
            ...["--pwd", PROJECT_ROOT, "--parallel", "16", "bin/index.js"],
        ]);
        expect(env.PULUMI_CONFIG).to.equal('{"picluster-mesh:config:domain":"example.com"}');
        expect(env.PULUMI_CONFIG_SECRET_KEYS).to.equal("[]");
    });

    it("records every resource with its parent, edges and options, the Stack left out, secrets masked", async () => {
        const { exitCode, recording } = await run("records.js");
        expect(exitCode).to.equal(0);
        const urn = (type: string, name: string) =>
            `urn:pulumi:test::picluster-mesh::${type}::${name}`;
        const shelf = urn("test:index:Shelf", "shelf");
        const provider = `${urn("pulumi:providers:kubernetes", "cluster")}::cluster-id`;
        expect(
            recording.resources.map((r) => [r.urn, r.parent, r.dependsOn, r.options]),
        ).to.deep.equal([
            [
                urn("pulumi:providers:kubernetes", "cluster"),
                null,
                [],
                {
                    protect: false,
                    retainOnDelete: false,
                    import: null,
                    ignoreChanges: [],
                    provider: null,
                },
            ],
            [
                shelf,
                null,
                [],
                {
                    protect: false,
                    retainOnDelete: false,
                    import: null,
                    ignoreChanges: [],
                    provider: null,
                },
            ],
            [
                urn("test:index:Shelf$kubernetes:core/v1:Namespace", "shelf-namespace"),
                shelf,
                [],
                { protect: true, retainOnDelete: false, import: null, ignoreChanges: [], provider },
            ],
            [
                urn("kubernetes:core/v1:Secret", "token"),
                null,
                [urn("test:index:Shelf$kubernetes:core/v1:Namespace", "shelf-namespace")],
                {
                    protect: false,
                    retainOnDelete: false,
                    import: null,
                    ignoreChanges: ["data"],
                    provider,
                },
            ],
            [
                urn("kubernetes:core/v1:ConfigMap", "adopted"),
                null,
                [urn("kubernetes:core/v1:Secret", "token")],
                {
                    protect: false,
                    retainOnDelete: true,
                    import: "books/adopted",
                    ignoreChanges: [],
                    provider,
                },
            ],
        ]);
        expect(recording.resources[3].inputs.stringData).to.equal("[secret]");
        expect(recording.stackOutputs).to.deep.equal({ namespace: "books", token: "[secret]" });
        // The SDK's debug logs echo requests and responses: they are recorded with secrets masked.
        expect(recording.logs.some((log) => log.message.includes("[secret]"))).to.equal(true);
        expect(JSON.stringify(recording)).to.not.contain("hunter2");
    });

    it("reports an exception as the error the program logged, and cmd/run's exit code 32", async () => {
        const failed = await run("throws.js");
        expect(failed.exitCode).to.equal(32);
        const errors = failed.recording.logs.filter((log) => log.severity === "error");
        expect(errors).to.have.length(1);
        expect(errors[0].message).to.contain("Error: the program broke halfway\n    at ");
        // The plan shows it as one line: the message, without cmd/run's preamble and the stack.
        expect(programFailure(failed)).to.deep.include({
            message: "the program broke halfway",
            badConfig: false,
        });
    });

    it("reports a RunError by its message alone, a refused config as bad config", async () => {
        const failed = await run("refuses.js");
        expect(failed.exitCode).to.equal(32);
        expect(failed.recording.logs.filter((log) => log.severity === "error")).to.deep.equal([
            { severity: "error", message: 'Invalid config test:size = "huge": expected a number.' },
        ]);
        expect(failed.recording.resources).to.deep.equal([]);
        expect(programFailure(failed)).to.deep.include({
            message: 'Invalid config test:size = "huge": expected a number.',
            badConfig: true,
        });
    });

    it("stops a program that outlives its timeout, and always ends the child", async () => {
        const stopped = await run("hangs.js", 1000);
        expect([stopped.exitCode, stopped.timedOut]).to.deep.equal([null, true]);
        expect(programFailure(stopped).message).to.equal(
            "the program did not finish within its timeout",
        );
    });

    it("refuses a config larger than one environment variable holds, as the CLI could not pass it", async () => {
        const value = "x".repeat(MAX_ENV_STRING_BYTES);
        const attempt = runProgram({
            ...monitorOptions("test", { "picluster-mesh:bulk": value }, []),
            programDirectory: PROJECT_ROOT,
            entryPoint: `${PROGRAMS}/records.js`,
        });
        const error = await attempt.then(
            () => expect.fail("the program ran"),
            (failure: Error) => failure,
        );
        expect(error).to.be.instanceOf(ConfigTooLargeError);
        // The value, `PULUMI_CONFIG={"picluster-mesh:config:bulk":"` before it, `"}` and a NUL.
        expect(error.message).to.equal(
            `the stack's config takes ${MAX_ENV_STRING_BYTES + 48} bytes in PULUMI_CONFIG, where the Pulumi CLI hands it to the program, and Linux allows 131072 in one environment variable; keep bulk data out of the stack config`,
        );
    });
});
