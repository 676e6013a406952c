// Reading a file a user names on the command line (a stack file, a policy config): only regular
// files, only up to a size no real input comes near, so that a directory, a FIFO (which would
// block forever) or /dev/zero (which never ends) is refused in one line instead of read.
import * as fs from "fs";

/** The largest input file read: stack files and policy configs are a few KiB. */
export const INPUT_FILE_LIMIT = 1024 * 1024;

/** A file the command cannot use; the message is one line naming it. */
export class InputFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InputFileError";
    }
}

/** The text of a regular file of at most `limit` bytes; throws InputFileError otherwise. */
export function readInputFile(file: string, limit = INPUT_FILE_LIMIT): string {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(file);
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new InputFileError(
            code === "ENOENT" ? `${file} does not exist` : `cannot read ${file} (${code})`,
        );
    }
    if (!stat.isFile()) {
        throw new InputFileError(
            `${file} is ${stat.isDirectory() ? "a directory" : "not a regular file"}; give a file`,
        );
    }
    if (stat.size > limit) {
        throw new InputFileError(
            `${file} has ${stat.size} bytes, more than the ${limit} an input file may have`,
        );
    }
    try {
        return fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new InputFileError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code})`);
    }
}
