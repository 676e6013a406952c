// The generated sections of README.md and docs/ match what the code generates today.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../harness/stack";
import { SECTIONS } from "../scripts/docs";
import { sectionBody, sectionOf, withSection } from "../scripts/sections";

describe("the generated docs", () => {
    for (const section of SECTIONS) {
        it(`keep ${section.file}'s ${section.name} section current (npm run docs)`, () => {
            const text = fs.readFileSync(path.join(PROJECT_ROOT, section.file), "utf8");
            expect(
                sectionOf(text, section.name),
                `${section.file} is stale: run npm run docs`,
            ).to.equal(sectionBody(section.render()));
        });
    }

    it("replace only the text between a section's markers", () => {
        const text =
            "# Title\n\n<!-- generated:rules:start -->\nold\n<!-- generated:rules:end -->\n\nafter\n";
        expect(withSection(text, "rules", "new")).to.equal(
            "# Title\n\n<!-- generated:rules:start -->\n<!-- prettier-ignore-start -->\nnew\n<!-- prettier-ignore-end -->\n<!-- generated:rules:end -->\n\nafter\n",
        );
    });
});
