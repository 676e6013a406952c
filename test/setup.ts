// Loaded by mocha before every spec (see .mocharc.js). The Pulumi mock runtime itself is set up
// per plan by harness/runtime/plan.ts, the one mock setup every test shares.
import * as chai from "chai";

chai.config.truncateThreshold = 0;
