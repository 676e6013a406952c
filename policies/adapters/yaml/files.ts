// Finds the YAML files under the paths a user names, and reads them. Any path that cannot be read
// makes the whole input unusable: a linter that silently skipped it would pass what it never saw.
// Every read is bounded: only regular files are opened for reading (a FIFO would block forever,
// /dev/zero never ends), and none above a size limit no real manifest comes near.
import * as fs from "fs";
import * as path from "path";

/** The largest file read unless the caller says otherwise: far above any real manifest. */
export const DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024;

/**
 * The largest limit a caller may set: a file's text must fit in one string (V8 refuses strings of
 * 512 MiB and more), UTF-16 files decode to as many characters as half their bytes.
 */
export const MAX_FILE_SIZE_LIMIT = 256 * 1024 * 1024;

/** How much is read. */
export interface ReadLimits {
    /** The largest file read, in bytes; larger files make the input unusable. */
    readonly maxFileSize: number;
}

export const DEFAULT_LIMITS: ReadLimits = { maxFileSize: DEFAULT_MAX_FILE_SIZE };

const UNITS: readonly [string, number][] = [
    ["GiB", 1024 ** 3],
    ["MiB", 1024 ** 2],
    ["KiB", 1024],
];

/** `16 MiB`, `1.5 KiB`, `200 bytes`. */
export function formatSize(bytes: number): string {
    for (const [unit, size] of UNITS) {
        if (bytes >= size) {
            return `${Number((bytes / size).toFixed(1))} ${unit}`;
        }
    }
    return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
}

/** A size as `--max-file-size` takes it (`16MiB`, `512 KiB`, `1048576`), or undefined. */
export function parseSize(text: string): number | undefined {
    const match = /^(\d+(?:\.\d+)?)\s*(KiB|MiB|GiB|B)?$/i.exec(text.trim());
    if (!match) {
        return undefined;
    }
    const unit = UNITS.find(([name]) => name.toLowerCase() === match[2]?.toLowerCase());
    const bytes = Math.floor(Number(match[1]) * (unit?.[1] ?? 1));
    return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

/** How long an echoed value may be: enough for any real path, not for a pasted document. */
const SHOWN_LIMIT = 200;

/**
 * A value as an error line may echo it: on one line (control characters, which could also steer
 * a terminal, shown as `?`), credentials in a URL's userinfo masked, and cut to a few hundred
 * characters.
 */
export function shown(value: string, limit = SHOWN_LIMIT): string {
    // Masked before it is cut, so that a cut never leaves half a password in view; the head
    // alone, so that a huge value costs little. Userinfo cut off at the end is masked too.
    const text = value
        .slice(0, limit * 4)
        // eslint-disable-next-line no-control-regex -- control characters are what it replaces
        .replace(/[\x00-\x1f\x7f-\x9f]/g, "?")
        .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*(@|$)/gi, "$1***$2");
    return value.length > limit ? `${text.slice(0, limit)}…` : text;
}

/** An input path that cannot be read; the message is one line naming the path and why. */
export class UnusableInputError extends Error {
    constructor(
        readonly inputPath: string,
        reason: string,
    ) {
        super(`cannot read ${shown(inputPath)}: ${reason}`);
        this.name = "UnusableInputError";
    }
}

/** One YAML file of the input. */
export interface InputFile {
    /** The path as shown to the user: the named path, joined with the path below it. */
    readonly display: string;
    /** The resolved path (symbolic links followed), which identifies the file. */
    readonly real: string;
}

const REASONS: Record<string, string> = {
    ENOENT: "no such file or directory",
    EACCES: "permission denied",
    EPERM: "permission denied",
    ENOTDIR: "a part of the path is not a directory",
    ELOOP: "too many levels of symbolic links",
    EISDIR: "is a directory",
    ENAMETOOLONG: "a name in the path is too long",
};

function unusable(inputPath: string, error: unknown): UnusableInputError {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    const fallback = code || (error instanceof Error ? error.message : String(error));
    return new UnusableInputError(inputPath, REASONS[code] ?? fallback.split("\n")[0]);
}

/** What a path that is neither a regular file nor a directory is, in words. */
function specialKind(stat: fs.Stats): string {
    if (stat.isFIFO()) {
        return "a FIFO";
    }
    if (stat.isCharacterDevice()) {
        return "a character device";
    }
    if (stat.isBlockDevice()) {
        return "a block device";
    }
    return stat.isSocket() ? "a socket" : "a special file";
}

function notRegular(inputPath: string, stat: fs.Stats, what: string): UnusableInputError {
    return new UnusableInputError(inputPath, `${specialKind(stat)}, not ${what}`);
}

/** The size of a file above the limit; undefined for one that grew past it, "stream" for stdin. */
function tooLarge(inputPath: string, size: number | undefined | "stream", limits: ReadLimits) {
    const limit = `the ${formatSize(limits.maxFileSize)} a file may have (--max-file-size)`;
    return new UnusableInputError(
        inputPath,
        size === "stream"
            ? `more than ${limit}`
            : size === undefined
              ? `grew past ${limit} while read`
              : `${formatSize(size)}, more than ${limit}`,
    );
}

export function isYamlFile(name: string): boolean {
    return name.endsWith(".yaml") || name.endsWith(".yml");
}

/** Forward slashes everywhere, so that output and tests read the same on every platform. */
function toDisplay(file: string): string {
    return file.split(path.sep).join("/");
}

/** The path that names the standard input, as in `kustomize build | mesh-lint -`. */
export const STDIN_PATH = "-";

/** How the standard input is named in findings and errors. */
export const STDIN_DISPLAY = "<stdin>";

/**
 * The standard input's resolved path: a directory no disk has, so that nothing beside it (a
 * Chart.yaml in the working directory, say) is taken for its neighbour.
 */
export const STDIN_REAL = path.join(path.parse(process.cwd()).root, "<stdin>", "<stdin>");

/** The input's files, and the paths an ignore rule left out (not read at all). */
export interface CollectedFiles {
    readonly files: InputFile[];
    readonly ignored: string[];
}

/**
 * The YAML files below each path, in a stable order: a named file is taken whatever its name;
 * directories are walked recursively for `.yaml` and `.yml` files, skipping hidden directories
 * (`.git`). A file reached twice (overlapping paths, symbolic links) is listed once.
 * Throws {@link UnusableInputError} for a path that is missing or unreadable, and for a FIFO,
 * socket or device named on the command line or found with a YAML name: nothing is read of them.
 */
export function collectYamlFiles(paths: readonly string[]): InputFile[] {
    return collectInput(paths).files;
}

/**
 * {@link collectYamlFiles}, with `-` naming the standard input (its bytes are read by the
 * caller, see {@link readStream}), and paths `ignore` takes left out: a named path, a directory
 * (not walked) or a file it finds; the paths left out are listed.
 */
export function collectInput(
    paths: readonly string[],
    ignore: (display: string) => boolean = () => false,
): CollectedFiles {
    const ignored: string[] = [];
    const files: InputFile[] = [];
    const seenFiles = new Set<string>();
    const seenDirectories = new Set<string>();
    const addFile = (display: string, real: string) => {
        if (!seenFiles.has(real)) {
            seenFiles.add(real);
            files.push({ display: toDisplay(display), real });
        }
    };
    const walk = (display: string, real: string) => {
        if (seenDirectories.has(real)) {
            return;
        }
        seenDirectories.add(real);
        let entries: fs.Dirent[];
        try {
            entries = fs.readdirSync(real, { withFileTypes: true });
        } catch (error) {
            throw unusable(display, error);
        }
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const entry of entries) {
            const childDisplay = path.join(display, entry.name);
            if (entry.name.startsWith(".") && entry.isDirectory()) {
                continue;
            }
            if (
                (entry.isDirectory() || entry.isSymbolicLink() || isYamlFile(entry.name)) &&
                ignore(toDisplay(childDisplay))
            ) {
                ignored.push(toDisplay(childDisplay));
                continue;
            }
            if (entry.isDirectory()) {
                if (!entry.name.startsWith(".")) {
                    walk(childDisplay, path.join(real, entry.name));
                }
            } else if (entry.isFile()) {
                if (isYamlFile(entry.name)) {
                    addFile(childDisplay, path.join(real, entry.name));
                }
            } else if (entry.isSymbolicLink()) {
                const target = resolve(childDisplay);
                if (target.stat.isDirectory() && !entry.name.startsWith(".")) {
                    walk(childDisplay, target.real);
                } else if (target.stat.isFile() && isYamlFile(entry.name)) {
                    addFile(childDisplay, target.real);
                } else if (!target.stat.isDirectory() && isYamlFile(entry.name)) {
                    throw notRegular(childDisplay, target.stat, "a regular file");
                }
            } else if (isYamlFile(entry.name)) {
                // A FIFO or device named like a manifest: Flux and kubectl would try to read it.
                throw notRegular(childDisplay, resolve(childDisplay).stat, "a regular file");
            }
        }
    };
    for (const inputPath of paths) {
        if (inputPath === STDIN_PATH) {
            addFile(STDIN_DISPLAY, STDIN_REAL);
            continue;
        }
        if (ignore(toDisplay(inputPath))) {
            ignored.push(toDisplay(inputPath));
            continue;
        }
        const { stat, real } = resolve(inputPath);
        if (stat.isDirectory()) {
            walk(inputPath, real);
        } else if (stat.isFile()) {
            addFile(inputPath, real);
        } else {
            throw notRegular(inputPath, stat, "a file or directory");
        }
    }
    return { files, ignored };
}

function resolve(inputPath: string): { stat: fs.Stats; real: string } {
    try {
        const real = fs.realpathSync(inputPath);
        return { stat: fs.statSync(real), real };
    } catch (error) {
        throw unusable(inputPath, error);
    }
}

/**
 * A regular file's bytes, at most `limits.maxFileSize` of them; undefined when it does not exist
 * or is a directory (a build's reference to a missing file is a problem of the build, not of
 * reading). Throws {@link UnusableInputError} for anything else that cannot be read: a FIFO or a
 * device (opened without blocking and refused before a byte is read), a file above the limit
 * (refused by its size, or when it grows past the limit while read), a file it may not read.
 */
export function readBytesIfPresent(
    real: string,
    display: string,
    limits: ReadLimits = DEFAULT_LIMITS,
): Buffer | undefined {
    let fd: number;
    try {
        // O_NONBLOCK: opening a FIFO for reading would wait for a writer forever.
        fd = fs.openSync(real, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") {
            return undefined;
        }
        throw unusable(display, error);
    }
    try {
        const stat = fs.fstatSync(fd);
        if (stat.isDirectory()) {
            return undefined;
        }
        if (!stat.isFile()) {
            throw notRegular(display, stat, "a regular file");
        }
        if (stat.size > limits.maxFileSize) {
            throw tooLarge(display, stat.size, limits);
        }
        // Sized by fstat, one byte more to see the end (or a file that grew while read): a
        // 64 KiB chunk per file kept every small file's whole chunk alive, 3,000 files' worth.
        let buffer = Buffer.allocUnsafe(Math.min(stat.size, limits.maxFileSize) + 1);
        let total = 0;
        for (;;) {
            if (total === buffer.length) {
                const grown = Buffer.allocUnsafe(Math.min(total * 2, limits.maxFileSize + 1));
                buffer.copy(grown, 0, 0, total);
                buffer = grown;
            }
            const count = fs.readSync(fd, buffer, total, buffer.length - total, null);
            if (count === 0) {
                break;
            }
            total += count;
            if (total > limits.maxFileSize) {
                throw tooLarge(display, undefined, limits);
            }
        }
        return buffer.subarray(0, total);
    } catch (error) {
        throw error instanceof UnusableInputError ? error : unusable(display, error);
    } finally {
        fs.closeSync(fd);
    }
}

/**
 * A stream's bytes (the standard input), at most `limits.maxFileSize` of them: a longer stream
 * is refused as soon as it passes the limit, the rest never read, so `mesh-lint - < /dev/zero`
 * ends as a file above the limit does. Throws {@link UnusableInputError}.
 */
export async function readStream(
    stream: AsyncIterable<Buffer | string>,
    display: string = STDIN_DISPLAY,
    limits: ReadLimits = DEFAULT_LIMITS,
): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let total = 0;
    try {
        for await (const chunk of stream) {
            const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
            chunks.push(bytes);
            total += bytes.length;
            if (total > limits.maxFileSize) {
                // Leaving the loop ends the stream: nothing more is read.
                throw tooLarge(display, "stream", limits);
            }
        }
    } catch (error) {
        throw error instanceof UnusableInputError ? error : unusable(display, error);
    }
    return Buffer.concat(chunks, total);
}

/** An input file's bytes. Throws {@link UnusableInputError} when it cannot be read. */
export function readBytes(file: InputFile, limits: ReadLimits = DEFAULT_LIMITS): Buffer {
    const bytes = readBytesIfPresent(file.real, file.display, limits);
    if (!bytes) {
        // Gone, or replaced by a directory, since it was listed.
        throw new UnusableInputError(file.display, "no such file");
    }
    return bytes;
}

/** An input file's text as UTF-8. Throws {@link UnusableInputError} when it cannot be read. */
export function readText(file: InputFile, limits: ReadLimits = DEFAULT_LIMITS): string {
    return readBytes(file, limits).toString("utf8");
}
